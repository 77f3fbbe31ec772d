"""Mounting, cutting and unmounting fairly-cutfs (tests/powercut/cutfs.cpp),
for tests/powercut/cutfs_check.py and bench/power-cut."""

import os
import select
import shutil
import signal
import subprocess
import time

SKIP = 77  # ctest's SKIP_RETURN_CODE: no FUSE here


class Unavailable(Exception):
    """FUSE cannot be used on this machine: the caller exits 77."""


def mounted(path):
    """Whether a filesystem is mounted at path, from /proc/self/mountinfo (a
    stat of a cut mount fails, so os.path.ismount cannot tell)."""
    path = os.path.realpath(path)
    with open("/proc/self/mountinfo") as info:
        for line in info:
            point = line.split()[4].encode().decode("unicode_escape")
            if point == path:
                return True
    return False


class CutFS:
    """One mount of fairly-cutfs over `backing` at `mountpoint`."""

    def __init__(self, binary, backing, mountpoint, seed, log):
        self.binary, self.backing, self.mountpoint, self.seed = binary, backing, mountpoint, seed
        self.log = log  # an open file for its stderr
        self.process = None

    def mount(self, timeout=10.0):
        if not os.path.exists("/dev/fuse"):
            raise Unavailable("/dev/fuse is missing")
        if not shutil.which("fusermount3"):
            raise Unavailable("fusermount3 is missing (Debian: fuse3)")
        os.makedirs(self.backing, exist_ok=True)
        os.makedirs(self.mountpoint, exist_ok=True)
        # setpriv: it dies with its parent (and auto_unmount unmounts it), so
        # a killed harness leaves no mount behind.
        wrap = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []
        self.process = subprocess.Popen(wrap + [self.binary, "--seed", str(self.seed), self.backing, self.mountpoint],
                                        stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL)
        line = self._line(timeout)
        if line != "ready":
            self._reap()
            raise Unavailable(f"fairly-cutfs did not mount {self.mountpoint} (said {line!r}; see its log)")

    def _line(self, timeout):
        deadline = time.monotonic() + timeout
        out = b""
        fd = self.process.stdout.fileno()
        while not out.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1)
            if not chunk:
                return out.decode() or None
            out += chunk
        return out.decode().strip()

    def cut(self, tear=False, timeout=10.0):
        """Cut the power: returns once fairly-cutfs refuses everything."""
        self.process.send_signal(signal.SIGUSR2 if tear else signal.SIGUSR1)
        if self._line(timeout) != "cut":
            raise RuntimeError("fairly-cutfs did not confirm the cut")

    def unmount(self, timeout=10.0):
        """Unmount (the kernel's page cache goes with it) and wait for the
        process; lazily, and then by force, when a plain unmount will not do."""
        if self.process is None:
            return
        deadline = time.monotonic() + timeout
        while mounted(self.mountpoint) and time.monotonic() < deadline - 3:
            if subprocess.run(["fusermount3", "-u", "-q", self.mountpoint], stderr=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.1)
        if mounted(self.mountpoint):
            subprocess.run(["fusermount3", "-u", "-z", "-q", self.mountpoint], stderr=subprocess.DEVNULL)
        self._reap(max(1.0, deadline - time.monotonic()))

    def _reap(self, timeout=3.0):
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if mounted(self.mountpoint):
            subprocess.run(["fusermount3", "-u", "-z", "-q", self.mountpoint], stderr=subprocess.DEVNULL)
        self.process.stdout.close()
        self.process = None
