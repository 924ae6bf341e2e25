"""Checks a caller's reply against a call flow's ``expect``, as the samples README defines it.

A flow file holds a business description, the caller's goal and the operator lines in order, each with
what a good caller does next; optionally the caller's ``persona`` (as a scenario file gives it) and the
``verdict`` the call must end with (goal reached or not). ``check`` judges one parsed ``Reply`` (spoken
text, keys pressed, hang-up); ``play_flow`` plays a whole flow through the real conversation core and
reports every turn.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callersim_cli.conversation import CallerEngine, Context, Conversation, Reply
from callersim_cli.persona import Persona

_YES = re.compile(
    r"^(?:oh,?\s+|um,?\s+|well,?\s+|okay,?\s+|ok,?\s+)?(?:yes|yeah|yep|yup|correct|sure|absolutely|"
    r"exactly|definitely|"
    r"that's right|that is right|that's correct|that is correct|right|please do|of course|sí|si)\b",
    re.I,
)
_NO = re.compile(
    r"^(?:oh,?\s+|um,?\s+|well,?\s+|hmm,?\s+|sorry,?\s+)?(?:no|nope|nah|not (?:quite|really|right)|"
    r"that's (?:not|wrong)|that is not|incorrect|wrong|negative)\b",
    re.I,
)


# The keys a flow file and a turn's ``expect`` may hold (tests/test_flow_files.py checks every flow).
FLOW_KEYS = {
    "name",
    "kind",
    "batch",
    "description",
    "scenario",
    "persona",
    "verdict",
    "sources",
    "notes",
    "turns",
}
EXPECT_KEYS = {
    "press", "says_any", "says_all", "says_none", "digits_at_least", "gives_digits", "affirms", "denies",
    "hangs_up",
}  # fmt: skip


def mentions(text: str, term: str) -> bool:
    """``term`` starts a word in ``text``; a term of three characters or fewer must be a whole word."""
    pattern = r"(?<![0-9a-z])" + re.escape(term.lower())
    if len(term) <= 3:
        pattern += r"(?![0-9a-z])"
    return re.search(pattern, text.lower()) is not None


def _digits(reply: Reply) -> str:
    return re.sub(r"\D", "", reply.text) + re.sub(r"\D", "", reply.dtmf or "")


def affirms(text: str) -> bool:
    return bool(_YES.search(text.strip())) and not denies(text)


def denies(text: str) -> bool:
    return bool(_NO.search(text.strip()))


def check(reply: Reply, expect: Mapping[str, Any]) -> list[str]:
    """Every way the reply falls short of ``expect``; an empty list means the turn passes."""
    problems: list[str] = []
    text = reply.text
    if "press" in expect and (reply.dtmf or "") != expect["press"]:
        problems.append(f"expected to press {expect['press']!r}, pressed {reply.dtmf!r}")
    if "says_any" in expect and not any(mentions(text, t) for t in expect["says_any"]):
        problems.append(f"expected one of {expect['says_any']!r} in {text!r}")
    if "says_all" in expect and (missing := [t for t in expect["says_all"] if not mentions(text, t)]):
        problems.append(f"expected all of {missing!r} in {text!r}")
    if "says_none" in expect and (said := [t for t in expect["says_none"] if mentions(text, t)]):
        problems.append(f"expected none of {said!r} in {text!r}")
    if "digits_at_least" in expect and len(_digits(reply)) < expect["digits_at_least"]:
        problems.append(f"expected at least {expect['digits_at_least']} digits, got {_digits(reply)!r}")
    if "gives_digits" in expect and expect["gives_digits"] not in _digits(reply):
        problems.append(f"expected the digits {expect['gives_digits']!r}, got {_digits(reply)!r}")
    if "affirms" in expect and affirms(text) != expect["affirms"]:
        problems.append(f"expected {'a yes' if expect['affirms'] else 'no yes'}, got {text!r}")
    if "denies" in expect and denies(text) != expect["denies"]:
        problems.append(f"expected {'a no' if expect['denies'] else 'no no'}, got {text!r}")
    if "hangs_up" in expect and reply.hangup != expect["hangs_up"]:
        problems.append(f"expected {'a' if expect['hangs_up'] else 'no'} hang-up, got {reply.raw!r}")
    return problems


@dataclass
class Flow:
    name: str
    description: str
    scenario: str
    turns: list[dict[str, Any]]
    persona: Persona | None = None
    verdict: bool | None = None  # whether the call must end with the goal reached

    @classmethod
    def load(cls, path: Path) -> Flow:
        data = json.loads(path.read_text(encoding="utf-8"))
        persona = Persona(**data["persona"]) if "persona" in data else None
        return cls(
            data.get("name", path.stem),
            data["description"],
            data["scenario"],
            data["turns"],
            persona,
            data.get("verdict"),
        )

    def context(self) -> Context:
        return Context.create(self.description, self.scenario, self.persona)


@dataclass
class TurnResult:
    operator: str
    reply: Reply
    problems: list[str] = field(default_factory=list)


def play_flow(flow: Flow, engine: CallerEngine) -> tuple[Conversation, list[TurnResult]]:
    """Plays every operator line through a real ``Conversation``; stops early if the caller hangs up."""
    conv = Conversation(flow.context(), engine)
    results = []
    for turn in flow.turns:
        if conv.hung_up:
            break
        reply = conv.say(turn["operator"])
        results.append(TurnResult(turn["operator"], reply, check(reply, turn.get("expect", {}))))
    return conv, results


def run_flow(flow: Flow, engine: CallerEngine) -> list[TurnResult]:
    return play_flow(flow, engine)[1]


def passed_turns(results: list[TurnResult]) -> int:
    """How many turns pass, counting from the first: a flow is only as good as its first failure."""
    count = 0
    for result in results:
        if result.problems:
            break
        count += 1
    return count


def report(results: list[TurnResult]) -> str:
    lines = []
    for i, r in enumerate(results, 1):
        mark = "ok  " if not r.problems else "FAIL"
        lines.append(f"{mark} {i}. {r.operator}\n       -> {r.reply.raw}")
        lines += [f"       ! {p}" for p in r.problems]
    return "\n".join(lines)
