"""The one object that owns the terminal: the prompt, stdout and stderr, colour, and the piped fallback.

The REPL talks only to this, so piped input, a real terminal and tests all go through the same loop.
Caller text is always printed as plain ``Text``: a caller that says "[press 1]" or "[bold]" must not be
parsed as markup.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback as tb
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from callersim_cli.actions import CallerEvent, HangUp, Press, Speech
from callersim_cli.redact import Redactor
from callersim_cli.session import CallSummary

CALLER_STYLE = "bold green"
ACTION_STYLE = "cyan"


class Terminal:
    def __init__(
        self,
        *,
        stdin: TextIO | None = None,
        interactive: bool | None = None,
        history_path: Path | None = None,
    ) -> None:
        self.stdin = stdin or sys.stdin
        if interactive is None:
            interactive = self.stdin.isatty() and sys.stdout.isatty()
        self.interactive = interactive
        # A script piped in while a person watches: show which line each reply answers.
        self.echo_operator = not interactive and sys.stdout.isatty()
        # Error lines may quote what a server said; keys never reach the screen.
        self.redact = Redactor([os.environ.get("OPENAI_API_KEY"), os.environ.get("ELEVENLABS_API_KEY")])
        no_color = bool(os.environ.get("NO_COLOR"))
        self.out = Console(highlight=False, no_color=no_color, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, no_color=no_color, soft_wrap=True)
        self._history_path = history_path
        self._session = None  # the prompt_toolkit session, made on first use
        self._mid_line = False  # a streamed reply is being printed on the current line
        self._held_space = ""

    # --- input ----------------------------------------------------------------------------------------

    def read_line(self, toolbar: Callable[[], str] | None = None) -> str | None:
        """The next operator line; None at end of input. Ctrl-C raises KeyboardInterrupt."""
        if not self.interactive:
            line = self.stdin.readline()
            return None if line == "" else line.rstrip("\n")
        session = self._prompt_session()
        try:
            return session.prompt([("class:prompt", "business › ")], bottom_toolbar=toolbar)
        except EOFError:
            return None

    def ask(self, question: str) -> str | None:
        """Ask for a value (a missing description); None when there is no one to ask."""
        if not self.interactive:
            return None
        from prompt_toolkit import prompt

        try:
            return prompt(question)
        except (EOFError, KeyboardInterrupt):
            return None

    def _prompt_session(self):
        if self._session is None:
            from prompt_toolkit import PromptSession
            from prompt_toolkit.history import FileHistory, InMemoryHistory
            from prompt_toolkit.styles import Style

            history = InMemoryHistory()
            if self._history_path is not None:
                try:
                    self._history_path.parent.mkdir(parents=True, exist_ok=True)
                    history = FileHistory(str(self._history_path))
                except OSError:
                    pass  # a read-only data dir costs the history across runs, not the call
            style = Style.from_dict({"prompt": "bold ansiblue", "bottom-toolbar": "noreverse ansigray"})
            self._session = PromptSession(history=history, style=style)
        return self._session

    # --- the caller -----------------------------------------------------------------------------------

    def caller_event(self, event: CallerEvent) -> None:
        if isinstance(event, Speech):
            text = event.text
            if not self._mid_line:
                text = text.lstrip()
                if not text:
                    return
                if self.interactive:
                    self.out.print(Text("caller › ", style=CALLER_STYLE), end="")
                self._mid_line = True
            # Trailing spaces wait for the next piece, so no line ends in a space.
            text = self._held_space + text
            body = text.rstrip()
            self._held_space = text[len(body) :]
            if body:
                self.out.print(Text(body), end="")
                self.out.file.flush()
        elif isinstance(event, Press):
            self._action(f"☎ presses {event.digits}")
        elif isinstance(event, HangUp):
            self._action("☎ hangs up")

    def operator(self, line: str) -> None:
        self.out.print(Text.assemble(("business › ", "bold blue"), line))

    @contextlib.contextmanager
    def typing_hidden(self) -> Iterator[None]:
        """While the caller's reply streams, keys typed ahead are not echoed into it.

        They stay in the terminal's buffer and reach the next prompt; Ctrl-C still interrupts.
        """
        if not self.interactive:
            yield
            return
        try:
            import termios

            fd = self.stdin.fileno()
            saved = termios.tcgetattr(fd)
        except (ImportError, OSError, ValueError, AttributeError):
            yield  # not a POSIX terminal: typed keys may show, nothing worse
            return
        quiet = list(saved)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
        try:
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSANOW, saved)

    def _action(self, label: str) -> None:
        self.end_reply()
        self.out.print(Text(("  " if self.interactive else "") + label, style=ACTION_STYLE))

    def end_reply(self) -> None:
        if self._mid_line:
            self.out.print()
            self._mid_line = False
        self._held_space = ""

    # --- messages ---------------------------------------------------------------------------------------

    def error(self, message: str) -> None:
        self.end_reply()
        self.err.print(Text(self.redact(message), style="red"))

    def warning(self, message: str) -> None:
        self.end_reply()
        self.err.print(Text(self.redact(message), style="yellow"))

    def traceback(self) -> None:
        """The exception being handled, for --debug; SDK messages may echo a key, so it is redacted."""
        self.err.print(Text(self.redact(tb.format_exc()), style="dim"))

    def notice(self, message: str) -> None:
        """A quiet line about the setup (which engine, which voice)."""
        self.err.print(Text(message, style="dim"))

    def info(self, message: str | Text) -> None:
        self.end_reply()
        self.out.print(message if isinstance(message, Text) else Text(message))

    def table(self, table: Table) -> None:
        self.out.print(table)

    def summary(self, summary: CallSummary) -> None:
        self.end_reply()
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim")
        grid.add_column()
        grid.add_row("turns", str(summary.turns))
        grid.add_row("duration", f"{summary.duration_s:.1f} s")
        grid.add_row("keys pressed", " ".join(summary.keys) or "none")
        grid.add_row("ended", summary.end_reason)
        if summary.first_audio_median_s is not None:
            label = "first audio" if summary.audio_played else "first audio saved"
            grid.add_row(
                label,
                f"median {summary.first_audio_median_s * 1000:.0f} ms, "
                f"worst {(summary.first_audio_worst_s or 0) * 1000:.0f} ms",
            )
        title = "call summary"
        border = "blue"
        if summary.verdict is not None:
            reached = summary.verdict.goal_reached
            grid.add_row(
                "verdict",
                Text("goal reached" if reached else "goal not reached", style="green" if reached else "red"),
            )
            grid.add_row("why", Text(summary.verdict.reason))
            border = "green" if reached else "red"
        elif summary.verdict_error is not None:
            grid.add_row("verdict", Text(f"unavailable: {summary.verdict_error}", style="yellow"))
        # On a pipe the replies own stdout; the summary goes beside them on stderr.
        console = self.out if self.interactive else self.err
        console.print(Panel(grid, title=title, border_style=border, expand=False))
