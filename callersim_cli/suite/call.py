"""One run of one case: the caller (a ``CallSession``, as in every face) rings the bot, unattended.

The bot's words to one of callersim's events make one business line for the session; the caller's
reply goes back as the bot's ``listen`` asked (``protocol.deliver``). The session keeps the ordinary
call log as it goes; what the bot does beside speaking, and how the run went, are added to it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from callersim_cli.actions import CallerEvent
from callersim_cli.errors import EngineError
from callersim_cli.records import now_iso, slug
from callersim_cli.suite.expect import CallFacts, check
from callersim_cli.suite.outcome import Failure, RunError, Status, status_of
from callersim_cli.suite.protocol import (
    Answer,
    BotEvent,
    BotHangUp,
    Listen,
    Log,
    Transfer,
    deliver,
    start_event,
)
from callersim_cli.suite.results import PlannedRun, RunResult

if TYPE_CHECKING:
    from callersim_cli.judges import Judge
    from callersim_cli.session import CallSession
    from callersim_cli.suite.transports import BotCall, Transport

# The business line for a bot that yields the turn without a word: the caller hears the line is quiet.
SILENCE = "(silence)"


@dataclass
class Switchboard:
    """What the runs of a suite share: the way to the bot, and the calls in flight (to stop them)."""

    suite: str
    transport: Transport
    max_turns: int
    live: dict[int, BotCall] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def connect(self, run_id: int, call_id: str) -> BotCall:
        bot = self.transport.call(call_id)
        with self._lock:
            self.live[run_id] = bot
        return bot

    def disconnect(self, run_id: int) -> None:
        with self._lock:
            self.live.pop(run_id, None)

    def stop(self) -> None:
        """Ctrl-C: every call in flight is cut at once; their runs end as interrupted."""
        self.stopping.set()
        with self._lock:
            calls = list(self.live.values())
        for bot in calls:
            bot.abort()


class _Call:
    """Drives one call between the session's caller and the bot, collecting what the checks need."""

    def __init__(self, session: CallSession, bot: BotCall, max_turns: int, on_turn: Callable[[int], None]):
        self.session = session
        self.bot = bot
        self.max_turns = max_turns
        self.on_turn = on_turn
        self.facts = CallFacts()
        self.listen = Listen()
        self.failures: list[Failure] = []

    def run(self, start: dict[str, Any]) -> str:
        """Talk until one side ends the call; returns why it ended (the end event's ``end_reason``)."""
        answer = self.bot.send(start)
        if answer.first_say_s is not None:
            self.facts.first_reply_ms = answer.first_say_s * 1000
        while True:
            ended = self.hear(answer)
            if ended is not None:
                return ended
            if self.facts.turns >= self.max_turns:
                self.failures.append(
                    Failure("cut", f"the call was cut after {self.max_turns} caller turns (max_turns)")
                )
                self.bot.hang_up()
                return "max turns"
            reply = list(self.session.turn(answer.words or SILENCE))
            self.facts.turns += 1
            self.on_turn(self.facts.turns)
            answer = self.answer(reply)
            if self.session.conversation.hung_up:
                self.hear(answer, last=True)
                self.bot.hang_up()
                return "caller hung up"

    def answer(self, reply: list[CallerEvent]) -> Answer:
        """The bot's answers to what it hears of the caller's reply, as one."""
        whole = Answer()
        for event in deliver(reply, self.listen):
            answer = self.bot.send(event)
            whole.events += answer.events
            if not isinstance(answer.end, Listen):
                break
        return whole

    def hear(self, answer: Answer, *, last: bool = False) -> str | None:
        """Record what the bot did; the end reason when it ended the call (or ``last``: the caller had)."""
        turn = self.facts.turns + 1
        self.take_notes()
        ended = answer.end
        if isinstance(ended, Listen):
            self.listen = ended  # what the bot takes of the caller's next reply
        final = last or isinstance(ended, (Transfer, BotHangUp))
        if answer.words:
            self.facts.bot_lines.append((turn, answer.words))
            if final:  # no turn will record them: they are the call's last words
                self.session.last_words(answer.words)
        for event in answer.events:
            if isinstance(event, BotEvent):
                self.facts.events.append((turn, event.name, event.data))
                self.session.note(
                    {"type": "bot_event", "ts": now_iso(), "name": event.name, "data": event.data}
                )
            elif isinstance(event, Log):
                self.session.note(
                    {"type": "bot_log", "ts": now_iso(), "source": "log", "message": event.message}
                )
            elif isinstance(event, Transfer):
                self.facts.transfer = (turn, event.to)
                self.session.note({"type": "transfer", "ts": now_iso(), "to": event.to})
        if final:
            if isinstance(ended, Transfer):
                return f"transferred to {ended.to}"
            if isinstance(ended, BotHangUp):
                return f"bot hung up ({ended.reason})" if ended.reason else "bot hung up"
            return "caller hung up"
        return None

    def take_notes(self) -> None:
        for source, message in self.bot.notes():
            self.session.note({"type": "bot_log", "ts": now_iso(), "source": source, "message": message})


