"""The offline caller's tables check themselves: no act steals another's lines, no phrase breaks a bank.

Every example line of every dialogue act is classified the way the engine classifies it (the first act
that answers it wins); an example taken by another act fails naming both. A phrase bank that opens with a
yes or a no opens with one in every variant, as the flows' ``affirms``/``denies`` read it, and no phrase
uses a field its bank is not given.
"""

from __future__ import annotations

import string

import pytest
from flowcheck import affirms, denies

from callersim_cli.conversation import Context, Conversation
from callersim_cli.engines import EngineOptions
from callersim_cli.engines.offline import OfflineEngine
from callersim_cli.engines.offline.acts import ACTS, Act, Example
from callersim_cli.engines.offline.frame import frame_for
from callersim_cli.engines.offline.menu_kinds import MENU_KINDS, MenuKind
from callersim_cli.engines.offline.realize import BANKS
from callersim_cli.engines.offline.state import CallState
from callersim_cli.engines.offline.turn import Turn

DESCRIPTION = "First Harbor Bank, a retail bank."
ENGINE = OfflineEngine(EngineOptions(seed=1))


def turn_for(example: Example, scenario: str) -> Turn:
    """The turn the engine would answer: earlier lines played through a real call first."""
    *before, line = (example,) if isinstance(example, str) else example
    context = Context.create(DESCRIPTION, scenario)
    conv = Conversation(context, ENGINE)
    for earlier in before:
        conv.say(earlier)
    state = CallState([*conv.messages, {"role": "user", "content": line}])
    return Turn(frame_for(context, ENGINE.seed), state, state.current)


def classify(example: Example, scenario: str) -> str:
    turn = turn_for(example, scenario)
    return next(act.name for act in ACTS if act.take(turn) is not None)


def test_act_names_are_unique_and_every_act_has_examples() -> None:
    names = [act.name for act in ACTS]
    assert len(names) == len(set(names))
    assert all(act.takes for act in ACTS), [act.name for act in ACTS if not act.takes]


@pytest.mark.parametrize("act", ACTS, ids=lambda a: a.name)
def test_every_example_is_taken_by_its_own_act(act: Act) -> None:
    for example in act.takes:
        taken_by = classify(example, act.scenario)
        assert taken_by == act.name, f"{taken_by!r} takes {act.name!r}'s example {example!r}"


@pytest.mark.parametrize("act", [a for a in ACTS if a.leaves], ids=lambda a: a.name)
def test_every_act_leaves_what_it_must_leave(act: Act) -> None:
    for example in act.leaves:
        assert act.take(turn_for(example, act.scenario)) is None, (
            f"{act.name!r} takes {example!r}, which it must leave"
        )


def test_the_last_act_answers_anything() -> None:
    assert ACTS[-1].take(turn_for("Mm.", ACTS[-1].scenario)) is not None


def _fields(template: str) -> set[str]:
    return {name[:1].lower() + name[1:] for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("name", sorted(BANKS))
def test_a_bank_that_answers_answers_in_every_variant(name: str) -> None:
    bank = BANKS[name]
    variants = [*bank.plain, *bank.terse, *bank.chatty, *bank.hurried, *bank.calm]
    plain_fields = set().union(*(_fields(p) for p in bank.plain))
    for phrase in variants:
        assert _fields(phrase) <= plain_fields | {"terse"}, (
            f"{name}: {phrase!r} uses a field plain never does"
        )
        sample = phrase.format(
            **{f: "x" for f in _fields(phrase) | {f.capitalize() for f in _fields(phrase)}}
        )
        if bank.answer == "yes":
            assert affirms(sample), f"{name}: {phrase!r} does not open with a yes"
        if bank.answer == "no":
            assert denies(sample), f"{name}: {phrase!r} does not open with a no"
        if bank.answer is None:
            assert not (affirms(sample) or denies(sample)) or name in UNMARKED_ANSWERS, (
                f"{name}: {phrase!r} opens with a yes or no, but the bank is not marked as an answer"
            )


# Banks whose phrases may open with a word the flows read as a yes or a no without answering a yes/no
# question: "Sure, it's 555-0142" gives a detail, "Oh no. Is there another option?" takes bad news,
# "No preference" states one, "Okay, I'll hold" takes a hold.
UNMARKED_ANSWERS = {
    "detail", "detail_email", "detail_last_four", "detail_name", "detail_phone", "detail_spelled_name",
    "bad_news", "give_up", "hold", "hold_start", "transfer", "prefer_location", "prefer_anyone",
    "prefer_anything", "prefer_named", "part_conflict", "not_sure",
}  # fmt: skip


@pytest.mark.parametrize("kind", MENU_KINDS, ids=lambda k: k.name)
def test_every_menu_example_is_read_as_its_own_kind(kind: MenuKind) -> None:
    for example in kind.takes:
        turn = turn_for(example, "report a lost debit card")
        menu = [o for o in turn.line.menu if not o.language]
        assert menu, f"{example!r} is not read as a menu"
        first = next((k.name for k in MENU_KINDS if k.recognise(turn, menu)), "topics")
        assert first == kind.name, f"{first!r} takes the {kind.name!r} menu {example!r}"
