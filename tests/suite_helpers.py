"""Writing suite files around the test bots (``tests/bots/``) and running ``callersim test`` on them."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from callersim_cli.cli import app
from callersim_cli.environment import Environment

BOTS = Path(__file__).parent / "bots"
EXAMPLES = Path(__file__).parent.parent / "examples"


def command_bot(behaviour: str, **extra: str) -> str:
    """A [bot] table running ``tests/bots/scripted_bot.py BEHAVIOUR`` with this Python."""
    command = json.dumps([sys.executable, str(BOTS / "scripted_bot.py"), behaviour])
    lines = [f"command = {command}", *(f"{key} = {value}" for key, value in extra.items())]
    return "\n".join(lines)


def case(case_id: str, scenario: str = "ask whether my order has shipped", **expect: Any) -> str:
    """A [[case]] with these expectations (Python values, written as TOML)."""
    lines = ["[[case]]", f'id = "{case_id}"', f'scenario = "{scenario}"']
    if expect:
        lines.append("expect = { " + ", ".join(f"{k} = {_toml(v)}" for k, v in expect.items()) + " }")
    return "\n".join(lines) + "\n"


def toml_table(values: dict[str, str]) -> str:
    """An inline TOML table of texts (JSON's string escapes are TOML's)."""
    return "{ " + ", ".join(f"{key} = {json.dumps(value)}" for key, value in values.items()) + " }"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)  # strings, numbers and lists of strings read the same in TOML


def write_suite(folder: Path, bot: str, *cases: str, suite: str = "", name: str = "suite.toml") -> Path:
    defaults = '[defaults]\ndescription = "Acme, an online shop."\n'
    text = f'[suite]\nname = "t"\n{suite}\n\n[bot]\n{bot}\n\n{defaults}\n'
    path = folder / name
    path.write_text(text + "\n".join(cases), encoding="utf-8")
    return path


def run_test(*args: str | Path, terminal: bool = False) -> Any:
    """``callersim test ARGS`` in this process; ``terminal``: with stdout a person's screen."""
    obj = Environment(dict(os.environ), terminal=True) if terminal else None
    return CliRunner().invoke(app, ["test", *map(str, args)], obj=obj)


def results(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
