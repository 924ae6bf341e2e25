"""The world a command runs in, read once in ``main()``: the environment's keys and URLs, ``NO_COLOR``,
``--debug``, the consoles (made when first used) and the one redactor (as httpie's ``Environment``).

Commands, the REPL's terminal and the backends' options all take what they need from here, so nothing
below reads ``os.environ`` on its own, and a test or a server passes an environment of its choosing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from callersim_cli.redact import Redactor

if TYPE_CHECKING:
    from rich.console import Console


def load_dotenv_file() -> list[str]:
    """Settings from ``.env`` in the working directory; the real environment wins.

    Returns one line for each line of the file that was skipped (not UTF-8, or holding a NUL byte): a
    stray byte costs that setting, never the command.
    """
    path = Path.cwd() / ".env"
    try:
        raw = path.read_bytes() if path.is_file() else None
    except OSError as exc:
        return [f"Can't read {path}: {exc.strerror or exc}; its settings are not used"]
    if raw is None:
        return []
    import io

    from dotenv import load_dotenv

    kept, skipped = [], []
    for number, line in enumerate(raw.splitlines(), start=1):
        try:
            text = line.decode("utf-8")
            fault = "it holds a NUL byte" if "\0" in text else None
        except UnicodeDecodeError:
            fault = "it is not UTF-8 text"
        if fault:
            skipped.append(f"{path}, line {number}: {fault}; that line is skipped")
            text = ""  # kept as a blank line, so dotenv's own messages count lines as the file does
        kept.append(text)
    load_dotenv(stream=io.StringIO("\n".join(kept) + "\n"), override=False)
    return skipped


def key_variables() -> list[str]:
    """Every variable a backend reads its key from, as the registries declare them."""
    from callersim_cli.engines import ENGINES
    from callersim_cli.judges import JUDGES
    from callersim_cli.voices import VOICES

    rows = [*ENGINES.rows.values(), *JUDGES.rows.values(), *VOICES.rows.values()]
    return sorted({row.needs.key for row in rows if row.needs.key})


@dataclass
class Environment:
    vars: Mapping[str, str] = field(default_factory=dict)
    debug: bool = False  # --debug: tracebacks
    terminal: bool | None = None  # whether stdout is a person's screen; None: as the console finds it

    @classmethod
    def read(cls) -> Environment:
        """The process's environment as it is now (``main()`` loads ``.env`` into it first)."""
        return cls(dict(os.environ))

    def get(self, name: str) -> str | None:
        """A variable's value; None when unset or empty."""
        return self.vars.get(name) or None

    @property
    def keys(self) -> dict[str, str | None]:
        """The backends' keys, by variable name."""
        return {name: self.get(name) for name in key_variables()}

    @cached_property
    def redact(self) -> Redactor:
        """Keeps every key out of what is shown and kept: output, transcripts, error lines."""
        return Redactor(self.keys.values())

    @cached_property
    def out(self) -> Console:
        return self._console(stderr=False)

    @cached_property
    def err(self) -> Console:
        return self._console(stderr=True)

    def shown(self, text: str) -> str:
        """``text`` as it may reach the screen: keys redacted, control characters escaped."""
        from callersim_cli.printable import printable

        return printable(self.redact(text))

    def error(self, message: str) -> None:
        """One red line on stderr, keys redacted: what went wrong and what to do."""
        self.err.print(self.shown(message), style="red", markup=False, highlight=False)

    def warning(self, message: str) -> None:
        """One yellow line on stderr, keys redacted: something went wrong that the command goes on past."""
        self.err.print(self.shown(message), style="yellow", markup=False, highlight=False)

    def notice(self, message: str) -> None:
        """A quiet line on stderr about the setup (which engine, which voice, what was written)."""
        self.err.print(self.shown(message), style="dim", markup=False, highlight=False)

    def traceback(self) -> None:
        """The exception being handled, for --debug; SDK messages may echo a key, so it is redacted."""
        import traceback

        self.err.print(self.shown(traceback.format_exc()), style="dim", markup=False, highlight=False)

    def _console(self, *, stderr: bool) -> Console:
        from rich.console import Console  # only when something is printed: reading calls needs no terminal

        # No file given: the console writes to whatever sys.stdout/stderr is when it prints.
        no_color = bool(self.get("NO_COLOR"))
        return Console(
            stderr=stderr, highlight=False, no_color=no_color, soft_wrap=True, force_terminal=self.terminal
        )

    @property
    def data_dir(self) -> Path:
        home = self.get("CALLERSIM_HOME")
        if home:
            return Path(home)
        from platformdirs import user_data_dir

        return Path(user_data_dir("callersim", appauthor=False))

    @property
    def calls_dir(self) -> Path:
        return self.data_dir / "calls"

    @property
    def history_path(self) -> Path:
        return self.data_dir / "prompt-history"
