"""Commands for kept calls and scenario files: init, calls, show, replay (registered on the main app)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
