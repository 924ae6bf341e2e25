"""The server's calls: one ``CallSession`` per browser or script, kept on the server, not in a cookie.

Each session id (the page's cookie, a script's ``X-Callersim-Session``, or none: the one default call)
names a ``ServerCall``; setting a context starts a new ``CallSession`` in it, made exactly as ``chat``
makes one (the same engine rows, judge and voice) and kept as an ordinary call file as it happens. A
turn runs on a worker thread, under the call's lock, and reports the caller's events and each piece of
its audio as they exist; the audio reaches HTTP through ``ClipSink``, a player that hands clips over
instead of sounding them. The book is bounded: at most ``max_calls`` live calls, each ended after
``idle_timeout_s`` without a request. No HTTP here: ``app`` turns these results into responses.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callersim_cli.actions import CallerEvent
from callersim_cli.audio import Clip
from callersim_cli.errors import CallersimError, EngineError
from callersim_cli.redact import Redactor

if TYPE_CHECKING:
    from callersim_cli.backends import Backend
    from callersim_cli.conversation import Context, Reply
    from callersim_cli.session import CallSession, Verdict
    from callersim_cli.voices import Voice

AUDIO_WAIT_S = 60.0  # the longest a reply's audio may take to be made before the response goes without it
TROUBLE = "I had trouble responding: {reason}"  # the original's words for an engine failure


class Refusal(CallersimError):
    """A request the server cannot serve as asked; ``status`` is its HTTP status."""

    status = 400


class NoContext(Refusal):
    def __init__(self) -> None:
        super().__init__("Set a business description first (use /api/context)")


class CallOver(Refusal):
    status = 409

    def __init__(self) -> None:
        super().__init__("The caller has hung up: set a context to start a new call (use /api/context)")


class BookFull(Refusal):
    status = 503

    def __init__(self, limit: int) -> None:
        super().__init__(f"Too many calls in progress (at most {limit}): try again later")


# --- the audio, handed over instead of played ---------------------------------------------------------


class _Handed:
    """A clip handed to HTTP: over as soon as it is handed, heard whole (the listener has it all)."""

    def __init__(self, clip: Clip) -> None:
        self._heard_s = clip.duration_s

    def is_playing(self) -> bool:
        return False

    def wait(self) -> None:
        pass

    def stop(self) -> None:
        pass

    @property
    def heard_s(self) -> float:
        return self._heard_s


class ClipSink:
    """A ``Player`` for the speech pipeline that gives each clip, as it is ready, to whoever listens."""

    name = "http"

    def __init__(self) -> None:
        self.listener: Callable[[Clip], None] | None = None

    def play(self, clip: Clip) -> _Handed:
        listener = self.listener
        if listener is not None:
            listener(clip)
        return _Handed(clip)


class SharedVoice:
    """One voice for every call of the server (a model loaded once); a call's end does not close it."""

    def __init__(self, voice: Voice) -> None:
        self.voice = voice
        self.name = voice.name

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        return self.voice.synthesize(text, previous_text=previous_text, next_text=next_text)

    def close(self) -> None:
        """The server closes the voice itself when it stops."""


# --- making calls -----------------------------------------------------------------------------------------


@dataclass
class CallMaker:
    """What every call of the server is made with: chat's engine row, judge and voice, and where calls
    are kept (None: ``--no-log``)."""

    engine: Backend
    settings: dict[str, Any]  # what the engine's options are made from: model, base_url
    keys: Mapping[str, str | None]
    redact: Redactor
    calls_dir: Path | None
    voice: Voice | None = None
    judge: bool = True
    seed: int | None = None  # --seed: every call the same caller
    warn: Callable[[str], None] = lambda message: None

    def session(self, context: Context, sink: ClipSink) -> CallSession:
        from callersim_cli.conversation import Conversation
        from callersim_cli.judges import create_judge
        from callersim_cli.records import new_call_file
        from callersim_cli.session import CallSession
        from callersim_cli.speech import Speaker

        seed = self.seed if self.seed is not None else random.randrange(1_000_000)
        options = self.engine.make_options({**self.settings, "seed": seed}, self.keys)
        engine = self.engine.build(options)
        speaker = Speaker(SharedVoice(self.voice), sink, None, self.warn) if self.voice else None
        calls_dir = self.calls_dir
        opener = None
        if calls_dir is not None:

            def opener(context: Context) -> Any:
                try:
                    return new_call_file(calls_dir, context.scenario, self.redact)
                except CallersimError as exc:  # keeping calls must not stop one
                    self.warn(f"{exc}; this call is not kept")
                    return None

        return CallSession(
            Conversation(context, engine),
            speaker=speaker,
            open_transcript=opener,
            seed=seed if self.engine.reproducible else self.seed,
            judge=create_judge(self.engine.name, options) if self.judge else None,
        )

    def close(self) -> None:
        if self.voice is not None:
            self.voice.close()


# --- one call -------------------------------------------------------------------------------------------


