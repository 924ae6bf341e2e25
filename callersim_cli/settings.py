"""Where settings and user data live. Nothing is read at import time."""

from __future__ import annotations

import os
from pathlib import Path


def load_dotenv_file() -> None:
    """Settings from ``.env`` in the working directory; the real environment wins."""
    path = Path.cwd() / ".env"
    if path.is_file():
        from dotenv import load_dotenv

        load_dotenv(path, override=False)


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("CALLERSIM_HOME") or user_data_dir("callersim", appauthor=False))


def calls_dir() -> Path:
    return data_dir() / "calls"


def history_path() -> Path:
    return data_dir() / "prompt-history"
