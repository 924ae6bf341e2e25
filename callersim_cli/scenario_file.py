"""Scenario files: a call's business, goal, caller persona and settings, kept in TOML to repeat the call.

``CallSettings`` is the one list of what a call is: each field is a ``chat`` option and, where it says
``in_file``, a key of the file, checked by the field's type and allowed values (which come from the
registries). ``callersim chat --file pizza.toml`` reads one; flags on the command line override it. Every
mistake in the file is reported as one line naming the file, the line and the key, before anything
starts. ``tomllib`` gives no positions for keys, so they are found by scanning the text (``_key_lines``).
"""

from __future__ import annotations

import difflib
import re
import sys
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callersim_cli.engines import DEFAULT_OPENAI_MODEL, ENGINES
from callersim_cli.errors import UsageError
from callersim_cli.options import flag, flags
from callersim_cli.persona import TRAIT_LEVELS, Persona
from callersim_cli.voices import VOICES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


# Words must be quoted (``name = 5`` is a slip, not a name); numbers a caller reads out may be bare.
PERSONA_TEXT_KEYS = ("name", "address", "date_of_birth", "email")
PERSONA_NUMBER_KEYS = ("phone", "account_number")
PERSONA_TRAIT_KEYS = ("patience", "talkativeness")


def _auto(registry_names: list[str]) -> str:
    return f"auto is the first of {', '.join(registry_names)} that can run here"


@dataclass
class CallSettings:
    """What a call is: who the caller rings, what it wants, and with what. None where nothing says."""

    description: str | None = flag("--description", "-d", help="The business being called.", in_file=True)
    scenario: str | None = flag(
        "--scenario", "-s", help="The caller's goal, e.g. 'order a large pepperoni pizza'.", in_file=True
    )
    engine: str | None = flag(
        "--engine",
        help=f"Caller engine; {_auto(ENGINES.names())}.",
        envvar="CALLERSIM_ENGINE",
        choices=ENGINES.choices,
        in_file=True,
    )
    model: str | None = flag(
        "--model",
        help=f"Chat model for the openai engine [{DEFAULT_OPENAI_MODEL}].",
        envvar="CALLERSIM_MODEL",
        in_file=True,
    )
    base_url: str | None = flag(
        "--base-url",
        help="An OpenAI-compatible server (Ollama, vLLM, LM Studio...).",
        envvar="OPENAI_BASE_URL",
        in_file=True,
    )
    seed: int | None = flag("--seed", help="Seed for the invented persona and offline caller.", in_file=True)
    tts: str | None = flag(
        "--tts",
        help=f"Voice; {_auto(VOICES.names())}, else none.",
        envvar="CALLERSIM_TTS",
        choices=VOICES.choices,
        in_file=True,
    )
    voice: str | None = flag(
        "--voice", help="ElevenLabs voice ID [JBFqnCBsd6RMkjVDRZzb].", envvar="CALLERSIM_VOICE", in_file=True
    )
    tts_model: str | None = flag("--tts-model", help="ElevenLabs model [eleven_turbo_v2_5].", in_file=True)
    persona: Persona | None = None  # only from a file: the [persona] table


def file_keys() -> dict[str, tuple[type, tuple[str, ...] | None]]:
    """The top-level keys a file may set (besides [persona]): name -> (type, allowed values or None)."""
    hints = typing.get_type_hints(CallSettings)
    keys = {}
    for field, how in flags(CallSettings):
        if how.in_file:
            kind = next(t for t in typing.get_args(hints[field.name]) if t is not type(None))
            keys[field.name] = (kind, how.choices() if how.choices else None)
    return keys


def load_scenario_file(path: Path) -> CallSettings:
    """Read and check ``path``. Raises ``UsageError`` with one line: file, line, key and what is wrong."""
    text, data = read_toml(path, "scenario file", "callersim init writes an example")
    return FileChecker(str(path), text).check(data)


