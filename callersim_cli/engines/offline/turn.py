"""One turn of the offline caller: the line being answered, the call's frame and the state before it."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import cached_property

from callersim_cli.engines.offline.frame import GoalFrame
from callersim_cli.engines.offline.goal import Goal
from callersim_cli.engines.offline.reading import Line, read
from callersim_cli.engines.offline.state import CallState, normal
from callersim_cli.engines.offline.text import Terms


@dataclass(frozen=True, eq=False)
class Turn:
    frame: GoalFrame
    state: CallState
    line: Line  # what is being answered: the current line, or the prompt a re-prompt points back to
    rephrasing: bool = False  # answering a prompt again after "sorry, I didn't get that"
    reprompted: bool = False  # this line is the last prompt again after "sorry, not a valid option"

    @property
    def goal(self) -> Goal:
        return self.frame.goal

    @property
    def index(self) -> int:
        return self.state.index

    @property
    def first_turn(self) -> bool:
        return self.index == 0

    def answering(self, text: str, rephrasing: bool = False, reprompted: bool = False) -> Turn:
        """The same turn, answering ``text`` instead (the rest of a re-prompt, or the prompt before it)."""
        return replace(self, line=read(text), rephrasing=rephrasing, reprompted=reprompted)

    # --- what happened so far ------------------------------------------------------------------------

    @cached_property
    def goal_core(self) -> str:
        return normal(self.goal.short.removeprefix("Hi, "))[:40]

    @cached_property
    def frame_terms(self) -> Terms:
        """What the rest of the scenario is about: what happened, and what else the caller says."""
        read = self.frame.read
        return Terms.of(" ".join((read.problem, *read.context)))

    @cached_property
    def goal_stated(self) -> bool:
        """Whether the caller already said why it calls, in any words."""
        core = self.goal_core
        task_words = set(Terms.of(self.goal.task).stems)
        for reply in self.state.replies:
            if core and core in reply.normal:
                return True
            if task_words and len(task_words & Terms.of(reply.normal).stems) >= max(2, len(task_words) // 2):
                return True
        return False

    def states_goal(self, spoken_normal: str) -> bool:
        core = self.goal_core
        terse_core = normal(self.goal.terse_statement)[:40]
        return bool(core) and (core in spoken_normal or terse_core in spoken_normal)

    @cached_property
    def repeated_prompt(self) -> bool:
        """The business asked the very same thing again right after the caller answered it."""
        state = self.state
        if self.index <= 0 or self.line.menu:
            return False  # a menu heard again means the choice did not help, not that we were not heard
        if not (self.line.questions or self.line.request):
            return False
        return (
            state.lines[-2].last_ask == state.current.last_ask
            # Asked again after the caller's "No, it's HX44821": the business is checking the fix.
            and state.replies[-1].answer_word != "no"
        )

    def said_before(self, sentence: str) -> bool:
        return normal(sentence) in self.state.said

    def rng(self, purpose: str) -> random.Random:
        return self.frame.turn_rng(self.index, purpose)
