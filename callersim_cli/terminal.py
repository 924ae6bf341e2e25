"""The one object that owns the terminal: the prompt, stdout and stderr, colour, and the piped fallback.

The REPL talks only to this, so piped input, a real terminal and tests all go through the same loop.
Caller text is always printed as plain ``Text``: a caller that says "[press 1]" or "[bold]" must not be
parsed as markup.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from rich.console import RenderableType
from rich.status import Status
from rich.table import Table
from rich.text import Text

from callersim_cli import views
from callersim_cli.actions import CallerEvent, HangUp, Press, Speech
from callersim_cli.environment import Environment
from callersim_cli.printable import printable
from callersim_cli.session import CallSummary

CALLER_PREFIX = views.PREFIXES["caller"]


def valid_text(text: str) -> str:
    """``text`` as it can be written as UTF-8: bytes a stream decoded as lone surrogates become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class Terminal:
    def __init__(
        self,
        env: Environment,
        *,
        stdin: TextIO | None = None,
        interactive: bool | None = None,
        history_path: Path | None = None,
    ) -> None:
        self.stdin = stdin or sys.stdin
        if self.stdin is sys.stdin and hasattr(self.stdin, "reconfigure"):
            # A stray byte a script pipes in is a line to answer, not a crash: it becomes U+FFFD.
            self.stdin.reconfigure(errors="replace")
        if interactive is None:
            interactive = self.stdin.isatty() and sys.stdout.isatty()
        self.interactive = interactive
        # A script piped in while a person watches: show which line each reply answers.
        self.echo_operator = not interactive and sys.stdout.isatty()
        # Error lines may quote what a server said; keys never reach the screen.
        self.env = env
        self.redact = env.redact
        self.out = env.out
        self.err = env.err
        self._history_path = history_path
        self._session = None  # the prompt_toolkit session, made on first use
        self._commands: list[str] = []  # what Tab completes after a "/"
        self._mid_line = False  # a streamed reply is being printed on the current line
        self._held_space = ""
        self._partial_word = ""  # the start of a word whose end has not streamed in yet
        self._column = 0  # where the cursor is on the current line of a reply
        self._status: Status | None = None
        self._prompting: Any = None  # the prompt_toolkit application waiting for a line, if one is

    # --- input ----------------------------------------------------------------------------------------

    def read_line(self, toolbar: Callable[[], str] | None = None, commands: Sequence[str] = ()) -> str | None:
        """The next operator line; None at end of input. Ctrl-C raises KeyboardInterrupt. On a terminal,
        Tab completes ``/`` and the start of one of ``commands``."""
        if not self.interactive:
            line = self.stdin.readline()
            return None if line == "" else valid_text(line.rstrip("\n"))
        session = self._prompt_session()
        self._commands[:] = commands
        self._prompting = session.app
        try:
            return session.prompt([("class:prompt", "business › ")], bottom_toolbar=toolbar)
        except EOFError:
            return None
        finally:
            self._prompting = None

    def ask(self, question: str) -> str | None:
        """Ask for a value (a missing description); None when there is no one to ask, or at Ctrl-D.
        Ctrl-C raises KeyboardInterrupt: the user wants out, not an empty answer."""
        if not self.interactive:
            return None
        from prompt_toolkit import PromptSession

        asking: PromptSession[str] = PromptSession()
        self._prompting = asking.app
        try:
            return asking.prompt(question)
        except EOFError:
            return None
        finally:
            self._prompting = None

    def interrupt_prompt(self, exc: BaseException) -> bool:
        """Make the open prompt raise ``exc`` once it has put the terminal back; False if none is open."""
        app = self._prompting
        if app is None or not app.is_running or app.loop is None:
            return False

        def leave() -> None:
            with contextlib.suppress(Exception):  # it had its line already: the turn will end instead
                app.exit(exception=exc)

        app.loop.call_soon_threadsafe(leave)
        return True

    def _prompt_session(self):
        if self._session is None:
            from prompt_toolkit import PromptSession
            from prompt_toolkit.history import FileHistory, InMemoryHistory
            from prompt_toolkit.styles import Style

            history = InMemoryHistory()
            if self._history_path is not None:
                try:
                    self._history_path.parent.mkdir(parents=True, exist_ok=True)
                    # Made private, and checked writable now: prompt_toolkit would fail on every Enter.
                    os.close(os.open(self._history_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
                    os.chmod(self._history_path, 0o600)
                    history = _redacted_history(FileHistory, self._history_path, self.redact)
                except OSError as exc:
                    # A read-only data dir costs the history across runs, not the call.
                    self.warning(f"No prompt history: can't write {self._history_path} ({exc.strerror})")
            style = Style.from_dict({"prompt": "bold ansiblue", "bottom-toolbar": "noreverse ansigray"})
            self._session = PromptSession(
                history=history, style=style, completer=_slash_completer(self._commands)
            )
        return self._session

    # --- the caller -----------------------------------------------------------------------------------

    def caller_event(self, event: CallerEvent) -> None:
        self.stop_waiting()
        if isinstance(event, Speech):
            text = printable(event.text)
            if not self._mid_line:
                text = text.lstrip()
                if not text:
                    return
                if self.interactive:
                    self.out.print(Text(CALLER_PREFIX, style=views.STYLES["caller"]), end="")
                    self._column = len(CALLER_PREFIX)
                self._mid_line = True
            self._stream_words(text)
        elif isinstance(event, Press):
            self._action(views.action(views.pressed(event.digits)))
        elif isinstance(event, HangUp):
            self._action(views.action(views.HANGS_UP))

    def _stream_words(self, text: str, *, final: bool = False) -> None:
        """Print streamed text a whole word at a time.

        Spaces wait for the next word, so no line ends in a space; on a terminal a word that would
        cross the right edge starts a new, indented line instead of being cut in two.
        """
        pieces = re.split(r"(\s+)", self._partial_word + text)
        # The last piece may be half a word ("t" of "the"): hold it until the rest arrives.
        self._partial_word = "" if final or not pieces[-1] else pieces.pop()
        out: list[str] = []
        for piece in pieces:
            if not piece:
                continue
            if piece.isspace():
                self._held_space += " "
                continue
            gap = self._held_space
            self._held_space = ""
            past_edge = self._column + len(gap) + len(piece) > self.out.width
            if self.interactive and self._column > len(CALLER_PREFIX) and past_edge:
                gap = "\n" + " " * len(CALLER_PREFIX)
                self._column = len(CALLER_PREFIX) - 1
            out.append(gap + piece)
            self._column += len(gap) + len(piece)
        if out:
            self.out.print(Text("".join(out)), end="")
            self.out.file.flush()

    def operator(self, line: str) -> None:
        self.out.print(views.to_rich(views.Piece("said", line, who="business")))

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

    def _action(self, piece: views.Piece) -> None:
        self.end_reply()
        self.out.print(views.to_rich(piece, nested="  " if self.interactive else ""))

    def end_reply(self) -> None:
        self.stop_waiting()
        if self._mid_line:
            self._stream_words("", final=True)
            self.out.print()
            self._mid_line = False
        self._held_space = ""
        self._partial_word = ""
        self._column = 0

    def start_waiting(self, label: str) -> None:
        """A spinner while nothing can be shown yet (the caller is thinking, the call is being judged)."""
        if self.interactive and self._status is None:
            self._status = self.out.status(Text(label, style="dim"), spinner="dots")
            self._status.start()

    def stop_waiting(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    # --- messages ---------------------------------------------------------------------------------------

    def error(self, message: str) -> None:
        self.end_reply()
        self.env.error(message)

    def warning(self, message: str) -> None:
        self.end_reply()
        self.err.print(Text(printable(self.redact(message)), style="yellow"))

    def traceback(self) -> None:
        """The exception being handled, for --debug; SDK messages may echo a key, so it is redacted."""
        self.env.traceback()

    def notice(self, message: str) -> None:
        """A quiet line about the setup (which engine, which voice)."""
        self.env.notice(message)

    def info(self, message: str | RenderableType) -> None:
        self.end_reply()
        self.out.print(Text(printable(message)) if isinstance(message, str) else message)

    def table(self, table: Table) -> None:
        self.out.print(table)

    def summary(self, summary: CallSummary) -> None:
        self.end_reply()
        panel = views.to_rich(views.summary(summary.record(), played=summary.audio_played))
        # On a pipe the replies own stdout; the summary goes beside them on stderr.
        (self.out if self.interactive else self.err).print(panel)


def _redacted_history(file_history: type, path: Path, redact: Callable[[str], str]) -> Any:
    """prompt_toolkit's file history, keeping keys out: a key pasted at the prompt is never stored."""

    class RedactedHistory(file_history):
        def store_string(self, string: str) -> None:
            super().store_string(redact(string))

    return RedactedHistory(str(path))


def _slash_completer(commands: list[str]) -> Any:
    """A prompt_toolkit completer for the REPL's commands: ``/he`` + Tab is ``/help``. (Built when the
    prompt is, so that importing this module does not import prompt_toolkit.)"""
    from prompt_toolkit.completion import Completer, Completion

    class SlashCommands(Completer):
        def get_completions(self, document: Any, complete_event: Any) -> Iterator[Completion]:
            typed = document.text_before_cursor
            if not typed.startswith("/") or " " in typed:
                return  # what the business says is never completed
            for name in commands:
                if name.startswith(typed[1:]):
                    yield Completion("/" + name, start_position=-len(typed))

    return SlashCommands()
