"""The chat loop: operator lines in, the caller's streamed replies out, slash commands in between.

The same loop serves a real terminal and piped input; what differs lives in ``Terminal``. Any
``cmd_xxx`` method is the command ``/xxx``; its docstring is its help, and unique prefixes work.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable

from rich.table import Table
from rich.text import Text

from callersim_cli import views
from callersim_cli.conversation import Context
from callersim_cli.errors import CallEndedError, CallersimError, Terminated
from callersim_cli.session import CallSession, CallSummary, PendingWarnings
from callersim_cli.terminal import Terminal


class EndReason(str, enum.Enum):
    HUNG_UP = "caller hung up"
    BUSINESS_HUNG_UP = "business hung up"
    NEW_CALL = "new call"
    QUIT = "quit"
    END_OF_INPUT = "end of input"
    MAX_TURNS = "max turns"
    FAILED = "call failed"
    INTERRUPTED = "interrupted"
    TERMINATED = "terminated"  # SIGTERM or SIGHUP


class _Leave(Exception):
    def __init__(self, reason: EndReason) -> None:
        self.reason = reason


class Repl:
    def __init__(
        self,
        session: CallSession,
        terminal: Terminal,
        *,
        warnings: PendingWarnings | None = None,
        max_turns: int | None = None,
        toolbar: Callable[[], str] | None = None,
        debug: bool = False,
        explain: bool = False,
    ) -> None:
        self.session = session
        self.term = terminal
        self.warnings = warnings or PendingWarnings()
        self.max_turns = max_turns
        self.toolbar = toolbar
        self.debug = debug
        self.explain = explain  # say why after every reply, as /why does
        self.summaries: list[CallSummary] = []
        self.terminated: Terminated | None = None  # the signal that ended the session, if one did

    # --- the loop ---------------------------------------------------------------------------------------

    def run(self) -> EndReason:
        """Run until the user leaves or the input ends; returns why the session ended."""
        if self.term.interactive:
            self.term.notice("Type what the business says. /help for commands, Ctrl-D to leave.")
        pending_interrupt = False
        while True:
            self._show_warnings()
            try:
                line = self.term.read_line(self.toolbar, self.command_names())
            except Terminated as exc:
                return self._terminate(exc)
            except KeyboardInterrupt:
                # Ctrl-C at the prompt warns once; the second in a row leaves. A Ctrl-C that cancelled a
                # turn counts as the first.
                if pending_interrupt or not self.term.interactive:
                    return self._finish(EndReason.INTERRUPTED)
                self.session.settle_speech(interrupt=True)  # and the caller stops talking
                pending_interrupt = True
                self.term.notice("(Ctrl-C again or Ctrl-D to leave)")
                continue
            pending_interrupt = False
            if line is None:
                return self._finish(EndReason.END_OF_INPUT)
            try:
                self.handle(line)
            except _Leave as leave:
                return self._finish(leave.reason)
            except Terminated as exc:
                return self._terminate(exc)
            except KeyboardInterrupt:
                self.term.end_reply()
                if not self.term.interactive:
                    return self._finish(EndReason.INTERRUPTED)
                self.term.warning(
                    "Turn cancelled; the call is as it was before that line. (Ctrl-C again to leave)"
                )
                pending_interrupt = True

    def handle(self, line: str) -> None:
        stripped = line.strip()
        if stripped.startswith("/"):
            self.command(stripped)
        elif not self.term.interactive and (not stripped or stripped.startswith("#")):
            return  # in a script, blank lines separate its parts and # starts a comment
        else:
            self.send(line)

    def send(self, line: str) -> None:
        if self.term.echo_operator:
            self.term.operator(line.strip())
        try:
            # Closed here, not when collected: a turn cut off while its text was being shown records
            # its cancellation now, before the call's end.
            with self.term.typing_hidden(), contextlib.closing(self.session.turn(line)) as turn:
                self.term.start_waiting("the caller is thinking…")
                for event in turn:
                    self.term.caller_event(event)
        except CallersimError as exc:
            self.term.error(str(exc))
            if self.debug:
                self.term.traceback()
            if not self.term.interactive and not isinstance(exc, CallEndedError):
                # A script cannot send the line again: going on would answer the wrong lines.
                raise _Leave(EndReason.FAILED) from None
            return
        finally:
            self.term.end_reply()
        if not self.term.interactive:
            # A script does not talk over the caller: let each reply be heard before the next line.
            self.session.settle_speech(interrupt=False)
        conv = self.session.conversation
        if self.explain:
            self._show_why()
        if conv.hung_up:
            self._end_call(EndReason.HUNG_UP)
            if not self.term.interactive:
                raise _Leave(EndReason.HUNG_UP)
            self.term.notice("The caller hung up. /reset starts a new call, /quit leaves.")
        elif self.max_turns is not None and len(conv.exchanges) >= self.max_turns:
            self._end_call(EndReason.MAX_TURNS)
            raise _Leave(EndReason.MAX_TURNS)

    def _end_call(self, reason: EndReason) -> None:
        if self.session.ended:
            return
        self._show_warnings()
        self.term.start_waiting("ending the call…")
        try:
            summary = self.session.end(reason.value)
        finally:
            self.term.stop_waiting()
        self.summaries.append(summary)
        self.term.summary(summary)

    def _finish(self, reason: EndReason) -> EndReason:
        self.term.end_reply()
        if self.session.conversation.exchanges:
            self._end_call(reason)
        else:
            self.session.settle_speech(interrupt=reason == EndReason.INTERRUPTED)
        self._show_warnings()
        return reason

    def _terminate(self, signal: Terminated) -> EndReason:
        """A signal ends the session: the call's end is written first (the terminal may be gone), then
        shown if it can be; the caller is cut off and not judged, so the process exits promptly."""
        self.terminated = signal
        summary = None
        if self.session.conversation.exchanges and not self.session.ended:
            summary = self.session.end(EndReason.TERMINATED.value, hurry=True)
            self.summaries.append(summary)
        else:
            self.session.settle_speech(interrupt=True)
        with contextlib.suppress(OSError):  # SIGHUP: the terminal may have closed
            self.term.end_reply()
            self._show_warnings()
            if summary is not None:
                self.term.summary(summary)
        return EndReason.TERMINATED

    def _show_warnings(self) -> None:
        for message in self.warnings.drain():
            self.term.warning(message)

    # --- slash commands ---------------------------------------------------------------------------------

    def command_names(self) -> list[str]:
        return sorted(n[4:] for n in dir(self) if n.startswith("cmd_"))

    def command(self, text: str) -> None:
        name, _, arg = text[1:].partition(" ")
        names = self.command_names()
        matches = [n for n in names if n == name] or [n for n in names if n.startswith(name)]
        if not matches:
            self.term.error(f"Unknown command /{name} (/help lists them)")
            return
        if len(matches) > 1:
            self.term.error(f"Ambiguous command /{name}: {', '.join('/' + m for m in matches)}")
            return
        getattr(self, "cmd_" + matches[0])(arg.strip())

    def cmd_help(self, arg: str) -> None:
        """Show the commands."""
        table = Table.grid(padding=(0, 2))
        for name in self.command_names():
            doc = (getattr(self, "cmd_" + name).__doc__ or "").strip().splitlines()[0]
            table.add_row(Text("/" + name, style="bold"), doc)
        self.term.table(table)
        self.term.info(Text("Anything else you type is what the business says to the caller.", style="dim"))

    def cmd_quit(self, arg: str) -> None:
        """End the call and leave."""
        raise _Leave(EndReason.QUIT)

    def cmd_hangup(self, arg: str) -> None:
        """The business hangs up: end this call, show its summary; /reset starts another."""
        if not self.session.conversation.exchanges:
            self.term.error("The call has not started yet.")
            return
        if self.session.ended:
            self.term.error("The call has already ended; /reset starts a new call.")
            return
        self._end_call(EndReason.BUSINESS_HUNG_UP)

    def cmd_reset(self, arg: str) -> None:
        """Start a new call with the same business and goal."""
        self._new_call(None)
        self.term.notice("New call: same business and goal.")

    def cmd_context(self, arg: str) -> None:
        """Start a new call with a new description and scenario (asked for in turn)."""
        current = self.session.conversation.context
        try:
            description = self.term.ask(f"Business description [{current.description}]: ")
            if description is None:
                self.term.error("/context needs a terminal to ask for the description and scenario")
                return
            scenario = self.term.ask(f"Caller goal [{current.scenario}]: ") or current.scenario
        except KeyboardInterrupt:
            self.term.notice("/context cancelled; the call goes on as it was.")
            return
        context = Context.create(description.strip() or current.description, scenario, current.persona)
        self._new_call(context)
        self.term.notice("New call with the new context.")

    def _new_call(self, context: Context | None) -> None:
        if self.session.conversation.exchanges:
            self._end_call(EndReason.NEW_CALL)  # shows the summary of the call being left
        self.session.new_call(context)

    def cmd_retry(self, arg: str) -> None:
        """Send the last operator line again (after an error, or to a new call after /reset)."""
        line = self.session.last_operator_line
        if line is None:
            self.term.error("Nothing to retry yet.")
            return
        self.term.notice(f"business › {line}")
        self.send(line)

    def cmd_why(self, arg: str) -> None:
        """Why the caller said what it last said (the offline caller: what it read and decided)."""
        if not self.session.conversation.exchanges:
            self.term.error("The caller has not replied yet.")
            return
        if not self._show_why():
            self.term.error(f"The {self.session.conversation.engine.name} engine cannot say why it replies.")

    def _show_why(self) -> bool:
        why = self.session.conversation.explain_last()
        if why is not None:
            self.term.info(Text(f"  why: {why}", style="dim"))
        return why is not None

    def cmd_history(self, arg: str) -> None:
        """Show this call so far."""
        view = views.CallView()
        for event in self.session.record:
            for piece in view.pieces(event):
                # Dimmed and indented: the record of the call, not lines being typed now.
                self.term.info(views.to_rich(piece, margin="  ", dim=True))
        if not self.session.conversation.exchanges:
            self.term.info(Text("  (no turns yet)", style="dim"))
