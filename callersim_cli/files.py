"""Writing files so that a crash never leaves half of one, and saying in one line why one can't be."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from callersim_cli.errors import UsageError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        # mkstemp makes the file private; the result should have the usual permissions.
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# A write_atomic takes well under a second: a .part file this old belongs to a process that was killed.
STALE_PART_S = 600


def remove_stale_parts(folder: Path, older_than_s: float = STALE_PART_S) -> None:
    """Remove the hidden ``.part`` files a killed ``write_atomic`` left in ``folder``; a fresh one may
    be another process's write in flight, so it stays."""
    import time

    cutoff = time.time() - older_than_s
    for part in folder.glob(".*.part"):
        try:
            if part.is_file() and part.stat().st_mtime < cutoff:
                part.unlink()
        except OSError:
            continue  # gone already, or not ours to remove


def refuse_folder(path: Path) -> None:
    """Raise ``UsageError`` if ``path``, where a file is to be written, is a folder."""
    if path.is_dir():
        raise UsageError(f"Can't write {path}: it is a folder; give a file name")


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (atomically), or raise ``UsageError`` with one line saying why not."""
    refuse_folder(path)
    try:
        write_atomic(path, data)
    except (FileExistsError, NotADirectoryError):
        # Making the folders failed on a file in their way; "File exists" would not say which.
        raise UsageError(f"Can't write {path}: a part of that path is a file, not a folder") from None
    except OSError as exc:
        raise UsageError(f"Can't write {path}: {exc.strerror or exc}") from None
