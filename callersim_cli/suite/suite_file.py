"""Suite files: a bot, how to reach it, and the cases its callers try, in TOML.

``[suite]`` says how the suite runs, ``[bot]`` how each call reaches the bot, ``[defaults]`` is merged
into every ``[[case]]``. A case holds the keys of a scenario file (description, scenario, persona,
engine, model, base_url, seed), checked by the same code, plus its id, tags, data and expectations.
Every mistake is one line naming the file, the line and the key, before any call is made.
``${NAME}`` in the bot's command, env, url and headers is taken from the environment, and its value
is kept out of everything written (it is usually a token).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callersim_cli.judges import JUDGES
from callersim_cli.scenario_file import (
    CallSettings,
    FileChecker,
    KeyPath,
    describe_kind,
    file_keys,
    key_name,
    read_toml,
)
from callersim_cli.suite.expect import EXPECTATIONS

# The judge may also be "none": no verdict, so no goal_reached to expect.
JUDGE_CHOICES = (*JUDGES.choices(), "none")
LINE_PROTOCOLS = ("jsonl", "lines")  # what a command bot speaks on its stdin and stdout
NO_AUDIO_KEYS = ("tts", "voice", "tts_model")  # scenario-file keys with no use here: nothing is played


@dataclass(frozen=True)
class Number:
    """A number a key takes: whole or not, and its bounds."""

    whole: bool
    least: float
    most: float | None = None
    above: bool = False  # ``least`` itself is not allowed

    def describe(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        bound = f"above {self.least:g}" if self.above else f"at least {self.least:g}"
        return f"{kind} {bound}" + (f" and at most {self.most:g}" if self.most is not None else "")

    def allows(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int if self.whole else (int, float)):
            return False
        low_ok = value > self.least if self.above else value >= self.least
        return low_ok and (self.most is None or value <= self.most)


SUITE_NUMBERS = {
    "concurrency": Number(whole=True, least=1),
    "repeat": Number(whole=True, least=1),
    "pass_rate": Number(whole=False, least=0, most=1),
    "max_turns": Number(whole=True, least=1),
    "turn_timeout_s": Number(whole=False, least=0, above=True),
}
SUITE_KEYS = ("name", *SUITE_NUMBERS, "judge", "engine", "model", "base_url", "seed")
CASE_KEYS = ("id", "tags", "data", "expect", "repeat", *file_keys(), "persona")
BOT_KEYS = ("command", "env", "protocol", "quiet_ms", "url", "headers")
MERGED_TABLES = ("persona", "data", "expect")  # a case's keys over the defaults', key by key
BOT_KEY_GOES_WITH = {"env": "command", "protocol": "command", "quiet_ms": "command", "headers": "url"}


@dataclass(frozen=True)
class BotSpec:
    """How every call reaches the bot: a process started fresh for the call, or an HTTP server."""

    transport: str  # a row of TRANSPORTS: "command" (JSON Lines), "lines" or "http"
    cwd: Path  # the suite file's folder: a command's relative paths are from there
    command: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    quiet_ms: int = 300  # lines: the bot's turn ends after this long without a line
    turn_timeout_s: float = 15.0
    secrets: tuple[str, ...] = ()  # the values ${NAME} brought in: never written anywhere


@dataclass(frozen=True)
class Case:
    id: str
    settings: CallSettings
    origin: str  # "suite.toml:12", where the case is written, for errors found later
    tags: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)
    repeat: int | None = None  # None: the suite's


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    bot: BotSpec
    cases: tuple[Case, ...]
    concurrency: int = 4
    repeat: int = 1
    pass_rate: float = 1.0
    max_turns: int = 30
    turn_timeout_s: float = 15.0
    seed: int = 1
    engine: str = "auto"
    judge: str = "auto"
    model: str | None = None
    base_url: str | None = None


def load_suite(path: Path, environ: Mapping[str, str]) -> Suite:
    """Read and check the suite at ``path``; ``${NAME}`` is taken from ``environ``. Raises ``UsageError``
    with one line: file, line, key and what is wrong."""
    text, data = read_toml(path, "suite file", "the README's 'callersim test' section has an example")
    return _SuiteChecker(str(path), text, environ).suite(Path(path), data)


_EXPANSION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _SuiteChecker(FileChecker):
    def __init__(self, label: str, text: str, environ: Mapping[str, str]) -> None:
        super().__init__(label, text)
        self.environ = environ
        self.secrets: list[str] = []

    def table(self, value: Any, where: KeyPath, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"'{key_name(where)}' must be a table, not {describe_kind(value)}")
        self.reject_unknown(value, allowed, where)
        return value

    def number(self, value: Any, key_path: KeyPath, rule: Number) -> Any:
        if not rule.allows(value):
            wanted = f"'{key_name(key_path)}' must be {rule.describe()}"
            raise self.fail(key_path, f"{wanted}, not {describe_kind(value)}")
        return value

    def texts(self, value: Any, key_path: KeyPath) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            wanted = f"'{key_name(key_path)}' must be a list of texts in quotes"
            raise self.fail(key_path, f"{wanted}, not {describe_kind(value)}")
        return tuple(value)

    def expand(self, value: Any, key_path: KeyPath) -> str:
        """``value`` with ``${NAME}`` replaced from the environment; each value brought in is a secret."""
        text = self.text(value, key_path)

        def replace(match: re.Match[str]) -> str:
            found = self.environ.get(match.group(1))
            if not found:
                name = f"${{{match.group(1)}}}"
                raise self.fail(key_path, f"'{key_name(key_path)}' uses {name}, which is not set")
            self.secrets.append(found)
            return found

        return _EXPANSION.sub(replace, text)

    # --- the tables ---------------------------------------------------------------------------------------

    def suite(self, path: Path, data: dict[str, Any]) -> Suite:
        self.reject_unknown(data, ("suite", "bot", "defaults", "case"), ())
        table = self.table(data.get("suite", {}), ("suite",), SUITE_KEYS)
        values: dict[str, Any] = {"name": self.text(table.get("name", path.stem), ("suite", "name"))}
        for key, rule in SUITE_NUMBERS.items():
            if key in table:
                values[key] = self.number(table[key], ("suite", key), rule)
        if "judge" in table:
            judge = self.text(table["judge"], ("suite", "judge"))
            values["judge"] = self.one_of(judge, JUDGE_CHOICES, ("suite", "judge"))
        values.update(self.settings(table, ("suite",)))
        if "bot" not in data:
            raise self.fail((), 'no [bot]: add command = [...] or url = "..." under [bot]')
        turn_timeout = float(values.get("turn_timeout_s", Suite.turn_timeout_s))
        bot = self.bot(self.table(data["bot"], ("bot",), BOT_KEYS), path.parent, turn_timeout)
        cases = self.cases(data, values.get("judge", "auto"))
        return Suite(path=path, bot=bot, cases=cases, **values)

    def bot(self, table: dict[str, Any], folder: Path, turn_timeout_s: float) -> BotSpec:
        where: KeyPath = ("bot",)
        given = [key for key in ("command", "url") if key in table]
        if len(given) != 1:
            problem = "both command and url" if given else "neither command nor url"
            raise self.fail(where, f"[bot] has {problem}: give a command started for each call, or a url")
        for key, goes_with in BOT_KEY_GOES_WITH.items():
            if key in table and goes_with not in table:
                raise self.fail((*where, key), f"'bot.{key}' goes with bot.{goes_with}")
        if "url" in table:
            url = self.expand(table["url"], (*where, "url")).rstrip("/")
            if not re.match(r"^https?://", url):
                raise self.fail((*where, "url"), "'bot.url' must start with http:// or https://")
            return BotSpec(
                "http",
                folder,
                url=url,
                headers=self.text_table(table.get("headers", {}), (*where, "headers")),
                turn_timeout_s=turn_timeout_s,
                secrets=tuple(self.secrets),
            )
        command = self.texts(table["command"], (*where, "command"))
        if not command:
            raise self.fail((*where, "command"), "'bot.command' is empty: give the program and its arguments")
        protocol = self.text(table.get("protocol", "jsonl"), (*where, "protocol"))
        self.one_of(protocol, LINE_PROTOCOLS, (*where, "protocol"))
        quiet = table.get("quiet_ms", BotSpec.quiet_ms)
        return BotSpec(
            "lines" if protocol == "lines" else "command",
            folder,
            command=tuple(self.expand(part, (*where, "command")) for part in command),
            env=self.text_table(table.get("env", {}), (*where, "env")),
            quiet_ms=self.number(quiet, (*where, "quiet_ms"), Number(whole=True, least=1)),
            turn_timeout_s=turn_timeout_s,
            secrets=tuple(self.secrets),
        )

    def text_table(self, value: Any, where: KeyPath) -> dict[str, str]:
        table = self.table(value, where, tuple(value) if isinstance(value, dict) else ())
        return {str(k): self.expand(v, (*where, k)) for k, v in table.items()}

    def cases(self, data: dict[str, Any], judge: str) -> tuple[Case, ...]:
        defaults = self.table(
            data.get("defaults", {}), ("defaults",), tuple(k for k in CASE_KEYS if k != "id")
        )
        self.case_values(defaults, ("defaults",), judge)  # checked where it is written
        listed = data.get("case", [])
        if not isinstance(listed, list) or not all(isinstance(c, dict) for c in listed):
            raise self.fail(("case",), "'case' must be tables, one [[case]] each")
        if not listed:
            raise self.fail((), "no cases: add a [[case]] with an id, a description and a scenario")
        cases: list[Case] = []
        seen: set[str] = set()
        for index, table in enumerate(listed):
            where: KeyPath = ("case", index)
            self.reject_unknown(table, CASE_KEYS, where)
            if "id" not in table:
                raise self.fail(where, 'a [[case]] needs an id, e.g. id = "delivery-card"')
            case_id = self.text(table["id"], (*where, "id")).strip()
            if not case_id or case_id in seen:
                why = "is empty" if not case_id else "is already the id of another case"
                raise self.fail((*where, "id"), f"case id {case_id!r} {why}")
            seen.add(case_id)
            self.case_values(table, where, judge)
            # Both parts are checked, so the merge is too; what is left is what only the merge shows.
            values = self.case_values(_merged(defaults, table), where, judge)
            if not (values["settings"].description or "").strip():
                hint = 'add description = "the business the caller rings" to it or to [defaults]'
                raise self.fail(where, f"case '{case_id}' has no description: {hint}")
            line = self.line_of(where)
            cases.append(Case(case_id, origin=f"{self.label}:{line}" if line else self.label, **values))
        return tuple(cases)

    def case_values(self, table: dict[str, Any], where: KeyPath, judge: str) -> dict[str, Any]:
        """The checked values of a case's keys (or of [defaults]) but its id."""
        for key in NO_AUDIO_KEYS:
            if key in table:
                raise self.fail(
                    (*where, key), f"'{key}' has no use in a test suite: callersim test plays no audio"
                )
        values: dict[str, Any] = {"settings": CallSettings(**self.settings(table, where))}
        if "tags" in table:
            values["tags"] = self.texts(table["tags"], (*where, "tags"))
        if "data" in table:
            values["data"] = self.table(
                table["data"],
                (*where, "data"),
                tuple(table["data"]) if isinstance(table["data"], dict) else (),
            )
        if "repeat" in table:
            values["repeat"] = self.number(table["repeat"], (*where, "repeat"), SUITE_NUMBERS["repeat"])
        if "expect" in table:
            values["expect"] = self.expectations(table["expect"], (*where, "expect"), judge)
        return values

    def expectations(self, value: Any, where: KeyPath, judge: str) -> dict[str, Any]:
        expect = self.table(value, where, tuple(EXPECTATIONS))
        for key, given in expect.items():
            rule = EXPECTATIONS[key]
            if not rule.takes(given):
                raise self.fail(
                    (*where, key), f"'expect.{key}' must be {rule.kind}, not {describe_kind(given)}"
                )
        if "goal_reached" in expect and judge == "none":
            problem = "'expect.goal_reached' needs a judge, and [suite] says judge = \"none\""
            raise self.fail((*where, "goal_reached"), problem)
        return expect


def _merged(defaults: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    merged = {**defaults, **case}
    for key in MERGED_TABLES:
        if isinstance(defaults.get(key), dict) and isinstance(case.get(key), dict):
            merged[key] = {**defaults[key], **case[key]}
    return merged
