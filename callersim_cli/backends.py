"""Backends that know themselves: one row per backend says what it needs, whether it can run here, and
what it is built from.

Every kind of backend (caller engines, judges, voices, players) keeps one ``Registry`` of such rows in
its package; the CLI's choices, the scenario file's allowed values and "auto" all come from it, so a
backend's name is written once. "auto" is the registry's order: the first row that can run here. Rows
hold import paths, not classes: nothing is imported until a backend is built, so ``callersim --help``
never pays for an SDK. Keys are checked here and nowhere else, in one wording.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from callersim_cli.errors import CallersimError, UsageError


@dataclass(frozen=True)
class Needs:
    """What a backend needs before it can run."""

    key: str | None = None  # the environment variable holding its API key
    # An option that stands in for the key (a local server needs none), and how the user gives it.
    unless: tuple[str, str] | None = None
    modules: tuple[str, ...] = ()  # what must be importable; found without importing it
    extra: str | None = None  # the pip extra that installs those modules

    @property
    def install_hint(self) -> str:
        return f"pip install 'callersim[{self.extra}]'" if self.extra else f"pip install {self.modules[0]}"


@dataclass(frozen=True)
class Backend:
    """One row of a registry."""

    kind: str  # "engine", "judge", "voice" or "player": how sentences name it
    name: str
    target: str  # "module:Class"; the class is built as Class(options), or Class() without options
    help: str = ""
    needs: Needs = Needs()
    options: type | None = None  # a dataclass of what it is built from; its fields are what it reads
    error: type[CallersimError] = UsageError  # what is raised when it can't run here
    reproducible: bool = False  # the same seed makes the same backend behave the same

    @property
    def label(self) -> str:
        return f"the {self.name} {self.kind}"

    def missing_key(self) -> str:
        """The one sentence for a key that is not there."""
        instead = f", or {self.needs.unless[1]}" if self.needs.unless else ""
        return f"The {self.name} {self.kind} needs {self.needs.key}{instead}"

    def make_options(self, settings: Mapping[str, Any], keys: Mapping[str, str | None]) -> Any:
        """Its options from what the user set: the fields it reads, and its key from ``keys`` by its
        variable's name. None for a backend built without options."""
        if self.options is None:
            return None
        values = dict(settings)
        if self.needs.key is not None:
            values["api_key"] = keys.get(self.needs.key) or None
        fields = {f.name for f in dataclasses.fields(self.options)}
        return self.options(**{k: v for k, v in values.items() if k in fields and v is not None})

    def why_not(self, options: Any = None) -> str | None:
        """Why it can't run here with ``options``, in one sentence; None when it can."""
        given = vars(options) if options is not None else {}
        stands_in = self.needs.unless is not None and given.get(self.needs.unless[0])
        if self.needs.key is not None and not given.get("api_key") and not stands_in:
            return self.missing_key()
        for module in self.needs.modules:
            if importlib.util.find_spec(module) is None:
                return f"{self.label.capitalize()} is not installed: {self.needs.install_hint}"
        return None

    def build(self, options: Any = None) -> Any:
        """The backend, or ``self.error`` saying in one line why it can't run here."""
        reason = self.why_not(options)
        if reason is not None:
            raise self.error(reason)
        module_name, _, class_name = self.target.partition(":")
        try:
            backend_class = getattr(importlib.import_module(module_name), class_name)
            return backend_class() if self.options is None else backend_class(options)
        except ImportError as exc:
            # Found but not loadable: a broken install, a missing system library.
            hint = f": {self.needs.install_hint}" if self.needs.modules else ""
            raise self.error(f"{self.label.capitalize()} could not be loaded ({exc}){hint}") from exc


class Registry:
    """The backends of one kind, in the order "auto" tries them."""

    def __init__(self, kind: str, *rows: Backend, words: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.rows = {row.name: row for row in rows}
        self.words = words  # choices that are no backend ("none": no voice)

    def names(self) -> list[str]:
        return list(self.rows)

    def choices(self) -> tuple[str, ...]:
        """What the user may choose: auto, every backend, and the registry's own words."""
        return ("auto", *self.rows, *self.words)

    def __getitem__(self, name: str) -> Backend:
        if name not in self.rows:
            raise UsageError(f"Unknown {self.kind} {name!r}; choose one of: {', '.join(self.choices())}")
        return self.rows[name]

    def auto(self, options_for: Callable[[Backend], Any]) -> tuple[Backend | None, list[str]]:
        """The first backend that can run here, and why each before it can't."""
        reasons: list[str] = []
        for row in self.rows.values():
            reason = row.why_not(options_for(row))
            if reason is None:
                return row, reasons
            reasons.append(reason)
        return None, reasons


def choose(
    registry: Registry, requested: str | None, options_for: Callable[[Backend], Any], notices: list[str]
) -> Backend | None:
    """The backend asked for, or for "auto" the first that can run here (saying why the ones before
    it can't); None for a word of the registry's own ("none")."""
    if requested in registry.words:
        return None
    if requested not in (None, "auto"):
        return registry[requested]
    row, reasons = registry.auto(options_for)
    if reasons:
        why = "; ".join(reason[0].lower() + reason[1:] for reason in reasons)
        notices.append(f"Using {row.label} ({why})." if row else f"No {registry.kind}: {why}.")
    return row


class _Closable(Protocol):
    def close(self) -> None: ...


def release(*backends: _Closable | None) -> None:
    """Close the backends a session was given (every protocol declares ``close()``); no judge is None."""
    for backend in backends:
        if backend is not None:
            backend.close()
