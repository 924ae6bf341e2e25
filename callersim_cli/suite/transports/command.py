"""The ``command`` transport: JSON Lines on the stdin and stdout of a process started for each call.

callersim writes one event a line; the bot answers with one event a line, up to its ``listen``,
``hangup`` or ``transfer``. Blank lines are passed over; any other line that is not a JSON event is a
protocol error naming the line. The bot's stderr goes to the call log. At the hang-up (either side's)
the bot's stdin is closed, and a moment later it is sent SIGTERM if it is still running.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

from callersim_cli.suite.outcome import RunError
from callersim_cli.suite.protocol import HANGUP_BY_CALLER, Answer, FromBot, parse_event, read_answer
from callersim_cli.suite.transports.process import ProcessCall, ProcessTransport


class CommandTransport(ProcessTransport):
    def call(self, call_id: str) -> CommandCall:
        return CommandCall(self.start(call_id), self.spec.turn_timeout_s)


class CommandCall(ProcessCall):
    def send(self, event: dict[str, Any]) -> Answer:
        started = time.monotonic()
        self.process.write_line(json.dumps(event, ensure_ascii=False))
        return read_answer(self._events(started + self.timeout_s, self.waiting(event)), started)

    def _events(self, deadline: float, waiting: str) -> Iterator[FromBot]:
        while True:
            line = self.process.read_line(deadline, waiting)
            if line is None:
                raise RunError(
                    "bot_crash", f"the bot ended before it yielded the turn{self.process.exit_note()}"
                )
            if not line.strip():
                continue
            where = f"line {self.process.lines_read} of the bot's output"
            try:
                obj = json.loads(line)
            except ValueError:
                shown = line if len(line) <= 80 else line[:77] + "..."
                raise RunError("protocol", f"{where} is not JSON: {shown!r}") from None
            yield parse_event(obj, where)

    def hang_up(self) -> None:
        if self.process.exit_code is None:
            with contextlib.suppress(RunError):  # it has gone already: nothing is left to tell
                self.process.write_line(json.dumps(HANGUP_BY_CALLER))
        self.end()