def read_toml(path: Path, kind: str, hint: str) -> tuple[str, dict[str, Any]]:
    """The text and data of the TOML file ``path`` (a ``kind``, as errors name it), or ``UsageError``
    with one line; ``hint`` says where to get one when there is no such file."""
    label = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # -sig: editors on Windows may add a BOM
    except FileNotFoundError:
        raise UsageError(f"{label}: no such {kind} ({hint})") from None
    except IsADirectoryError:
        raise UsageError(f"{label}: is a folder, not a {kind}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{label}: not a text file (TOML must be UTF-8)") from None
    except OSError as exc:
        raise UsageError(f"{label}: can't read it: {exc.strerror or exc}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(_describe_toml_error(label, text, exc)) from None


# --- checking -------------------------------------------------------------------------------------------

# Where a key is: its path from the top of the file; an element of an array of tables ([[case]]) is
# its index, so ("case", 2, "persona", "name") is the third case's persona's name.
KeyPath = tuple[str | int, ...]


def key_name(key_path: KeyPath) -> str:
    """A key as the user writes it in its table: the dotted path after the array element it is in."""
    ints = [i for i, part in enumerate(key_path) if isinstance(part, int)]
    return ".".join(str(part) for part in key_path[ints[-1] + 1 if ints else 0 :])


def table_name(where: KeyPath) -> str:
    """A table as its header writes it: [persona], [[case]]."""
    if where and isinstance(where[-1], int):
        return f"[[{key_name(where[:-1])}]]"
    return f"[{key_name(where)}]"


class FileChecker:
    """Checks the tables of one TOML file; every mistake is one ``UsageError`` naming file, line and key.

    Scenario files are checked whole (``check``); other files (test suites) check their own tables
    with ``settings`` and the same helpers, so a mistake reads the same wherever it is.
    """

    def __init__(self, label: str, text: str) -> None:
        self.label = label
        self.lines = _key_lines(text)

    def fail(self, key_path: KeyPath, message: str) -> UsageError:
        line = self.line_of(key_path)
        return UsageError(f"{self.label}:{line}: {message}" if line else f"{self.label}: {message}")

    def line_of(self, key_path: KeyPath) -> int | None:
        # A key inside an inline table (persona = { nmae = "x" }) has no line of its own: its
        # nearest enclosing key that has one is where the user will look.
        for end in range(len(key_path), 0, -1):
            line = self.lines.get(key_path[:end])
            if line is not None:
                return line
        return None

    def check(self, data: dict[str, Any]) -> CallSettings:
        self.reject_unknown(data, (*file_keys(), "persona"), ())
        return CallSettings(**self.settings(data, ()))

    def settings(self, table: dict[str, Any], where: KeyPath) -> dict[str, Any]:
        """The values of the scenario-file keys ``table`` (at ``where``) sets, checked; other keys in it
        are the caller's to check."""
        values: dict[str, Any] = {}
        for key, (kind, choices) in file_keys().items():
            if key not in table:
                continue
            value, path = table[key], (*where, key)
            value = self.whole_number(value, path) if kind is int else self.text(value, path)
            # The registries hold import paths, not backends: reading them imports no engine or voice.
            if choices is not None:
                self.one_of(value, choices, path)
            values[key] = value
        if "persona" in table:
            values["persona"] = self.persona(table["persona"], (*where, "persona"))
        return values

    def persona(self, table: Any, where: KeyPath = ("persona",)) -> Persona:
        if not isinstance(table, dict):
            raise self.fail(
                where, f"'{key_name(where)}' must be a table ([persona]), not {describe_kind(table)}"
            )
        self.reject_unknown(
            table, (*PERSONA_TEXT_KEYS, *PERSONA_NUMBER_KEYS, *PERSONA_TRAIT_KEYS, "numbers"), where
        )
        values: dict[str, Any] = {}
        for key in PERSONA_TEXT_KEYS:
            if key in table:
                values[key] = self.text(table[key], (*where, key))
        for key in PERSONA_NUMBER_KEYS:
            if key in table:
                values[key] = self.detail(table[key], (*where, key))
        for key in PERSONA_TRAIT_KEYS:
            if key in table:
                level = self.text(table[key], (*where, key))
                if level not in TRAIT_LEVELS:
                    raise self.fail(
                        (*where, key),
                        f"'{key_name((*where, key))}' must be {_or(TRAIT_LEVELS)}, not {level!r}",
                    )
                values[key] = level
        if "numbers" in table:
            numbers = table["numbers"]
            if not isinstance(numbers, dict):
                raise self.fail(
                    (*where, "numbers"),
                    f"'{key_name((*where, 'numbers'))}' must be a table ([persona.numbers]), "
                    f"not {describe_kind(numbers)}",
                )
            # Any name is allowed here (order, claim, card_last4, ...): the caller gives what it is asked.
            values["numbers"] = {
                name: self.detail(value, (*where, "numbers", name)) for name, value in numbers.items()
            }
        return Persona(**values)

    def reject_unknown(self, table: dict[str, Any], allowed: tuple[str, ...], where: KeyPath) -> None:
        for key in table:
            if key in allowed:
                continue
            place = f" in {table_name(where)}" if where else ""
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(allowed)}"
            raise self.fail((*where, key), f"unknown key '{key}'{place}{hint}")

    def text(self, value: Any, key_path: KeyPath) -> str:
        if not isinstance(value, str):
            raise self.fail(
                key_path, f"'{key_name(key_path)}' must be text in quotes, not {describe_kind(value)}"
            )
        return value

    def whole_number(self, value: Any, key_path: KeyPath) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                key_path, f"'{key_name(key_path)}' must be a whole number, not {describe_kind(value)}"
            )
        return value

    def one_of(self, value: Any, choices: tuple[str, ...], key_path: KeyPath) -> Any:
        if value not in choices:
            raise self.fail(key_path, f"'{key_name(key_path)}' must be one of {_or(choices)}, not {value!r}")
        return value

    def detail(self, value: Any, key_path: KeyPath) -> str:
        # Numbers are details the caller reads out; a bare TOML integer is taken as written (TOML
        # forbids leading zeros, so nothing is lost: 0042 must be quoted anyway).
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.text(value, key_path)


