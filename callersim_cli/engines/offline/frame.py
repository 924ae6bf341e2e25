"""The goal frame: everything the caller knows before the call starts, built once per call.

The scenario's task and the facts it states (``goal``, ``facts``), the persona whose details the caller
gives (the scenario's own details win over a given persona, which wins over invented ones), the manner
(patience and talkativeness, the user's choice, never a seeded draw) and the seed every phrase choice and
made-up value derives from. A frame depends only on the context and the seed, so it is cached by them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from callersim_cli.conversation import Context
from callersim_cli.engines.offline.facts import GoalFacts, goal_facts
from callersim_cli.engines.offline.goal import Goal, parse_goal
from callersim_cli.engines.offline.scenario import Scenario
from callersim_cli.engines.offline.scenario_facts import ME, NUMBER_LABELS, Person
from callersim_cli.engines.offline.text import has_word, words
from callersim_cli.persona import Persona, invent_persona, merge_personas, seeded_random

_HUMAN_WORDS = ("representative", "operator", "agent", "person", "human", "someone")


@dataclass(frozen=True, eq=False)
class GoalFrame:
    context: Context
    seed: int
    goal: Goal
    facts: GoalFacts
    persona: Persona  # the details the caller gives, merged; the manner from the user's persona
    given_slots: frozenset[str]  # details the scenario or the user's persona state: said as written

    @property
    def terse(self) -> bool:
        return self.persona.talkativeness == "low"

    @property
    def chatty(self) -> bool:
        return self.persona.talkativeness == "high"

    @property
    def hurried(self) -> bool:
        return self.persona.patience == "low"

    @property
    def calm(self) -> bool:
        return self.persona.patience == "high"

    @cached_property
    def call_seed(self) -> int:
        key = f"{self.seed}\n{self.context.description}\n{self.context.scenario}"
        return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")

    @cached_property
    def known_words(self) -> frozenset[str]:
        """The call's own words are real words even when no word list knows them ("Skyline")."""
        return frozenset(words(f"{self.context.description} {self.context.scenario}"))

    @property
    def read(self) -> Scenario:
        return self.goal.read

    @cached_property
    def subject(self) -> Person | None:
        """The person the call is for, when it is not the caller."""
        return self.goal.read.subject

    def fact(self, kind: str, owner: str = ME) -> str | None:
        return next((f.value for f in self.goal.read.facts if f.kind == kind and f.owner == owner), None)

    @cached_property
    def wants_human(self) -> bool:
        return has_word(self.goal.task, *_HUMAN_WORDS)

    def stable_rng(self, purpose: str) -> random.Random:
        """A generator for a value made up once per call, the same on every turn."""
        return seeded_random(f"{self.call_seed}:{purpose}")

    def turn_rng(self, index: int, purpose: str) -> random.Random:
        """A generator for a choice made on one turn: a retried turn makes the same choice."""
        return seeded_random(f"{self.call_seed}:{index}:{purpose}")


def _key(context: Context, seed: int) -> tuple[object, ...]:
    persona = context.persona
    return (seed, context.description, context.scenario, repr(persona) if persona else None)


_FRAMES: dict[tuple[object, ...], GoalFrame] = {}


def frame_for(context: Context, seed: int) -> GoalFrame:
    """The frame of this call; built on its first turn and reused on every later one."""
    key = _key(context, seed)
    frame = _FRAMES.get(key)
    if frame is None:
        if len(_FRAMES) >= 256:
            _FRAMES.pop(next(iter(_FRAMES)))
        frame = _FRAMES[key] = _build(context, seed)
    return frame


def _normal_numbers(persona: Persona | None) -> Persona | None:
    """A user's persona with its number kinds named as the engine names them: "student_id" is "student"."""
    if persona is None or not persona.numbers:
        return persona
    numbers = {}
    for key, value in persona.numbers.items():
        label = re.sub(r"_(?:id|number|no|num|code)$", "", key.lower()).replace("_", " ")
        # "freeze_pin", "phone_pin": a PIN, named by what it is for.
        last = label.split()[-1]
        kind = NUMBER_LABELS.get(label) or (NUMBER_LABELS.get(last) if last in ("pin", "zip") else None)
        numbers[kind or label.replace(" ", "_")] = value
    return dataclasses.replace(persona, numbers=numbers)


def _build(context: Context, seed: int) -> GoalFrame:
    context = dataclasses.replace(context, persona=_normal_numbers(context.persona))
    goal = _goal(context.scenario)
    invented = invent_persona(seed, context)
    given = context.persona or Persona()
    persona = dataclasses.replace(
        merge_personas(goal.details, invented), patience=given.patience, talkativeness=given.talkativeness
    )
    last = next((f.value for f in goal.read.facts_of() if f.kind == "last_name"), None)
    if last and not goal.details.name and persona.name and not (context.persona and context.persona.name):
        # "under the name Okafor": the caller is an Okafor, whatever first name it was given.
        persona = dataclasses.replace(persona, name=f"{persona.name.split()[0]} {last}")
    slots = set(goal.details.details())
    if context.persona is not None:
        slots |= set(context.persona.details())
    # The task's own amount and date first; what happened ("You spent $84.20 ... on the 2nd") fills the rest.
    facts = goal_facts(goal.task)
    told = goal_facts(goal.read.text)
    facts = dataclasses.replace(
        facts,
        **{
            f.name: getattr(told, f.name) for f in dataclasses.fields(facts) if getattr(facts, f.name) is None
        },
    )
    return GoalFrame(context, seed, goal, facts, persona, frozenset(slots))


@lru_cache(maxsize=256)
def _goal(scenario: str) -> Goal:
    return parse_goal(scenario)
