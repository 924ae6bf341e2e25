"""Options written once: a command's options are a dataclass whose fields say how the user gives them.

``callersim chat`` and ``callersim replay`` take dataclasses (``ChatOptions``, ``ReplayOptions``) whose
fields carry a ``Flag``: the command line is made from those fields (``callersim_cli.cli``), and the
scenario file reads the fields marked ``in_file`` (``callersim_cli.scenario_file``). No typer here: the
core builds options without the command line, as a server or a test runner will.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Flag:
    """How an option is given on the command line (and in a scenario file)."""

    names: tuple[str, ...]  # "--seed", or "-d"; empty for an argument
    help: str
    envvar: str | None = None
    choices: Callable[[], tuple[str, ...]] | None = None  # the allowed values, from a registry
    metavar: str | None = None
    min: float | None = None
    in_file: bool = False  # a scenario file may set it too, under the field's name


def flag(*names: str, default: Any = None, **how: Any) -> Any:
    """A dataclass field given on the command line as ``names`` (none: a positional argument)."""
    return dataclasses.field(default=default, metadata={"flag": Flag(names, **how)})


def flags(options_class: type) -> list[tuple[dataclasses.Field[Any], Flag]]:
    """The fields of ``options_class`` that the user gives, with how."""
    return [(f, f.metadata["flag"]) for f in dataclasses.fields(options_class) if "flag" in f.metadata]


def same_flag(options_class: type, name: str) -> Any:
    """A field given on the command line as ``options_class``'s field ``name`` is: written once, used by
    two commands (``callersim test`` takes the caller options of ``chat``)."""
    source = next(f for f in dataclasses.fields(options_class) if f.name == name)
    return dataclasses.field(default=source.default, metadata=source.metadata)