def describe_kind(value: Any) -> str:
    """What a TOML value is, for an error: "text ('abc')", "a whole number (5)", "a table"."""
    kinds: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (bool, "true/false"),
        (int, "a whole number"),
        (float, "a decimal number"),
        (str, "text"),
        (dict, "a table"),
        (list, "a list"),
    )
    for cls, name in kinds:
        if isinstance(value, cls):
            return f"{name} ({_short(value)})" if name != "a table" else name
    return f"a date/time ({value})"


def _short(value: Any) -> str:
    shown = "true" if value is True else "false" if value is False else repr(value)
    return shown if len(shown) <= 30 else shown[:27] + "..."


def _or(choices: tuple[str, ...] | list[str]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1]


# --- finding keys in the text ---------------------------------------------------------------------------

_KEY_PART = r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+'
_DOTTED_KEY = rf"(?:{_KEY_PART})(?:\s*\.\s*(?:{_KEY_PART}))*"
_HEADER = re.compile(rf"^\[\[?\s*({_DOTTED_KEY})\s*\]\]?")
_ASSIGNMENT = re.compile(rf"^({_DOTTED_KEY})\s*=\s*(.*)$")
_PART = re.compile(_KEY_PART)


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in _PART.finditer(dotted):
        part = match.group(0)
        if part[0] in "\"'":
            part = part[1:-1].encode().decode("unicode_escape") if part[0] == '"' else part[1:-1]
        parts.append(part)
    return tuple(parts)


def _key_lines(text: str) -> dict[KeyPath, int]:
    """The line where each key (as a path from the top: ("persona", "name")) is first written.

    Only valid TOML reaches this, so a light scan does: table headers set the current table, and an
    assignment at the start of a line names a key in it. Each ``[[case]]`` header starts the next
    element of that array, so its keys have paths of their own: ("case", 0, "id"), ("case", 1, "id").
    Lines inside multi-line strings are skipped, as they may look like assignments.
    """
    found: dict[KeyPath, int] = {}
    table: KeyPath = ()
    arrays: dict[KeyPath, int] = {}  # each array of tables, by its path: the index of its last element
    open_quote: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if open_quote is not None:
            if raw.count(open_quote) % 2 == 1:
                open_quote = None
            continue
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header:
            keys = _split_key(header.group(1))
            if line.startswith("[["):  # the next element of the array the header names
                array = (*_in_arrays(keys[:-1], arrays), keys[-1])
                arrays[array] = arrays.get(array, -1) + 1
                table = (*array, arrays[array])
            else:
                table = _in_arrays(keys, arrays)
            for end in range(1, len(table) + 1):
                found.setdefault(table[:end], number)
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment:
            key = table + _split_key(assignment.group(1))
            for end in range(len(table) + 1, len(key) + 1):
                found.setdefault(key[:end], number)
            value = assignment.group(2)
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) % 2 == 1:
                    open_quote = quote
    return found


