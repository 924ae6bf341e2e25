"""Scenario files: what a file says reaches the call, flags win over it, and every mistake is one line
naming the file, the line and the key, before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import read_jsonl, run_cli
from typer.testing import CliRunner

from callersim_cli.cli import app
from callersim_cli.errors import UsageError
from callersim_cli.persona import Persona
from callersim_cli.scenario_file import load_scenario_file

FULL = """\
# Joe's, as the caller knows it
description = "Joe's Pizza, a takeaway in Springfield"
scenario = "order a large pepperoni pizza"
engine = "offline"
model = "gpt-4o-mini"
base_url = "http://localhost:11434/v1"
seed = 7
tts = "none"
voice = "JBFqnCBsd6RMkjVDRZzb"
tts_model = "eleven_turbo_v2_5"

[persona]
name = "Jordan Parker"
phone = "312-555-0147"
address = "1428 Maple Street, Springfield, IL 62704"
date_of_birth = "March 4, 1988"
email = "jordan@example.com"
account_number = 20481234
patience = "low"
talkativeness = "high"

[persona.numbers]
order = "004821"
card_last4 = "4417"
zip = 62704
"""


def write(tmp_path: Path, text: str, name: str = "pizza.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(UsageError) as info:
        load_scenario_file(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_a_full_file_gives_every_setting_and_the_persona(tmp_path: Path) -> None:
    spec = load_scenario_file(write(tmp_path, FULL))

    assert spec.description == "Joe's Pizza, a takeaway in Springfield"
    assert spec.scenario == "order a large pepperoni pizza"
    assert (spec.engine, spec.model, spec.base_url, spec.seed) == (
        "offline",
        "gpt-4o-mini",
        "http://localhost:11434/v1",
        7,
    )
    assert (spec.tts, spec.voice, spec.tts_model) == ("none", "JBFqnCBsd6RMkjVDRZzb", "eleven_turbo_v2_5")
    assert spec.persona == Persona(
        name="Jordan Parker",
        phone="312-555-0147",
        address="1428 Maple Street, Springfield, IL 62704",
        date_of_birth="March 4, 1988",
        email="jordan@example.com",
        account_number="20481234",  # a bare number is read out as written
        numbers={"order": "004821", "card_last4": "4417", "zip": "62704"},
        patience="low",
        talkativeness="high",
    )


def test_what_a_file_leaves_out_is_none(tmp_path: Path) -> None:
    spec = load_scenario_file(write(tmp_path, 'description = "A dentist"\n'))

    assert spec.description == "A dentist"
    assert spec.scenario is None and spec.seed is None and spec.engine is None and spec.persona is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'description = "x"\n\nscenaro = "y"\n',
            "pizza.toml:3: unknown key 'scenaro' (did you mean 'scenario'?)",
        ),
        (
            'description = "x"\n[persona]\nname = "Jo"\nnmae = "Jo"\n',
            "pizza.toml:4: unknown key 'nmae' in [persona] (did you mean 'name'?)",
        ),
        ('[personna]\nname = "Jo"\n', "pizza.toml:1: unknown key 'personna' (did you mean 'persona'?)"),
        (
            'description = "x"\npersona = { name = "Jo", patiense = "low" }\n',
            "pizza.toml:2: unknown key 'patiense' in [persona] (did you mean 'patience'?)",
        ),
        ('description = "x"\nseed = "42"\n', "pizza.toml:2: 'seed' must be a whole number, not text ('42')"),
        ("seed = true\n", "pizza.toml:1: 'seed' must be a whole number, not true/false (true)"),
        ("description = 5\n", "pizza.toml:1: 'description' must be text in quotes, not a whole number (5)"),
        # A name, address, birth date or email is words: a bare number is a slip, not "My name is 5."
        (
            "[persona]\nname = 5\n",
            "pizza.toml:2: 'persona.name' must be text in quotes, not a whole number (5)",
        ),
        (
            'description = "x"\npersona = { email = 42 }\n',
            "pizza.toml:2: 'persona.email' must be text in quotes, not a whole number (42)",
        ),
        (
            "[persona]\naddress = 1428\n",
            "pizza.toml:2: 'persona.address' must be text in quotes, not a whole number (1428)",
        ),
        (
            '[persona]\n\npatience = "very"\n',
            "pizza.toml:3: 'persona.patience' must be low, medium or high, not 'very'",
        ),
        (
            "[persona.numbers]\norder = 1.5\n",
            "pizza.toml:2: 'persona.numbers.order' must be text in quotes, not a decimal number (1.5)",
        ),
        ('persona = "Jordan"\n', "pizza.toml:1: 'persona' must be a table ([persona]), not text ('Jordan')"),
        (
            'engine = "gpt-4o"\n',
            "pizza.toml:1: 'engine' must be one of auto, openai or offline, not 'gpt-4o'",
        ),
        (
            'tts = "espeak"\n',
            "pizza.toml:1: 'tts' must be one of auto, elevenlabs, piper or none, not 'espeak'",
        ),
    ],
)
def test_each_mistake_is_one_line_with_the_line_and_the_key(tmp_path: Path, text: str, expected: str) -> None:
    message = error_of(write(tmp_path, text))

    assert message == f"{tmp_path}/{expected}"


def test_malformed_toml_names_the_line_and_the_key(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "# Joe's\ndescription = \"Joe's\"\nscenario = order a pizza\n"))

    assert message.startswith(f"{tmp_path / 'pizza.toml'}:3: not valid TOML in 'scenario': ")
    assert "quotes" in message


def test_a_key_inside_a_multiline_string_is_not_mistaken_for_one(tmp_path: Path) -> None:
    text = 'description = """\nseed = 1\nA pizza place\n"""\nengine = "gpt"\n'

    assert error_of(write(tmp_path, text)).startswith(f"{tmp_path / 'pizza.toml'}:5: 'engine' must be")


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    message = error_of(tmp_path / "nope.toml")

    assert message.startswith(f"{tmp_path / 'nope.toml'}: no such scenario file")


# --- init -----------------------------------------------------------------------------------------------


def test_init_writes_a_file_that_loads_and_documents_every_key() -> None:
    result = CliRunner().invoke(app, ["init"])

    assert result.exit_code == 0, result.output
    path = Path("callersim.toml")
    assert "callersim chat --file callersim.toml" in result.output
    spec = load_scenario_file(path)
    assert spec.description and spec.scenario and spec.persona is not None
    text = path.read_text()
    for key in (
        "description",
        "scenario",
        "engine",
        "model",
        "base_url",
        "seed",
        "tts",
        "voice",
        "tts_model",
        "[persona]",
        "name",
        "phone",
        "address",
        "date_of_birth",
        "email",
        "account_number",
        "patience",
        "talkativeness",
        "[persona.numbers]",
    ):
        assert key in text, key


def test_every_commented_out_setting_in_the_example_loads_too() -> None:
    assert CliRunner().invoke(app, ["init", "all"]).exit_code == 0
    lines = Path("all.toml").read_text().splitlines()
    # Uncomment every "# key = value" line: what the example offers must be valid as offered.
    uncommented = [
        line[2:] if line.startswith("# ") and " = " in line.split("#")[1] else line for line in lines
    ]
    Path("all.toml").write_text("\n".join(uncommented) + "\n")

    spec = load_scenario_file(Path("all.toml"))

    assert spec.engine == "auto" and spec.seed == 42 and spec.voice and spec.tts_model and spec.base_url
    assert (
        spec.persona is not None
        and spec.persona.date_of_birth
        and spec.persona.numbers["ssn_last4"] == "0042"
    )


def test_init_name_and_no_overwrite() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", "dentist"]).exit_code == 0
    Path("dentist.toml").write_text("# mine\n")

    result = runner.invoke(app, ["init", "dentist"])

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "dentist.toml already exists; not overwriting it (choose another name)"
    ]
    assert Path("dentist.toml").read_text() == "# mine\n"


# --- through the real entry point -----------------------------------------------------------------------

CALL = "Thanks for calling, how can I help?\nWhat's your name?\n"


def test_chat_takes_the_call_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    transcript = tmp_path / "call.jsonl"

    done = run_cli("chat", "--file", str(path), "--no-audio", "--transcript", str(transcript), input=CALL)

    assert done.returncode == 0, done.stderr
    context = read_jsonl(transcript)[0]
    assert context["description"] == "Joe's Pizza, a takeaway in Springfield"
    assert context["scenario"] == "order a large pepperoni pizza"
    assert context["engine"] == "offline"
    assert context["persona"]["name"] == "Jordan Parker"
    assert context["persona"]["order"] == "004821"
    assert "Jordan Parker" in done.stdout  # asked for its name, the caller gives the file's


def test_flags_override_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    transcript = tmp_path / "call.jsonl"

    done = run_cli(
        "chat",
        "--file",
        str(path),
        "--no-audio",
        "-d",
        "Springfield Dental",
        "--scenario",
        "book a cleaning",
        "--transcript",
        str(transcript),
        input=CALL,
    )

    assert done.returncode == 0, done.stderr
    context = read_jsonl(transcript)[0]
    assert (context["description"], context["scenario"]) == ("Springfield Dental", "book a cleaning")
    assert context["persona"]["name"] == "Jordan Parker"  # what no flag names still comes from the file


def test_chat_with_no_log_keeps_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)

    done = run_cli("chat", "--file", str(path), "--no-audio", "--no-log", input=CALL)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert not list(tmp_path.rglob("*.jsonl"))


def test_a_bad_file_stops_chat_before_it_starts(tmp_path: Path) -> None:
    path = write(tmp_path, 'description = "x"\nscenaro = "y"\n')

    done = run_cli("chat", "--file", str(path), "--no-audio", input=CALL)

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"{path}:2: unknown key 'scenaro' (did you mean 'scenario'?)"]
    assert not list(tmp_path.rglob("*.jsonl"))
