"""The ``lines`` transport (``protocol = "lines"``), for the smallest bots: plain text, one line a thing.

Each line the bot prints is one ``say``; its turn ends once it has been quiet for ``quiet_ms``. The
caller's words reach it as a line, each key press as a line ``[press 1]``, and silence as an empty
line. The bot hangs up by exiting; the caller's hang-up closes its stdin. A bot that prints nothing for
``turn_timeout_s`` is a ``bot_timeout``.
"""

from __future__ import annotations

import time
from typing import Any

from callersim_cli.actions import press_marker
from callersim_cli.suite.outcome import RunError
from callersim_cli.suite.protocol import Answer, BotHangUp, Listen, Say
from callersim_cli.suite.transports.process import BotProcess, ProcessCall, ProcessTransport


class LinesTransport(ProcessTransport):
    def call(self, call_id: str) -> LinesCall:
        return LinesCall(self.start(call_id), self.spec.turn_timeout_s, self.spec.quiet_ms / 1000)


# What the bot reads for each of callersim's events; the start event is the process starting.
_AS_LINE = {
    "caller": lambda event: event["text"],
    "dtmf": lambda event: press_marker(event["digits"]),
}


class LinesCall(ProcessCall):
    def __init__(self, process: BotProcess, timeout_s: float, quiet_s: float) -> None:
        super().__init__(process, timeout_s)
        self.quiet_s = quiet_s

    def send(self, event: dict[str, Any]) -> Answer:
        started = time.monotonic()
        if event["type"] in _AS_LINE:
            self.process.write_line(_AS_LINE[event["type"]](event))
        answer = Answer()
        line = self.process.read_line(started + self.timeout_s, self.waiting(event))
        while line is not None:
            if line.strip():
                if answer.first_say_s is None:
                    answer.first_say_s = time.monotonic() - started
                answer.events.append(Say(line))
            try:
                line = self.process.read_line(time.monotonic() + self.quiet_s, "quiet_ms")
            except RunError:  # quiet for quiet_ms: the bot's turn is over
                answer.events.append(Listen())
                return answer
        # It exited: its way of hanging up, unless it failed.
        if self.process.wait(1.0) != 0:
            raise RunError("bot_crash", f"the bot ended{self.process.exit_note()}")
        answer.events.append(BotHangUp("the bot's program ended"))
        return answer

    def hang_up(self) -> None:
        self.end()  # its stdin closes: a lines bot's end of the call
