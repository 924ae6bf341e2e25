"""A call in progress: the conversation, its voice and its transcript, driven one operator line at a time.

This is what the REPL, piped scripts and tests drive. It knows nothing of terminals: it yields the
caller's events for whoever is showing them, records everything in the transcript as it happens, and
hands the reply to the speech pipeline without waiting for it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from callersim_cli.actions import CallerEvent
from callersim_cli.backends import release
from callersim_cli.conversation import Context, Conversation, Reply
from callersim_cli.errors import CallEndedError, CallersimError
from callersim_cli.records import ContextRecord, EndRecord, Record, now_iso

if TYPE_CHECKING:
    from callersim_cli.judges import Judge
    from callersim_cli.records import TranscriptWriter
    from callersim_cli.speech import Speaker, SpokenReply


@dataclass(frozen=True)
class Verdict:
    goal_reached: bool
    reason: str


@dataclass
class CallSummary:
    turns: int
    duration_s: float
    keys: list[str]
    hung_up: bool
    end_reason: str
    first_audio_median_s: float | None = None
    first_audio_worst_s: float | None = None
    verdict: Verdict | None = None
    verdict_error: str | None = None
    audio_played: bool = True  # False: first audio is when the first clip was ready, not heard

    def record(self) -> EndRecord:
        """The call's ``end`` event."""
        out = EndRecord(
            type="end",
            ts=now_iso(),
            turns=self.turns,
            duration_s=round(self.duration_s, 3),
            keys=self.keys,
            hung_up=self.hung_up,
            end_reason=self.end_reason,
        )
        if self.first_audio_median_s is not None:
            out["first_audio_median_s"] = round(self.first_audio_median_s, 4)
            out["first_audio_worst_s"] = round(self.first_audio_worst_s or 0.0, 4)
        if self.verdict is not None:
            out["goal_reached"] = self.verdict.goal_reached
            out["reason"] = self.verdict.reason
        elif self.verdict_error is not None:
            out["verdict_error"] = self.verdict_error
        return out


@dataclass
class _Spoken:
    turn: int
    reply: SpokenReply
    settled: bool = False


TranscriptOpener = Callable[[Context], "TranscriptWriter | None"]


