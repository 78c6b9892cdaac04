"""Replace a generated project directory in one step, keeping what the user and the build put there.

The new tree is written beside the old one (`.<name>.xccgen-new`) and exchanged with it by one
`renameat2(RENAME_EXCHANGE)`, so a reader (or a crash) sees the old project or the new one,
never a mix. Entries that are not xccgen's (`target/`, `node_modules/`, a lock file, the user's
own notes) are then moved from the old tree into the new one, and the old tree is deleted.

Every intermediate state has fixed names, so the next run finishes or undoes an interrupted
one (`recover`): a staging tree still holding its flag file was never switched in and is
deleted; one without it is the old project, whose user entries are carried over first.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from collections.abc import Callable
from pathlib import Path

STAGING_FLAG = ".xccgen-staging"  # present in a new tree until it has been switched in
# Directories a build or a package manager makes in a project: carried over in one rename.
KEEP_WHOLE = {"target", "node_modules", "build"}


def staging_dir(base: Path) -> Path:
    return base.with_name(f".{base.name}.xccgen-new")


def old_dir(base: Path) -> Path:
    return base.with_name(f".{base.name}.xccgen-old")


def replace(
    base: Path,
    write_new: Callable[[Path], None],
    ours: Callable[[Path], bool],
) -> None:
    """Switch `base` to the tree `write_new(staging)` writes.

    `ours(path)`: whether a file in the old tree is xccgen's (so it is not carried over).
    """
    recover(base, ours)
    staging = staging_dir(base)
    staging.mkdir(parents=True)
    (staging / STAGING_FLAG).touch()
    try:
        write_new(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not base.exists():
        os.rename(staging, base)
        (base / STAGING_FLAG).unlink()
    elif _exchange(staging, base):
        (base / STAGING_FLAG).unlink()
        os.rename(staging, old_dir(base))  # `staging` now holds the old project
    else:  # no atomic exchange on this system: two renames, each state recoverable
        os.rename(base, old_dir(base))
        os.rename(staging, base)
        (base / STAGING_FLAG).unlink()
    _retire(old_dir(base), base, ours)


def recover(base: Path, ours: Callable[[Path], bool]) -> None:
    """Finish or undo a replacement that an earlier run did not complete."""
    staging, old = staging_dir(base), old_dir(base)
    (base / STAGING_FLAG).unlink(missing_ok=True)  # exchanged, then interrupted
    if staging.is_dir():
        if (staging / STAGING_FLAG).exists():
            shutil.rmtree(staging)  # a new tree that was never switched in
        elif old.exists():
            # An old project and another one exchanged out: two interrupted runs. Keep what is
            # not xccgen's from this one too, then drop it.
            _retire(staging, base if base.is_dir() else old, ours)
        else:
            os.rename(staging, old)  # the old project, exchanged out before the crash
    if old.is_dir():
        if base.is_dir():
            _retire(old, base, ours)
        else:
            os.rename(old, base)  # the old project was moved aside; the new one never arrived


def _retire(old: Path, base: Path, ours: Callable[[Path], bool]) -> None:
    """Move what is not xccgen's from the old tree into the new one, then delete the old tree."""
    if not old.is_dir():
        return
    for root, dirs, files in os.walk(old):
        here = Path(root)
        target = base / here.relative_to(old)
        for name in list(dirs):
            if (here / name).is_symlink():  # os.walk lists it here but does not follow it
                dirs.remove(name)
                files.append(name)
            elif name in KEEP_WHOLE and not (target / name).exists():
                _move(here / name, target / name)  # build output: moved as is, never walked
                dirs.remove(name)
            elif (target / name).is_symlink() or (target / name).is_file():
                dirs.remove(name)  # replaced by a generated file
        for name in files:
            path = here / name
            if not (target / name).exists() and not (path.is_file() and ours(path)):
                _move(path, target / name)
    shutil.rmtree(old)


def _move(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.rename(source, dest)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
