"""Suite files: what they say reaches the runs, and every mistake is one line naming the file, the line
and the key, with exit code 2 before any call is made."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_helpers import run_test

from callersim_cli.errors import UsageError
from callersim_cli.persona import Persona
from callersim_cli.suite.suite_file import load_suite

GOOD = """\
[suite]
name = "pizza-line"
concurrency = 2
repeat = 3
pass_rate = 0.6
max_turns = 12
turn_timeout_s = 2.5
seed = 9
engine = "offline"
judge = "offline"

[bot]
command = ["python3", "bots/pizza.py", "--token", "${BOT_TOKEN}"]
env = { PIZZA_DB = "test.sqlite" }

[defaults]
description = "Pizza Palace: delivery and pickup."
persona = { name = "Jordan Reyes", patience = "low" }
expect = { max_turns = 10 }

[[case]]
id = "delivery"
scenario = "order a large pepperoni pizza for delivery"
persona = { phone = "312-555-0142" }
tags = ["smoke"]
data = { customer_id = "C-1001" }
expect = { goal_reached = true, bot_says = ["35 minutes"] }

[[case]]
id = "pickup"
description = "Pizza Palace, the Elm Street shop."
repeat = 1
seed = 4
"""


def write(folder: Path, text: str) -> Path:
    path = folder / "suite.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_suite_file_gives_its_settings_its_bot_and_its_cases_merged_with_the_defaults(
    tmp_path: Path,
) -> None:
    suite = load_suite(write(tmp_path, GOOD), {"BOT_TOKEN": "tok-123456789"})

    assert (suite.name, suite.concurrency, suite.repeat, suite.pass_rate) == ("pizza-line", 2, 3, 0.6)
    assert (suite.max_turns, suite.turn_timeout_s, suite.seed, suite.engine, suite.judge) == (
        12, 2.5, 9, "offline", "offline",
    )  # fmt: skip
    bot = suite.bot
    assert bot.transport == "command" and bot.cwd == tmp_path
    assert bot.command == ("python3", "bots/pizza.py", "--token", "tok-123456789")
    assert bot.env == {"PIZZA_DB": "test.sqlite"} and bot.secrets == ("tok-123456789",)
    assert bot.turn_timeout_s == 2.5
    delivery, pickup = suite.cases
    assert delivery.settings.description == "Pizza Palace: delivery and pickup."
    # Tables are merged key by key, the case's over the defaults'.
    assert delivery.settings.persona == Persona(name="Jordan Reyes", phone="312-555-0142", patience="low")
    assert delivery.expect == {"max_turns": 10, "goal_reached": True, "bot_says": ["35 minutes"]}
    assert (delivery.tags, delivery.data, delivery.repeat) == (("smoke",), {"customer_id": "C-1001"}, None)
    assert delivery.origin == f"{tmp_path / 'suite.toml'}:21"
    assert pickup.settings.description == "Pizza Palace, the Elm Street shop."
    assert (pickup.repeat, pickup.settings.seed, pickup.expect) == (1, 4, {"max_turns": 10})


def test_an_http_bot_takes_a_url_and_headers(tmp_path: Path) -> None:
    text = '[bot]\nurl = "http://127.0.0.1:8000/callersim/"\nheaders = { Authorization = "Bearer ${T}" }\n'
    text += '[[case]]\nid = "a"\ndescription = "A shop."\n'
    suite = load_suite(write(tmp_path, text), {"T": "secret-token-value"})

    assert suite.bot.transport == "http" and suite.bot.url == "http://127.0.0.1:8000/callersim"
    assert suite.bot.headers == {"Authorization": "Bearer secret-token-value"}
    assert suite.bot.secrets == ("secret-token-value",)
    assert suite.name == "suite" and suite.cases[0].settings.scenario is None  # the defaults


BOT = '[bot]\ncommand = ["bot"]\n'
CASE = '[[case]]\nid = "a"\ndescription = "A shop."\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[suit]\nname = 'x'\n" + BOT + CASE, "suite.toml:1: unknown key 'suit' (did you mean 'suite'?)"),
        (
            "[suite]\nname = 'x'\nconcurrency = 0\n" + BOT + CASE,
            "suite.toml:3: 'suite.concurrency' must be a whole number at least 1, not a whole number (0)",
        ),
        (
            "[suite]\npass_rate = 1.5\n" + BOT + CASE,
            "suite.toml:2: 'suite.pass_rate' must be a number at least 0 and at most 1, "
            "not a decimal number (1.5)",
        ),
        (
            "[suite]\nturn_timeout_s = 0\n" + BOT + CASE,
            "suite.toml:2: 'suite.turn_timeout_s' must be a number above 0, not a whole number (0)",
        ),
        (
            "[suite]\njudge = 'gpt'\n" + BOT + CASE,
            "suite.toml:2: 'suite.judge' must be one of auto, openai, offline or none, not 'gpt'",
        ),
        (
            "[suite]\nengine = 'offlne'\n" + BOT + CASE,
            "suite.toml:2: 'suite.engine' must be one of auto, openai or offline, not 'offlne'",
        ),
        (
            "[suite]\nseed = '1'\n" + BOT + CASE,
            "suite.toml:2: 'suite.seed' must be a whole number, not text ('1')",
        ),
        (CASE, 'suite.toml: no [bot]: add command = [...] or url = "..." under [bot]'),
        (
            '[bot]\ncommand = ["bot"]\nurl = "http://x"\n' + CASE,
            "suite.toml:1: [bot] has both command and url: give a command started for each call, or a url",
        ),
        (
            '[bot]\nenv = { A = "1" }\n' + CASE,
            "suite.toml:1: [bot] has neither command nor url: give a command started for each call, or a url",
        ),
        (
            '[bot]\ncommand = ["bot"]\nheaders = { A = "1" }\n' + CASE,
            "suite.toml:3: 'bot.headers' goes with bot.url",
        ),
        (
            "[bot]\ncommand = []\n" + CASE,
            "suite.toml:2: 'bot.command' is empty: give the program and its arguments",
        ),
        (
            "[bot]\ncommand = 'python3 bot.py'\n" + CASE,
            "suite.toml:2: 'bot.command' must be a list of texts in quotes, not text ('python3 bot.py')",
        ),
        (
            '[bot]\ncommand = ["bot"]\nprotocol = "xml"\n' + CASE,
            "suite.toml:3: 'bot.protocol' must be one of jsonl or lines, not 'xml'",
        ),
        ('[bot]\nurl = "ftp://x"\n' + CASE, "suite.toml:2: 'bot.url' must start with http:// or https://"),
        (
            '[bot]\nurl = "http://x"\nheaders = { Authorization = "Bearer ${NOT_SET}" }\n' + CASE,
            "suite.toml:3: 'bot.headers.Authorization' uses ${NOT_SET}, which is not set",
        ),
        (BOT, "suite.toml: no cases: add a [[case]] with an id, a description and a scenario"),
        (
            BOT + '[[case]]\ndescription = "A shop."\n',
            'suite.toml:3: a [[case]] needs an id, e.g. id = "delivery-card"',
        ),
        (BOT + CASE + CASE, "suite.toml:7: case id 'a' is already the id of another case"),
        (
            BOT + '[[case]]\nid = "a"\n',
            "suite.toml:3: case 'a' has no description: add description = \"the "
            'business the caller rings" to it or to [defaults]',
        ),
        (
            BOT + CASE + "expct = {}\n",
            "suite.toml:6: unknown key 'expct' in [[case]] (did you mean 'expect'?)",
        ),
        (
            BOT + CASE + "expect = { bot_say = ['x'] }\n",
            "suite.toml:6: unknown key 'bot_say' in [expect] (did you mean 'bot_says'?)",
        ),
        (
            BOT + CASE + "expect = { bot_says = '35 minutes' }\n",
            "suite.toml:6: 'expect.bot_says' must be a list of texts in quotes, not text ('35 minutes')",
        ),
        (
            BOT + CASE + "expect = { transfer = 1 }\n",
            "suite.toml:6: 'expect.transfer' must be true, false or where to, not a whole number (1)",
        ),
        (
            "[suite]\njudge = 'none'\n" + BOT + CASE + "expect = { goal_reached = true }\n",
            "suite.toml:8: 'expect.goal_reached' needs a judge, and [suite] says judge = \"none\"",
        ),
        (
            BOT + CASE + "tags = 'smoke'\n",
            "suite.toml:6: 'tags' must be a list of texts in quotes, not text ('smoke')",
        ),
        (
            BOT + CASE + "tts = 'piper'\n",
            "suite.toml:6: 'tts' has no use in a test suite: callersim test plays no audio",
        ),
        (
            BOT + CASE + "\n[case.persona]\nname = 5\n",
            "suite.toml:8: 'persona.name' must be text in quotes, not a whole number (5)",
        ),
        # The third case's mistake is on its own line, not the first case's.
        (
            BOT + CASE + CASE.replace('"a"', '"b"') + CASE.replace('"a"', '"c"') + "repeat = 0\n",
            "suite.toml:12: 'repeat' must be a whole number at least 1, not a whole number (0)",
        ),
        # A mistake in [defaults] is shown there, whichever case it reaches.
        (
            BOT + "[defaults]\nrepeat = 0\n" + CASE,
            "suite.toml:4: 'defaults.repeat' must be a whole number at least 1, not a whole number (0)",
        ),
        ("[bot\n", "suite.toml:1: not valid TOML: Expected ']' at the end of a table declaration (column 5)"),
    ],
)
def test_each_mistake_is_one_line_with_the_line_and_the_key(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(UsageError) as info:
        load_suite(write(tmp_path, text), {})

    assert str(info.value) == f"{tmp_path}/{expected}"


def test_a_bad_suite_file_is_exit_2_with_one_line_and_no_call(tmp_path: Path) -> None:
    path = write(tmp_path, BOT + CASE + "expect = { bot_says = '35 minutes' }\n")

    result = run_test(path, "--out", tmp_path / "out")

    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{path}:6: 'expect.bot_says' must be a list of texts in quotes, not text ('35 minutes')"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--shard", "3/2"], "--shard 3/2: give I/N with 1 <= I <= N, e.g. --shard 2/4"),
        (["--shard", "x"], "--shard x: give I/N with 1 <= I <= N, e.g. --shard 2/4"),
        (["--case", "b"], "--case b: no such case in {path} (its cases: a)"),
        (["--tag", "nightly"], "--tag nightly: no case to run has that tag"),
        (
            ["--engine", "openai"],
            "{path}:3: case 'a': The openai engine needs OPENAI_API_KEY, or --base-url for a local server",
        ),
        (["--judge", "none"], "{path}:3: case 'a' expects goal_reached, which needs a judge (not none)"),
        (["--no-such-flag"], None),
        ([], "{tmp}/missing.toml: no such suite file (the README's 'callersim test' section has an example)"),
    ],
)
def test_a_bad_command_line_is_exit_2(tmp_path: Path, args: list[str], expected: str | None) -> None:
    path = write(tmp_path, BOT + CASE + "expect = { goal_reached = true }\n")
    target = tmp_path / "missing.toml" if not args else path

    result = run_test(target, *args)

    assert result.exit_code == 2
    if expected is not None:
        assert result.stderr.strip() == expected.format(path=path, tmp=tmp_path)