@dataclass
class TurnResult:
    """How a turn went: the reply, or the trouble line with the history as it was."""

    call_id: str
    text: str
    reply: Reply | None
    clips: list[Clip] = field(default_factory=list)
    verdict: Verdict | None = None
    verdict_error: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The additive fields of the chat response: the keys, the hang-up, the call, the verdict."""
        out: dict[str, Any] = {
            "dtmf": self.reply.dtmf if self.reply else None,
            "hangup": bool(self.reply and self.reply.hangup),
            "call_id": self.call_id,
        }
        if self.reply is None:
            out["error"] = True
        out.update(verdict_json(self.verdict, self.verdict_error))
        return out


def verdict_json(verdict: Verdict | None, error: str | None) -> dict[str, Any]:
    if verdict is not None:
        return {"verdict": {"goal_reached": verdict.goal_reached, "reason": verdict.reason}}
    return {"verdict_error": error} if error else {}


class ServerCall:
    """The call of one session id; a new context starts a new ``CallSession`` in it."""

    def __init__(self, maker: CallMaker, clock: Callable[[], float]) -> None:
        self._maker = maker
        self._clock = clock
        self.lock = threading.Lock()  # one turn at a time: two tabs of one browser take turns
        self.session: CallSession | None = None
        self.sink = ClipSink()
        self.last_used = clock()
        self._count = 0

    @property
    def call_id(self) -> str:
        """The kept call's ID (``callersim show`` takes it), or this call's number when none is kept."""
        session = self.session
        if session is not None and session.transcript is not None:
            return session.transcript.path.stem
        return f"call-{self._count}"

    def start(self, context: Context) -> str:
        with self.lock:
            self.last_used = self._clock()
            self._end_session("new call")
            self.session = self._maker.session(context, self.sink)
            self._count += 1
            return self.call_id

    def turn(self, message: str, on_event: Callable[[CallerEvent | Clip], None] | None = None) -> TurnResult:
        """Send the business's ``message``; ``on_event`` hears each caller event and each audio clip
        as it exists (from this thread and the speech pipeline's). Raises ``Refusal``."""
        with self.lock:
            self.last_used = self._clock()
            session = self.session
            if session is None:
                raise NoContext
            if session.ended or session.conversation.hung_up:
                raise CallOver
            clips: list[Clip] = []

            def heard(clip: Clip) -> None:
                clips.append(clip)
                if on_event is not None:
                    on_event(clip)

            self.sink.listener = heard
            try:
                for event in session.turn(message):
                    if on_event is not None:
                        on_event(event)
            except EngineError as exc:  # recorded by the session; the same message can be sent again
                return TurnResult(self.call_id, TROUBLE.format(reason=exc), None)
            finally:
                session.settle_speech(interrupt=False, timeout=AUDIO_WAIT_S)
                self.sink.listener = None
            reply = session.conversation.exchanges[-1].reply
            result = TurnResult(self.call_id, reply.text, reply, clips)
            if reply.hangup:
                summary = session.end("caller hung up")
                result.verdict, result.verdict_error = summary.verdict, summary.verdict_error
            self.last_used = self._clock()
            return result

    def hang_up(self) -> tuple[str, dict[str, Any]]:
        """The business ends the call: its verdict."""
        with self.lock:
            self.last_used = self._clock()
            if self.session is None:
                raise NoContext
            summary = self.session.end("business hung up")
            return self.call_id, verdict_json(summary.verdict, summary.verdict_error)

    def close(self, reason: str) -> None:
        with self.lock:
            self._end_session(reason)

    def _end_session(self, reason: str) -> None:
        session, self.session = self.session, None
        if session is None:
            return
        if session.conversation.exchanges:
            session.end(reason)
        session.close()


class CallBook:
    """The live calls by session id: at most ``max_calls``, each ended after ``idle_timeout_s`` idle."""

    def __init__(
        self,
        maker: CallMaker,
        *,
        max_calls: int,
        idle_timeout_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.maker = maker
        self.max_calls = max_calls
        self.idle_timeout_s = idle_timeout_s
        self._clock = clock
        self._calls: dict[str, ServerCall] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._calls)

    def call(self, session_id: str) -> ServerCall:
        """The call of ``session_id``, made when new. Raises ``BookFull``."""
        with self._lock:
            found = self._calls.get(session_id)
            if found is not None:
                found.last_used = self._clock()
                return found
        if len(self._calls) >= self.max_calls:
            self.sweep()
        with self._lock:
            if session_id not in self._calls:
                if len(self._calls) >= self.max_calls:
                    raise BookFull(self.max_calls)
                self._calls[session_id] = ServerCall(self.maker, self._clock)
            return self._calls[session_id]

    def sweep(self) -> int:
        """End the calls idle for longer than the timeout (not one in the middle of a turn)."""
        deadline = self._clock() - self.idle_timeout_s
        with self._lock:
            idle = {
                sid: c for sid, c in self._calls.items() if c.last_used < deadline and not c.lock.locked()
            }
            for sid in idle:
                del self._calls[sid]
        for idle_call in idle.values():
            idle_call.close("idle timeout")
        return len(idle)

    def close(self) -> None:
        """The server stops: every call ends, is kept, and its voice is released."""
        with self._lock:
            calls, self._calls = list(self._calls.values()), {}
        for one in calls:
            one.close("server stopped")
        self.maker.close()
