"""A tiny filesystem that can be filled: a 64 KiB tmpfs mounted for one test, for ENOSPC from the disk
itself rather than from a patched call. Mounting needs root (or CAP_SYS_ADMIN): elsewhere the tests that
use it skip, except under CI, which must run them."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


class TinyDisk:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._filler = root / ".filler"

    def fill(self) -> None:
        """Take every free byte, so the next write that needs a new page fails with ENOSPC."""
        fd = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * 1024)
        finally:
            os.close(fd)

    def free(self) -> None:
        self._filler.unlink(missing_ok=True)


@contextlib.contextmanager
def tiny_disk(where: Path, size: str = "64k") -> Iterator[TinyDisk]:
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        why = f"can't mount a tiny filesystem here ({mounted.stderr.strip() or 'mount failed'})"
        if os.environ.get("CI"):
            pytest.fail(f"{why}, and CI must run the disk-full tests")
        pytest.skip(why)
    try:
        yield TinyDisk(where)
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
