#!/usr/bin/env python3
"""fairly-cutfs does what it claims (issue 19): after a power cut only what
was made durable survives. Each case mounts it over a fresh backing
directory, does some writes, cuts the power (or unmounts cleanly), mounts it
afresh and looks at what is left. Exit 0 when every case holds, 1 when one
does not, 77 (a skip) when FUSE cannot be used here."""

import argparse
import errno
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cutfs_support import SKIP, CutFS, Unavailable  # noqa: E402


def write(path, data, sync=False, flags=os.O_WRONLY | os.O_CREAT | os.O_TRUNC, offset=None):
    fd = os.open(path, flags, 0o644)
    try:
        if offset is None:
            os.write(fd, data)
        else:
            os.pwrite(fd, data, offset)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def sync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


# Each case: (name, before(mnt), cut: None for a clean unmount / "cut" / "tear", after(mnt) -> problems)
def case_data(m):
    write(f"{m}/kept", b"synced", sync=True)
    sync_dir(m)
    write(f"{m}/kept", b"+unsynced", flags=os.O_WRONLY | os.O_APPEND)
    write(f"{m}/never", b"never synced")
    assert read(f"{m}/kept") == b"synced+unsynced", "the running view shows every write"


def check_data(m):
    problems = []
    if read(f"{m}/kept") != b"synced":
        problems.append(f"kept: {read(f'{m}/kept')!r}, want b'synced' (the fsynced part only)")
    if read(f"{m}/never") is not None:
        problems.append("never: a file never synced survived the cut")
    return problems


def case_create(m):
    os.mkdir(f"{m}/d1")
    os.mkdir(f"{m}/d2")
    sync_dir(m)
    write(f"{m}/d1/nameless", b"data synced, name not", sync=True)
    write(f"{m}/d2/named", b"data and name synced", sync=True)
    sync_dir(f"{m}/d2")
    os.mkdir(f"{m}/newdir")  # its parent never synced again


def check_create(m):
    problems = []
    if read(f"{m}/d1/nameless") is not None:
        problems.append("d1/nameless: a created file survived without its directory's fsync")
    if read(f"{m}/d2/named") != b"data and name synced":
        problems.append(f"d2/named: {read(f'{m}/d2/named')!r} after fsync of the file and its directory")
    if os.path.exists(f"{m}/newdir"):
        problems.append("newdir: a mkdir survived without its parent's fsync")
    return problems


def case_rename_undone(m):
    write(f"{m}/target", b"old", sync=True)
    write(f"{m}/removed", b"still here", sync=True)
    sync_dir(m)
    write(f"{m}/target.tmp", b"new", sync=True)
    os.rename(f"{m}/target.tmp", f"{m}/target")
    os.unlink(f"{m}/removed")
    assert read(f"{m}/target") == b"new" and read(f"{m}/removed") is None


def check_rename_undone(m):
    problems = []
    if read(f"{m}/target") != b"old":
        problems.append(f"target: {read(f'{m}/target')!r}, want b'old' (the rename was never made durable)")
    if os.path.exists(f"{m}/target.tmp"):
        problems.append("target.tmp: a name never synced came back")
    if read(f"{m}/removed") != b"still here":
        problems.append("removed: an unlink without the directory's fsync survived the cut")
    return problems


def case_rename_kept(m):
    write(f"{m}/target", b"old", sync=True)
    sync_dir(m)
    write(f"{m}/target.tmp", b"new", sync=True)
    os.rename(f"{m}/target.tmp", f"{m}/target")
    sync_dir(m)


def check_rename_kept(m):
    if read(f"{m}/target") != b"new" or os.path.exists(f"{m}/target.tmp"):
        return [f"target: {read(f'{m}/target')!r}, want b'new' after the rename and the directory's fsync"]
    return []


