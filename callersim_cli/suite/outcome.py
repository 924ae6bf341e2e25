"""How a run of a case ends: what went wrong (each ``Failure`` has a kind), and so its status.

``KINDS`` is the one table of what can go wrong: an expectation the bot missed makes a run ``fail``; a
run that could not complete (the bot would not start, crashed, went silent, broke the protocol, the
caller engine failed) is an ``error``. The status of a run, the JUnit element and the exit code all
follow from the kinds of its failures.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from callersim_cli.errors import CallersimError


class Status(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"  # an expectation was missed
    ERROR = "error"  # the run could not complete


KINDS: dict[str, tuple[Status, str]] = {
    # expectations (the `expect` keys), and the call cut at the suite's max_turns
    "goal_reached": (Status.FAIL, "the judge's verdict on the caller's goal"),
    "bot_says": (Status.FAIL, "words the bot must say"),
    "bot_never_says": (Status.FAIL, "words the bot must never say"),
    "max_turns": (Status.FAIL, "the call must end within so many caller turns"),
    "transfer": (Status.FAIL, "whether (or where) the bot transfers the call"),
    "bot_events": (Status.FAIL, "events the bot must report"),
    "first_reply_ms": (Status.FAIL, "how soon the bot must first speak"),
    "criteria": (Status.FAIL, "statements the LLM judge must find true"),
    "cut": (Status.FAIL, "the call reached the suite's max_turns and was cut"),
    # runs that could not complete
    "bot_start": (Status.ERROR, "the bot would not start, or could not be reached"),
    "bot_crash": (Status.ERROR, "the bot exited or failed mid-call"),
    "bot_timeout": (Status.ERROR, "the bot did not yield the turn within turn_timeout_s"),
    "protocol": (Status.ERROR, "the bot sent something that is not the protocol"),
    "engine": (Status.ERROR, "the caller engine failed"),
    "judge": (Status.ERROR, "the judge could not give the verdict an expectation needs"),
    "interrupted": (Status.ERROR, "the run was stopped by Ctrl-C"),
}


class RunError(CallersimError):
    """A run could not go on; ``kind`` is a row of ``KINDS``."""

    def __init__(self, kind: str, message: str) -> None:
        assert kind in KINDS, kind
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Failure:
    kind: str  # a row of KINDS
    message: str
    turn: int | None = None  # the caller turn it happened at (1 is the caller's first reply), if one

    @property
    def status(self) -> Status:
        return KINDS[self.kind][0]

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "turn": self.turn, "message": self.message}

    def __str__(self) -> str:
        at = f" (turn {self.turn})" if self.turn is not None else ""
        return f"{self.kind}{at}: {self.message}"


def status_of(failures: list[Failure]) -> Status:
    """An error when the run could not complete, a failure when it missed an expectation, else a pass."""
    statuses = {f.status for f in failures}
    return Status.ERROR if Status.ERROR in statuses else Status.FAIL if statuses else Status.PASS