def _in_arrays(keys: tuple[str, ...], arrays: dict[KeyPath, int]) -> KeyPath:
    """A header's path with the index of the current element after each array of tables it is in:
    ``[case.persona]`` after the third ``[[case]]`` is ("case", 2, "persona")."""
    path: KeyPath = ()
    for key in keys:
        path = (*path, key)
        if path in arrays:
            path = (*path, arrays[path])
    return path


def _describe_toml_error(label: str, text: str, exc: Exception) -> str:
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)
    column: int | None = getattr(exc, "colno", None)
    position = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if position:
        line, column = line or int(position.group(1)), column or int(position.group(2))
    message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)$", "", message)
    where = ""
    hint = ""
    if line is not None:
        lines = text.splitlines()
        source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        key = _ASSIGNMENT.match(source)
        if key:
            where = f" in '{'.'.join(_split_key(key.group(1)))}'"
            if message.lower().startswith("invalid value"):
                hint = "; text must be in quotes"
    column_note = f" (column {column})" if column is not None else ""
    prefix = f"{label}:{line}" if line is not None else label
    return f"{prefix}: not valid TOML{where}: {message}{column_note}{hint}"


# --- a file to start from -------------------------------------------------------------------------------

EXAMPLE = """\
# A callersim scenario: who the AI caller rings, what it wants, and who it is.
# Run it with:   callersim chat --file {name}
# Flags given on the command line override what this file says.

# The business being called, as the caller knows it.
description = "Tony's Pizzeria, a takeaway and delivery pizza place in Springfield"

# The caller's goal: what it is trying to get done on this call.
scenario = "order a large pepperoni pizza for delivery and pay by card"

# Optional settings (uncomment to use):
# engine = "auto"          # caller engine: auto (openai when configured, else offline), openai, offline
# model = "gpt-4o-mini"    # chat model for the openai engine
# base_url = "http://localhost:11434/v1"   # an OpenAI-compatible server (Ollama, vLLM, LM Studio...)
# seed = 42                # reproduces the invented details and the offline caller
# tts = "auto"             # voice: auto (elevenlabs with a key, else piper), elevenlabs, piper, none
# voice = "JBFqnCBsd6RMkjVDRZzb"   # ElevenLabs voice ID
# tts_model = "eleven_turbo_v2_5"  # ElevenLabs model

# Who the caller is: the details it gives when asked, exactly as written. Anything left out is
# invented for the call (the same each time with a seed). Remove the whole table to invent them all.
[persona]
name = "Jordan Parker"
phone = "312-555-0147"
address = "1428 Maple Street, Springfield, IL 62704"
# date_of_birth = "March 4, 1988"   # as the caller would say it
# email = "jordan.parker@example.com"
# account_number = "20481234"
patience = "medium"        # low: pushes to get things done; medium; high: waits and repeats calmly
talkativeness = "low"      # low: terse answers; medium; high: chatty, adds small talk

# Other numbers the caller may be asked for, by any short name. Quote them: "0042" keeps its zeros.
[persona.numbers]
zip = "62704"
card_last4 = "4417"
# order = "482913"
# confirmation = "KX4821"
# claim = "118204937"
# ssn_last4 = "0042"
"""


def example_path(name: str | None) -> Path:
    """``callersim.toml``, or ``NAME.toml`` (a name that ends in .toml is kept as it is)."""
    if not name:
        return Path("callersim.toml")
    return Path(name if name.endswith(".toml") else f"{name}.toml")


def write_example(path: Path) -> None:
    """Write the commented example to ``path``; never over an existing file. Raises ``UsageError``."""
    try:
        # "x": created only if absent, checked and created in one step, so nothing is ever overwritten.
        with open(path, "x", encoding="utf-8") as f:
            f.write(EXAMPLE.replace("{name}", str(path)))
    except FileExistsError:
        raise UsageError(f"{path} already exists; not overwriting it (choose another name)") from None
    except OSError as exc:
        raise UsageError(f"Can't write {path}: {exc.strerror or exc}") from None
