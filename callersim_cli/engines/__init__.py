"""Caller engines: each turns the call so far into the caller's next reply, as a stream of text.

One file per engine, one row per engine in ``ENGINES``; "auto" is the first row that can run here.
Engine modules are imported only when chosen, so ``callersim --help`` never pays for the openai SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from callersim_cli.backends import Backend, Needs, Registry

if TYPE_CHECKING:
    from callersim_cli.conversation import CallerEngine

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class EngineOptions:
    """What every engine may read: the seed (the offline caller's; the openai engine sends it on)."""

    seed: int | None = None


@dataclass(frozen=True)
class OpenAIOptions(EngineOptions):
    """The openai engine's and the openai judge's options."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    timeout_s: float = 30.0


# The openai engine and judge need a key, or a local server that needs none.
OPENAI_NEEDS = Needs(
    key="OPENAI_API_KEY", unless=("base_url", "--base-url for a local server"), modules=("openai",)
)

ENGINES = Registry(
    "engine",
    Backend(
        "engine",
        "openai",
        "callersim_cli.engines.openai_engine:OpenAIEngine",
        help="a Chat Completions model (OpenAI, Ollama, vLLM...)",
        needs=OPENAI_NEEDS,
        options=OpenAIOptions,
    ),
    Backend(
        "engine",
        "offline",
        "callersim_cli.engines.offline:OfflineEngine",
        help="a scripted caller, no network",
        options=EngineOptions,
        reproducible=True,
    ),
)


def create_engine(name: str, options: EngineOptions) -> CallerEngine:
    """The engine ``name`` built from ``options`` (the fields of them it reads)."""
    engine: CallerEngine = ENGINES[name].build(options)
    return engine