def case_truncate(m):
    write(f"{m}/shrunk", b"x" * 10000, sync=True)
    write(f"{m}/unshrunk", b"y" * 10000, sync=True)
    sync_dir(m)
    os.truncate(f"{m}/unshrunk", 100)
    fd = os.open(f"{m}/shrunk", os.O_WRONLY)
    os.ftruncate(fd, 100)
    os.fdatasync(fd)
    os.close(fd)


def check_truncate(m):
    problems = []
    if read(f"{m}/shrunk") != b"x" * 100:
        problems.append(f"shrunk: {len(read(f'{m}/shrunk') or b'')} bytes, want 100 after ftruncate and fdatasync")
    if read(f"{m}/unshrunk") != b"y" * 10000:
        problems.append(f"unshrunk: {len(read(f'{m}/unshrunk') or b'')} bytes, want 10000 (the truncate was never synced)")
    return problems


def case_tear(m):
    write(f"{m}/torn", b"a" * 8192, sync=True)
    sync_dir(m)
    write(f"{m}/torn", b"b" * 8192, flags=os.O_WRONLY, offset=0)


def check_tear(m):
    data = read(f"{m}/torn")
    if data is None or len(data) != 8192:
        return [f"torn: {None if data is None else len(data)} bytes, want 8192"]
    sectors = [data[i:i + 512] for i in range(0, 8192, 512)]
    if any(s not in (b"a" * 512, b"b" * 512) for s in sectors):
        return ["torn: a sector neither all old nor all new"]
    new = sum(s == b"b" * 512 for s in sectors)
    if new in (0, 16):
        return [f"torn: {new} of 16 sectors new, want part of the write (some, not all)"]
    return []


def case_clean(m):
    write(f"{m}/unsynced", b"kept by a clean unmount")
    os.mkdir(f"{m}/dir")


def check_clean(m):
    if read(f"{m}/unsynced") != b"kept by a clean unmount" or not os.path.isdir(f"{m}/dir"):
        return ["a clean unmount lost what was written"]
    return []


CASES = [
    ("unsynced data is lost, synced data kept", case_data, "cut", check_data),
    ("a name needs its directory's fsync", case_create, "cut", check_create),
    ("a rename and an unlink without the directory's fsync are undone", case_rename_undone, "cut", check_rename_undone),
    ("a rename with the directory's fsync is kept", case_rename_kept, "cut", check_rename_kept),
    ("a truncate counts once synced", case_truncate, "cut", check_truncate),
    ("a torn write keeps only part", case_tear, "tear", check_tear),
    ("a clean unmount keeps everything", case_clean, None, check_clean),
]


def run_case(binary, root, index, before, cut, after, log):
    backing, mnt = f"{root}/case{index}/backing", f"{root}/case{index}/mnt"
    fs = CutFS(binary, backing, mnt, seed=1000 + index, log=log)
    fs.mount()
    try:
        before(mnt)
        if cut:
            fs.cut(tear=(cut == "tear"))
            try:
                write(f"{mnt}/after-the-cut", b"x", sync=True)
                return ["a write after the cut did not fail"]
            except OSError as e:
                if e.errno != errno.EIO:
                    return [f"a write after the cut failed with {e.strerror}, want EIO"]
    finally:
        fs.unmount()
    fs = CutFS(binary, backing, mnt, seed=2000 + index, log=log)
    fs.mount()
    try:
        return after(mnt)
    finally:
        fs.unmount()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cutfs", required=True, help="the fairly-cutfs binary")
    args = parser.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="fairly-cutfs-check-") as root, open(f"{root}/cutfs.log", "w") as log:
        for index, (name, before, cut, after) in enumerate(CASES):
            try:
                problems = run_case(args.cutfs, root, index, before, cut, after, log)
            except Unavailable as e:
                print(f"skipped: {e}")
                return SKIP
            print(("ok    " if not problems else "FAIL  ") + name)
            for problem in problems:
                print("      " + problem)
            failed += bool(problems)
        if failed:
            log.flush()
            print(open(f"{root}/cutfs.log").read(), end="")
    print(f"{len(CASES) - failed} of {len(CASES)} cases hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
