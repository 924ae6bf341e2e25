"""The conversation core: one call between the business (typed by the user) and the AI caller.

No terminal, CLI or audio imports here: the same core serves the REPL, piped scripts, tests and the
speech pipeline. A turn streams events (speech pieces, key presses, a hang-up) as the engine writes, and
commits to the history only when the reply is complete, so a failed or cancelled turn leaves the call as
it was and the same line can be sent again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from callersim_cli.actions import ActionParser, CallerEvent, Press, Speech, clean_spoken
from callersim_cli.errors import CallEndedError, UsageError

if TYPE_CHECKING:
    from callersim_cli.persona import Persona

DEFAULT_SCENARIO = (
    "check availability, complete a typical customer task, and avoid speaking to a human if possible"
)

ORIGINAL_PROMPT = (
    "You are simulating a real customer contacting the business below. The other side is the company, an "
    "operator, or an IVR. Stay in character as the caller/customer, try to complete the task, and avoid "
    "escalating to a human unless the flow requires it.\n\nBusiness description:\n{description}\n\nCaller "
    "goal:\n{scenario}\n\nSpeak naturally, ask one thing at a time, and keep each response concise."
)

PHONE_ACTIONS_PROMPT = (
    "\n\nYou are on a phone call and only your words are heard. To press keys on the keypad, write the "
    "keys in square brackets, like [press 2] or [press 4417#]; they are sent as tones, not spoken. When "
    "the business says goodbye, or your task is done and nothing is left to say, say a short goodbye and "
    "end the call with [hang up]. Write only what the caller says out loud: no stage directions, no "
    "narration, no other brackets."
)

Message = dict[str, str]


@dataclass(frozen=True)
class Context:
    """What the call is about: the business being called and what the caller wants from it."""

    description: str
    scenario: str = DEFAULT_SCENARIO
    persona: Persona | None = None

    @classmethod
    def create(
        cls, description: str | None, scenario: str | None = None, persona: Persona | None = None
    ) -> Context:
        description = (description or "").strip()
        if not description:
            raise UsageError("No description provided")
        return cls(description, (scenario or "").strip() or DEFAULT_SCENARIO, persona)


def system_prompt(context: Context) -> str:
    """The caller's instructions: the original wording, then the phone-action convention, then the persona."""
    prompt = ORIGINAL_PROMPT.format(description=context.description, scenario=context.scenario)
    prompt += PHONE_ACTIONS_PROMPT
    if context.persona is not None:
        prompt += "\n\n" + context.persona.prompt_section()
    return prompt


class CallerEngine(Protocol):
    """Turns the call so far into the caller's next reply, streamed as text pieces.

    The reply may contain the phone-action markers of ``callersim_cli.actions``. Failures are raised as
    ``EngineError`` with a message fit for the user.
    """

    name: str
    model: str

    def stream(self, context: Context, messages: Sequence[Message]) -> Iterator[str]: ...

    def close(self) -> None:
        """Release what the engine holds (connections); the session calls it at its end."""
        ...


@runtime_checkable
class ExplainingEngine(CallerEngine, Protocol):
    """An engine that can say why it replied as it did (the offline caller: which act, from what)."""

    def explain(self, context: Context, messages: Sequence[Message]) -> object:
        """Why the reply to the last line of ``messages`` is what it is; ``str()`` of it is one line."""
        ...


@dataclass
class Timings:
    """Seconds from the operator's line: to the first caller text, to the first audio, to the end."""

    first_text_s: float | None = None
    total_s: float | None = None
    first_audio_s: float | None = None

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.__dict__.items() if v is not None}


@dataclass
class Reply:
    """The caller's complete reply to one operator line."""

    text: str  # what was spoken, without markers
    dtmf: str | None  # all keys pressed in this reply, in order
    hangup: bool
    raw: str  # the engine's text, markers included, as kept in the history
    timings: Timings = field(default_factory=Timings)


class Turn:
    """One exchange in flight. Iterate it for events; ``reply`` is set once it completes."""

    def __init__(self, conversation: Conversation, operator_line: str) -> None:
        self.conversation = conversation
        self.operator_line = operator_line
        self.reply: Reply | None = None
        self.started = time.perf_counter()

    def __iter__(self) -> Iterator[CallerEvent]:
        conv = self.conversation
        messages = [*conv.messages, {"role": "user", "content": self.operator_line}]
        parser = ActionParser()
        raw: list[str] = []
        spoken: list[str] = []
        keys: list[str] = []
        timings = Timings()

        def consume(events: Iterator[CallerEvent]) -> Iterator[CallerEvent]:
            for event in events:
                if isinstance(event, Speech):
                    if timings.first_text_s is None and event.text.strip():
                        timings.first_text_s = time.perf_counter() - self.started
                    spoken.append(event.text)
                elif isinstance(event, Press):
                    keys.append(event.digits)
                yield event

        for piece in conv.engine.stream(conv.context, messages):
            raw.append(piece)
            yield from consume(parser.feed(piece))
        yield from consume(parser.close())
        timings.total_s = time.perf_counter() - self.started
        self.reply = Reply(
            text=clean_spoken("".join(spoken)),
            dtmf="".join(keys) or None,
            hangup=parser.hung_up,
            raw="".join(raw).strip(),
            timings=timings,
        )
        conv._commit(self.operator_line, self.reply)

    def run(self) -> Reply:
        """Complete the turn, discarding the events."""
        for _ in self:
            pass
        assert self.reply is not None
        return self.reply


@dataclass
class Exchange:
    operator: str
    reply: Reply


class Conversation:
    """One call: the context, the engine, and the history sent whole on every turn."""

    def __init__(self, context: Context, engine: CallerEngine) -> None:
        self.engine = engine
        self.context = context
        self.exchanges: list[Exchange] = []
        self.messages: list[Message] = []
        self.reset()

    @property
    def hung_up(self) -> bool:
        return bool(self.exchanges) and self.exchanges[-1].reply.hangup

    def reset(self, context: Context | None = None) -> None:
        """Start a new call, with a new context if one is given."""
        if context is not None:
            self.context = context
        self.exchanges = []
        self.messages = [{"role": "system", "content": system_prompt(self.context)}]

    def send(self, operator_line: str) -> Turn:
        """Start a turn for what the business says; iterate the returned turn to run it."""
        if not operator_line or not operator_line.strip():
            raise UsageError("No message provided")
        if self.hung_up:
            raise CallEndedError("The caller has hung up; start a new call with /reset")
        return Turn(self, operator_line.strip())

    def say(self, operator_line: str) -> Reply:
        """Send a line and wait for the whole reply."""
        return self.send(operator_line).run()

    def hear(self, operator_line: str) -> None:
        """The business's last words, said as the call ended: in the history (a judge reads them), with
        no reply from the caller."""
        self.messages.append({"role": "user", "content": operator_line.strip()})

    def explain_last(self) -> str | None:
        """Why the caller gave its last reply, from an engine that can say; None before the first reply or
        from an engine that cannot (a model does not know why)."""
        if not self.exchanges or not isinstance(self.engine, ExplainingEngine):
            return None
        return str(self.engine.explain(self.context, self.messages[:-1]))

    def _commit(self, operator_line: str, reply: Reply) -> None:
        self.messages.append({"role": "user", "content": operator_line})
        self.messages.append({"role": "assistant", "content": reply.raw})
        self.exchanges.append(Exchange(operator_line, reply))
