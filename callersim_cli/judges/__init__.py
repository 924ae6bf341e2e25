"""Judges: each decides, once a call has ended, whether the caller reached its goal, and why.

One row per judge in ``JUDGES``, named as the engine whose calls it judges: a call made with the openai
engine is judged by one structured-output request; the offline caller's by what it saw on the call.
Modules are imported only when chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from callersim_cli.backends import Backend, Registry
from callersim_cli.engines import OPENAI_NEEDS, EngineOptions, OpenAIOptions

if TYPE_CHECKING:
    from callersim_cli.conversation import Context, Message


class Judge(Protocol):
    """Whether the caller reached its goal on a call, and why in one sentence. Failures are raised as
    ``EngineError``: the call happened, only its judgement is missing."""

    name: str

    def verdict(self, context: Context, messages: Sequence[Message]) -> tuple[bool, str]: ...

    def close(self) -> None:
        """Release what the judge holds (connections)."""
        ...


@runtime_checkable
class CriteriaJudge(Judge, Protocol):
    """A judge that can also say whether statements about a call hold ("The bot read the order back
    before taking payment"): a model reading the transcript. ``callersim test`` checks a case's
    ``expect.criteria`` with one."""

    def criteria(
        self, context: Context, messages: Sequence[Message], criteria: Sequence[str]
    ) -> list[tuple[bool, str]]:
        """For each statement, in order: whether it holds on this call, and why in one sentence."""
        ...


JUDGES = Registry(
    "judge",
    Backend(
        "judge",
        "openai",
        "callersim_cli.judges.openai_judge:OpenAIJudge",
        needs=OPENAI_NEEDS,
        options=OpenAIOptions,
    ),
    Backend("judge", "offline", "callersim_cli.engines.offline:OfflineJudge", options=EngineOptions),
)


def create_judge(name: str, options: EngineOptions) -> Judge:
    """The judge for calls made by the engine ``name``, built from the same options."""
    judge: Judge = JUDGES[name].build(options)
    return judge
