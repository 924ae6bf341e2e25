"""Caller engines: each turns the call so far into the caller's next reply, as a stream of text.

One file per engine, one line per engine in ``ENGINES``. Engine modules are imported only when chosen,
so ``callersim --help`` never pays for the openai SDK.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from callersim_cli.conversation import CallerEngine
from callersim_cli.errors import UsageError

# name -> "module:class"; the class is built as Class(options).
ENGINES: dict[str, str] = {
    "openai": "callersim_cli.engines.openai_engine:OpenAIEngine",
    "offline": "callersim_cli.engines.offline:OfflineEngine",
}

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class EngineOptions:
    """What an engine may need; each engine takes the fields it understands."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    seed: int | None = None
    timeout_s: float = 30.0


def resolve_engine_name(name: str, options: EngineOptions) -> str:
    """``auto`` means the OpenAI engine when it is configured (a key or a server), else offline."""
    if name == "auto":
        return "openai" if (options.api_key or options.base_url) else "offline"
    if name not in ENGINES:
        raise UsageError(f"Unknown engine {name!r}; choose one of: auto, {', '.join(ENGINES)}")
    return name


def create_engine(name: str, options: EngineOptions) -> CallerEngine:
    module_name, _, class_name = ENGINES[resolve_engine_name(name, options)].partition(":")
    engine_class = getattr(importlib.import_module(module_name), class_name)
    return engine_class(options)