def run_call(
    run: PlannedRun,
    session: CallSession,
    board: Switchboard,
    run_id: int,
    caller_number: str | None,
    criteria_judge: Judge | None,
    on_turn: Callable[[int], None],
) -> RunResult:
    """Make the call, check it, and add the result to its call log (the caller closes the session)."""
    started = time.monotonic()
    case = run.case
    call_id = f"{slug(case.id) or 'case'}-{run.attempt}-{run_id}"
    call: _Call | None = None
    failures: list[Failure] = []
    try:
        bot = board.connect(run_id, call_id)
        call = _Call(session, bot, board.max_turns, on_turn)
        try:
            end_reason = call.run(start_event(call_id, case.id, caller_number, case.data))
        finally:
            call.take_notes()
            bot.end()
            call.take_notes()
            board.disconnect(run_id)
        failures += call.failures
    except (RunError, EngineError) as exc:
        kind = "interrupted" if board.stopping.is_set() else getattr(exc, "kind", "engine")
        message = "stopped by Ctrl-C" if kind == "interrupted" else str(exc)
        turn = call.facts.turns + 1 if call is not None else None  # the turn that could not be made
        failures.append(Failure(kind, message, turn))
        if not isinstance(exc, EngineError):  # the session recorded the engine's failure itself
            session.note({"type": "error", "ts": now_iso(), "message": f"{kind}: {message}"})
        session.judge = None  # a call that could not complete is not judged
        end_reason = "interrupted" if kind == "interrupted" else f"error: {kind}"
    facts = call.facts if call is not None else CallFacts()
    summary = session.end(end_reason)
    if summary.verdict is not None:
        facts.goal_reached, facts.reason = summary.verdict.goal_reached, summary.verdict.reason
    else:
        facts.reason = summary.verdict_error
    if status_of(failures) is not Status.ERROR:
        failures += _judge_criteria(session, criteria_judge, case.expect.get("criteria"), facts)
        failures += check(case.expect, facts)
    result = RunResult(
        run,
        failures,
        turns=facts.turns,
        duration_s=time.monotonic() - started,
        call_log=session.transcript.path if session.transcript else None,
        goal_reached=facts.goal_reached,
    )
    session.note(
        {
            "type": "result",
            "ts": now_iso(),
            "suite": board.suite,
            "case": case.id,
            "attempt": run.attempt,
            "status": result.status.value,
            "failures": [f.as_json() for f in failures],
        }
    )
    return result


def _judge_criteria(
    session: CallSession, judge: Judge | None, criteria: list[str] | None, facts: CallFacts
) -> list[Failure]:
    from callersim_cli.judges import CriteriaJudge

    if not criteria:
        return []
    assert isinstance(judge, CriteriaJudge)  # the runner refused the suite before the calls otherwise
    conversation = session.conversation
    try:
        found = judge.criteria(conversation.context, conversation.messages, criteria)
    except EngineError as exc:
        return [Failure("judge", f"the criteria could not be judged: {exc}")]
    facts.criteria = [(c, met, why) for c, (met, why) in zip(criteria, found, strict=True)]
    return []
