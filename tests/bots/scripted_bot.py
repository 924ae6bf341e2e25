"""A JSON Lines bot for callersim's own tests: ``python scripted_bot.py BEHAVIOUR``, one behaviour a row.

Every behaviour answers like a small IVR unless it says otherwise: a greeting, then each caller event
echoed back (``You said: ...`` / ``You pressed ...``); a "no" or "bye" ends the call. Each echo also
names the call's id and ``data.customer_id``, so a test can see that no call hears another's.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable
from typing import Any

Event = dict[str, Any]


def send(*events: Event) -> None:
    for event in events:
        print(json.dumps(event), flush=True)


def say(text: str) -> Event:
    return {"type": "say", "text": text}


LISTEN: Event = {"type": "listen"}


class Bot:
    def __init__(self) -> None:
        self.call_id = ""
        self.customer = None
        self.heard = 0

    def greet(self, start: Event) -> None:
        self.call_id = start["call_id"]
        self.customer = (start.get("data") or {}).get("customer_id")
        send(say(f"Hello from call {self.call_id} for customer {self.customer}. How can I help?"), LISTEN)

    def answer(self, event: Event) -> None:
        self.heard += 1
        if event["type"] == "dtmf":
            send(say(f"You pressed {event['digits']} on call {self.call_id}."), LISTEN)
            return
        text = event.get("text", "")
        if re.search(r"\b(no|nope|bye|all set)\b", text.lower()):
            send(say("Goodbye."), {"type": "hangup", "reason": "caller is done"})
            sys.exit(0)
        send(say(f"You said: {text}. Customer {self.customer}, anything else?"), LISTEN)


class Crashes(Bot):
    """Dies on the caller's first words."""

    def answer(self, event: Event) -> None:
        print("Traceback (most recent call last):\nZeroDivisionError: division by zero", file=sys.stderr)
        sys.exit(1)


class CrashesAtStart(Bot):
    def greet(self, start: Event) -> None:
        print("cannot open the menu database", file=sys.stderr)
        sys.exit(3)


class Silent(Bot):
    """Answers the start, then never again; writes its process id to PID_FILE, if set, to be looked for."""

    def greet(self, start: Event) -> None:
        if os.environ.get("PID_FILE"):
            with open(os.environ["PID_FILE"], "a", encoding="utf-8") as f:
                f.write(f"{os.getpid()}\n")
        super().greet(start)

    def answer(self, event: Event) -> None:
        time.sleep(60)


class NotJson(Bot):
    def answer(self, event: Event) -> None:
        print("Sure! One moment please.", flush=True)


class Holds(Bot):
    """Never lets the caller go."""

    def answer(self, event: Event) -> None:
        send(say("Please hold, your call is important to us."), LISTEN)


class SlowGreeting(Bot):
    def greet(self, start: Event) -> None:
        time.sleep(float(os.environ.get("GREETING_DELAY_S", "0.5")))
        super().greet(start)


class Transfers(Bot):
    def answer(self, event: Event) -> None:
        send({"type": "event", "name": "escalate", "data": {"why": "asked"}}, say("Transferring you now."))
        send({"type": "transfer", "to": "+15550100"})
        sys.exit(0)


class FlakyOnSecondAttempt(Bot):
    """Says "error" on the second run of every case (its call id is "<case>-<attempt>-<n>")."""

    def answer(self, event: Event) -> None:
        if self.call_id.split("-")[-2] == "2":
            send(say("An error occurred."), LISTEN)
        else:
            super().answer(event)


class TellsSecrets(Bot):
    """Prints its token on stderr and says it out loud: it must be kept out of everything written."""

    def greet(self, start: Event) -> None:
        token = os.environ.get("BOT_TOKEN_SEEN", "")
        print(f"token is {token}", file=sys.stderr, flush=True)
        send({"type": "log", "message": f"using token {token}"}, say(f"Your token is {token}."), LISTEN)


class Records(Bot):
    """Writes every event it receives to the file RECORD_TO, one JSON line each."""

    def __init__(self) -> None:
        super().__init__()
        self.record = open(os.environ["RECORD_TO"], "a", encoding="utf-8")  # noqa: SIM115

    def keep(self, event: Event) -> None:
        self.record.write(json.dumps(event) + "\n")
        self.record.flush()

    def greet(self, start: Event) -> None:
        self.keep(start)
        send(
            say(f"Welcome. {os.environ.get('GREETING', 'For sales, press 1.')}"),
            json.loads(os.environ.get("LISTEN", '{"type": "listen"}')),
        )

    def answer(self, event: Event) -> None:
        self.keep(event)  # and never hangs up itself: the caller's hang-up is recorded too
        send(say(os.environ.get("ANSWER", "Thank you.")), LISTEN)


BEHAVIOURS: dict[str, Callable[[], Bot]] = {
    "echo": Bot,
    "crash": Crashes,
    "crash-at-start": CrashesAtStart,
    "silent": Silent,
    "not-json": NotJson,
    "hold": Holds,
    "slow-greeting": SlowGreeting,
    "transfer": Transfers,
    "flaky": FlakyOnSecondAttempt,
    "secrets": TellsSecrets,
    "record": Records,
}


def main() -> None:
    bot = BEHAVIOURS[sys.argv[1]]()
    for line in sys.stdin:
        event = json.loads(line)
        if event["type"] == "start":
            bot.greet(event)
        elif event["type"] == "hangup":
            if isinstance(bot, Records):
                bot.keep(event)
            return
        else:
            bot.answer(event)


if __name__ == "__main__":
    main()
