"""Responders that say the goal: why the caller calls, what it orders, and why it wants it."""

from __future__ import annotations

import re

from callersim_cli.engines.offline.goal import terse_form
from callersim_cli.engines.offline.moves import Move, Say, say, speak
from callersim_cli.engines.offline.turn import Turn

_ORDER_PROMPT = re.compile(r"\border\b|get (?:for|started)|what would you like(?! to do)", re.I)
_SHORT_PROMPT = re.compile(r"\b(?:few words|briefly|short)\b", re.I)


def goal_again(turn: Turn, short: bool = False) -> Say:
    """The goal in other words than its first statement: "I need to ...", "It's about ..."."""
    statement = turn.goal.short if short else turn.goal.statement
    task = statement.removeprefix("Hi, ").rstrip(".")
    if m := re.match(r"^I(?:'d like|'m calling) to (.*)$", task):
        return say("goal_again_to", "goal", rest=m.group(1), terse=terse_form(task))
    if task.startswith("I'm calling about "):
        return say("goal_again_about", "goal", rest=task.removeprefix("I'm calling about "))
    return say("goal_again", "goal", task=task)


def goal_first(turn: Turn, short: bool = False) -> Say:
    goal = turn.goal
    if short:
        return say("goal", statement=goal.short, terse=goal.terse_short)
    return say("goal", statement=goal.statement, terse=goal.terse_statement)


def state_goal(turn: Turn) -> Move:
    goal = turn.goal
    line = turn.line.text
    why = "said why the caller calls"
    if _ORDER_PROMPT.search(line) and goal.item != goal.task:
        if goal.also:  # "... for delivery, and I'll pay by card": the rest of the goal after the item
            also_rest = goal.also[4:]
            return speak(
                "order_item_also", "item", item=goal.item, also=goal.also, also_rest=also_rest
            ).explained("asked for the order")
        return speak("order_item", "item", item=goal.item).explained("asked for the order")
    short = bool(_SHORT_PROMPT.search(line))
    first = goal_first(turn, short)
    # The first time, the plain statement; rephrasings are for when the business asks again.
    statement = goal.short if short else goal.statement
    if not turn.goal_stated and not turn.said_before(statement):
        return Move(says=(first,), why=why)
    return Move(says=(goal_again(turn, short),), why=why + ", again")


def goal_object(turn: Turn) -> str:
    """What the goal acts on: "cancel my internet service because ..." -> "my internet service"."""
    task = re.split(r"\s+(?:because|since|as|due to|so that|now that)\s+", turn.goal.task)[0]
    rest = task.split(maxsplit=1)[1] if len(task.split()) > 1 else ""
    rest = re.split(r"\s+(?:to|for|from|at|on|by|with|before|after|and)\s+", rest)[0]
    return rest or "it"


def give_reason(turn: Turn) -> Move:
    """Why the caller wants this, from the goal; a goal without a reason is its own reason."""
    goal, reason = turn.goal, turn.goal.reason or _stated_reason(turn)
    why = "asked why"

    if reason:
        if goal.ends_service:
            first = say("reason_ending", "reason", reason=reason, thing=goal_object(turn))
            plain = f"{reason[:1].upper()}{reason[1:]}, so I won't need {goal_object(turn)} anymore."
        else:
            first = say("reason", "reason", reason=reason)
            plain = f"Because {reason}."
        if not turn.said_before(plain):
            return Move(
                says=(first,), why=why
            )  # the plain reason the first time; other words when asked again
        return speak("reason_again", "reason", reason=reason).explained(why)
    if goal.ends_service:
        return speak("reason_none", "reason").explained(why)
    return state_goal(turn)


_SITUATION = re.compile(
    r"^(?:I'm|I am|I've|I have|we're|we are|we've|I was|I got|my|our)\b(?!.*\b(?:born|name is)\b)", re.I
)


def _stated_reason(turn: Turn) -> str | None:
    """The situation the scenario states beside the task ("I'm moving away and switching dentists"): the
    reason when the task gives none. A refusal or a want is not a reason."""
    for clause in turn.frame.read.clauses:
        if (
            clause != turn.goal.task
            and _SITUATION.match(clause)
            and not re.search(r"\b(?:don't|do not|won't|want|need|would like|prefer)\b", clause, re.I)
        ):
            return re.sub(r"^I am\b", "I'm", clause)
    return None


def keep_goal(turn: Turn) -> Move:
    """A deal to stay would undo a goal that ends something: declined, and the goal said again."""
    task = re.split(r"\s+(?:because|since|as|due to)\s+", turn.goal.task)[0]
    return speak("keep_goal", "keep-goal", task=task).explained("a retention offer against the goal")
