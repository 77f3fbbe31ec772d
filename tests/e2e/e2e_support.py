"""What the Python end-to-end checks share: the binaries under test, the
browser's parts, a free loopback port, and stopping what a check started."""

import os
import shutil
import signal
import socket
import subprocess


class Failed(Exception):
    pass


def binaries(args, with_sample=False):
    """fairly and fairlyd (and fairly-sample): the installed ones when
    FAIRLY_TEST_BINDIR names them (scripts/test does), else the build tree's."""
    bindir = os.environ.get("FAIRLY_TEST_BINDIR")
    if bindir:
        found = [os.path.join(bindir, "bin", "fairly"), os.path.join(bindir, "sbin", "fairlyd")]
        if with_sample:
            found.append(os.path.join(bindir, "bin", "fairly-sample"))
    else:
        found = [args.fairly, args.fairlyd] + ([args.sample] if with_sample else [])
    return tuple(found)


def browser_parts():
    """Chromium, chromedriver and Selenium, or why they are missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    try:
        import selenium  # noqa: F401
    except ImportError:
        return None, "python3-selenium is not installed (apt-get install python3-selenium; run with /usr/bin/python3)"
    if not chromium:
        return None, "chromium is not installed (apt-get install chromium)"
    if not driver:
        return None, "chromedriver is not installed (apt-get install chromium-driver)"
    return (chromium, driver), None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process, grace=10):
    """SIGTERM to the process group a check started (start_new_session), then SIGKILL."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