class CallSession:
    """Runs turns of one call (and of the calls after a /reset) and keeps their record.

    The record goes to ``transcript`` (one writer for every call of the session), or to the writer that
    ``open_transcript`` gives for each call (one file per call); ``record`` holds the events of the call
    going on, kept or not.
    """

    def __init__(
        self,
        conversation: Conversation,
        *,
        speaker: Speaker | None = None,
        transcript: TranscriptWriter | None = None,
        open_transcript: TranscriptOpener | None = None,
        seed: int | None = None,
        judge: Judge | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.conversation = conversation
        self.speaker = speaker
        self._open_transcript = open_transcript
        self.transcript = open_transcript(conversation.context) if open_transcript else transcript
        self.seed = seed
        self.judge = judge
        self._clock = clock
        self._started: float | None = None  # at the first operator line: waiting to begin is no call
        self._spoken: list[_Spoken] = []
        self._summary: CallSummary | None = None  # set once the call has ended
        self.last_operator_line: str | None = None
        self.record: list[Record] = []
        self._record_context()

    # --- the call -----------------------------------------------------------------------------------

    @property
    def engine_label(self) -> str:
        engine = self.conversation.engine
        return f"{engine.name} ({engine.model})"

    def _write(self, record: Record) -> None:
        self.record.append(record)
        if self.transcript:
            self.transcript.write(record)

    def note(self, record: Record) -> None:
        """Add to the call's record what happened beside the turns (a bot under test's events, logs and
        result): kept in order with the rest, redacted like the rest."""
        self._write(record)

    def last_words(self, operator_line: str) -> None:
        """What the business said as the call ended, with no reply to come (it hung up, or the caller
        had): recorded, and heard by the judge."""
        self.conversation.hear(operator_line)
        self._write({"type": "operator", "ts": now_iso(), "text": operator_line.strip()})

    def _record_context(self) -> None:
        ctx = self.conversation.context
        record = ContextRecord(
            type="context",
            ts=now_iso(),
            description=ctx.description,
            scenario=ctx.scenario,
            engine=self.conversation.engine.name,
            model=self.conversation.engine.model,
        )
        if self.seed is not None:
            record["seed"] = self.seed  # `--seed` with this number makes the same caller again
        if ctx.persona is not None:
            record["persona"] = ctx.persona.details()
        if self.speaker is not None and self.speaker.save_dir is not None:
            record["audio_dir"] = str(Path(self.speaker.save_dir).resolve())  # where replay finds the MP3s
        self._write(record)

    @property
    def ended(self) -> bool:
        return self._summary is not None

    def new_call(self, context: Context | None = None) -> None:
        """Hang up this call (if still on) and start another, with a new context if given."""
        self.settle_speech(interrupt=True)
        if self.conversation.exchanges and not self.ended:
            self.end("new call")
        self.conversation.reset(context)
        if self._open_transcript is not None:
            previous, self.transcript = self.transcript, self._open_transcript(self.conversation.context)
            if previous is not None and previous is not self.transcript:
                previous.close()
        self._started = None
        self._spoken = []
        self._summary = None
        self.record = []
        self._record_context()  # the last operator line is kept: /retry replays it to the new call

    def turn(self, operator_line: str) -> Generator[CallerEvent, None, None]:
        """Send what the business says; yields the caller's events as they stream.

        Raises ``UsageError`` (empty line), ``CallEndedError`` (caller hung up) before anything is
        recorded, and ``EngineError`` after recording the failure; the history is then as before.
        """
        if self.ended:
            raise CallEndedError("The call has ended; start a new call with /reset")
        turn = self.conversation.send(operator_line)  # validates first: refused lines leave no trace
        self.settle_speech(interrupt=True)  # barge-in: the business speaks over the caller
        self.last_operator_line = turn.operator_line
        if self._started is None:
            self._started = self._clock()
        self._write({"type": "operator", "ts": now_iso(), "text": turn.operator_line})
        spoken = self.speaker.start_reply(turn.started) if self.speaker else None
        try:
            for event in turn:
                if spoken:
                    spoken.feed(event)
                yield event
        except BaseException as exc:
            if spoken:
                spoken.interrupt()
            message = str(exc) if isinstance(exc, CallersimError) else "Turn cancelled"
            self._write({"type": "error", "ts": now_iso(), "message": message})
            raise
        if spoken:
            spoken.finish()
        assert turn.reply is not None
        index = len(self.conversation.exchanges)
        if spoken:
            self._spoken.append(_Spoken(index, spoken))
        self._record_reply(turn.reply, spoken)

    def _record_reply(self, reply: Reply, spoken: SpokenReply | None) -> None:
        audio = spoken.audio_path.name if spoken and spoken.audio_path else None
        self._write(
            {
                "type": "caller",
                "ts": now_iso(),
                "text": reply.text,
                "dtmf": reply.dtmf,
                "hangup": reply.hangup,
                "timings": reply.timings.as_dict(),
                "audio": audio,
            }
        )

    def settle_speech(self, *, interrupt: bool, timeout: float | None = None) -> None:
        """Close out replies still speaking: cut them off (barge-in) or let them finish, and record it."""
        for item in self._spoken:
            if item.settled:
                continue
            reply = item.reply
            if interrupt and not reply.wait(0):
                reply.interrupt()
                reply.wait(2.0)
            elif not interrupt:
                reply.wait(timeout)
            item.settled = True
            exchange = (
                self.conversation.exchanges[item.turn - 1]
                if item.turn <= len(self.conversation.exchanges)
                else None
            )
            if exchange is not None and reply.first_audio_s is not None:
                exchange.reply.timings.first_audio_s = reply.first_audio_s
            if reply.duration_s > 0 or reply.interrupted:
                first = reply.first_audio_s
                self._write(
                    {
                        "type": "audio",
                        "ts": now_iso(),
                        "turn": item.turn,
                        "file": reply.audio_path.name if reply.audio_path else None,
                        "first_audio_s": round(first, 4) if first is not None else None,
                        "duration_s": round(reply.duration_s, 3),
                        "heard_s": round(reply.heard_s, 3),
                        "interrupted": reply.interrupted,
                    }
                )

    # --- the end of a call --------------------------------------------------------------------------

    def summary(self, end_reason: str, *, judge: bool = True) -> CallSummary:
        conv = self.conversation
        keys = [e.reply.dtmf for e in conv.exchanges if e.reply.dtmf]
        ttfa = [
            e.reply.timings.first_audio_s for e in conv.exchanges if e.reply.timings.first_audio_s is not None
        ]
        summary = CallSummary(
            turns=len(conv.exchanges),
            duration_s=self._clock() - self._started if self._started is not None else 0.0,
            keys=keys,
            hung_up=conv.hung_up,
            end_reason=end_reason,
            first_audio_median_s=statistics.median(ttfa) if ttfa else None,
            first_audio_worst_s=max(ttfa) if ttfa else None,
        )
        if not judge and self.judge is not None and conv.exchanges:
            summary.verdict_error = f"skipped ({end_reason})"
        elif self.judge is not None and conv.exchanges:
            try:
                summary.verdict = Verdict(*self.judge.verdict(conv.context, conv.messages))
            except CallersimError as exc:
                summary.verdict_error = str(exc)  # the call happened; only its judgement is missing
            except KeyboardInterrupt:
                summary.verdict_error = "skipped (Ctrl-C)"  # the call still ends, unjudged
        summary.audio_played = self.speaker is not None and self.speaker.player is not None
        return summary

    def end(self, end_reason: str, *, hurry: bool = False) -> CallSummary:
        """Finish the call: let the caller finish speaking, judge it, record the summary (once).

        ``hurry``: the process is being stopped; the caller is cut off and the call not judged.
        """
        if self._summary is not None:
            return self._summary
        self.settle_speech(interrupt=hurry or end_reason == "interrupted")
        self._summary = self.summary(end_reason, judge=not hurry)
        self._write(self._summary.record())
        return self._summary

    def close(self) -> None:
        # The session was handed its engine, judge and voice for the whole session, so it closes them:
        # they may hold connections (the SDKs' HTTP clients).
        if self.speaker:
            self.speaker.close()
            if self.speaker.voice is not None:
                self.speaker.voice.close()
        release(self.conversation.engine, self.judge)
        if self.transcript:
            self.transcript.close()


@dataclass
class PendingWarnings:
    """Warnings from background threads (the speech pipeline), shown by the UI when it next can."""

    items: list[str] = field(default_factory=list)

    def __call__(self, message: str) -> None:
        self.items.append(message)

    def drain(self) -> list[str]:
        items, self.items = self.items, []
        return items
