"""`callersim test` as CI runs it: many calls at once without cross-talk, reproducible seeds, a stable
--shard, --json, secrets kept out of everything written, and where results and call logs go."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import read_jsonl
from suite_helpers import case, command_bot, plain, results, run_test, toml_table, write_suite
from test_suite_run import example_suite
from typer.testing import CliRunner

from callersim_cli.cli import app


def test_calls_in_flight_together_never_hear_each_other(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cases = [
        f'[[case]]\nid = "c{n}"\nscenario = "ask whether my order has shipped"\n'
        f'data = {{ customer_id = "C-{n}" }}\n'
        f'expect = {{ bot_says = ["Customer C-{n},"] }}\n'
        for n in range(12)
    ]
    result = run_test(
        write_suite(tmp_path, command_bot("echo"), *cases, suite="concurrency = 8"), "--out", out
    )

    assert result.exit_code == 0, result.output
    for line in results(out):
        said = [e["text"] for e in read_jsonl(Path(line["call_log"])) if e["type"] == "operator"]
        n = line["case"][1:]
        assert said[0].startswith(f"Hello from call {line['case']}-1-") and f"customer C-{n}." in said[0]
        assert all(f"Customer C-{n}," in text for text in said[1:-1]), said
        caller = [e["text"] for e in read_jsonl(Path(line["call_log"])) if e["type"] == "caller"]
        assert all(text in " ".join(said) for text in caller[:-1])  # it heard its own caller, no other


def conversation(line: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (e["type"], e["text"])
        for e in read_jsonl(Path(line["call_log"]))
        if e["type"] in ("operator", "caller")
    ]


def test_the_same_seed_makes_the_same_calls_and_another_seed_other_callers(tmp_path: Path) -> None:
    suite = example_suite(tmp_path)
    runs = {}
    for name, args in (("first", []), ("again", []), ("other", ["--seed", "2"])):
        assert run_test(suite, "--out", tmp_path / name, *args).exit_code == 0
        runs[name] = {line["case"]: line for line in results(tmp_path / name)}

    for case_id, line in runs["first"].items():
        again, other = runs["again"][case_id], runs["other"][case_id]
        assert again["seed"] == line["seed"] != other["seed"]
        assert conversation(again) == conversation(line)
        context = read_jsonl(Path(line["call_log"]))[0]
        assert context["type"] == "context" and context["seed"] == line["seed"]


def test_a_runs_seed_brings_its_caller_back_in_chat(tmp_path: Path) -> None:
    """As the README says: `chat --seed` with a run's seed, business and goal is the same caller."""
    out = tmp_path / "out"
    assert run_test(example_suite(tmp_path), "--out", out, "--case", "pickup-cash").exit_code == 0
    [line] = results(out)
    context, *events = read_jsonl(Path(line["call_log"]))
    said = [e["text"] for e in events if e["type"] == "operator"][:3]
    chat_args = ["chat", "-d", context["description"], "-s", context["scenario"], "--seed", str(line["seed"])]
    chat = subprocess.run(
        [sys.executable, "-m", "callersim_cli", *chat_args, "--no-audio", "--no-log", "--no-judge"],
        input="\n".join(said) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    replies = [e["text"] for e in events if e["type"] == "caller"][1:3]  # the first was a key press
    assert chat.stdout.splitlines()[:3] == ["☎ presses 2", *replies]


def json_run(*args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run_test(*args, "--json")
    return result.exit_code, json.loads(result.stdout)


def test_shards_split_the_cases_the_same_way_every_time(tmp_path: Path) -> None:
    path = write_suite(tmp_path, command_bot("echo"), *(case(name) for name in "abcde"))

    shards = []
    for shard in ("1/2", "2/2", "1/2"):
        code, summary = json_run(path, "--out", tmp_path / shard.replace("/", "-"), "--shard", shard)
        assert code == 0 and summary["shard"] == shard
        shards.append([c["id"] for c in summary["cases"]])

    assert shards == [["a", "c", "e"], ["b", "d"], ["a", "c", "e"]]
    code, summary = json_run(path, "--out", tmp_path / "empty", "--shard", "6/6")  # more shards than cases
    assert code == 0 and summary["cases"] == []


def test_json_prints_one_summary(tmp_path: Path) -> None:
    out, junit = tmp_path / "out", tmp_path / "junit.xml"
    code, summary = json_run(example_suite(tmp_path, minutes="50"), "--out", out, "--junit", junit)

    assert code == 1
    assert summary["suite"] == "pizza-line" and summary["status"] == "fail" and summary["exit_code"] == 1
    assert (summary["passed"], summary["failed"], summary["errors"], summary["not_run"]) == (2, 1, 0, 0)
    assert summary["results"] == str(out / "results.jsonl") and summary["junit"] == str(junit)
    delivery = next(c for c in summary["cases"] if c["id"] == "delivery-card")
    assert delivery["status"] == "fail" and delivery["runs"] == 1 and delivery["passed"] == 0
    assert delivery["failures"] == [
        {"kind": "bot_says", "turn": None, "message": "the bot never said '35 minutes'"}
    ]
    assert Path(delivery["call_logs"][0]).is_file()


TOKEN = "tok-SECRET-8c2f1a"


def test_secrets_never_reach_output_results_junit_or_call_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    out, junit = tmp_path / "out", tmp_path / "junit.xml"
    bot = command_bot("secrets", env=toml_table({"BOT_TOKEN_SEEN": "${BOT_TOKEN}"}))
    path = write_suite(
        tmp_path, bot, case("leaky", bot_says=["your token is"]), case("fails", bot_says=["nope"])
    )

    result = run_test(path, "--out", out, "--junit", junit, "--json")

    assert result.exit_code == 1
    written = [result.stdout, result.stderr, junit.read_text()]
    written += [p.read_text() for p in out.rglob("*") if p.is_file()]
    assert len(written) == 6  # results.jsonl and the two call logs among them
    assert not any(TOKEN in text for text in written)
    log = read_jsonl(Path(results(out)[0]["call_log"]))
    notes = [(e["source"], e["message"]) for e in log if e["type"] == "bot_log"]
    assert notes == [("stderr", "token is [redacted]"), ("log", "using token [redacted]")]


def test_a_terminal_gets_a_table_of_the_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_test(example_suite(tmp_path), "--out", out, terminal=True)

    assert result.exit_code == 0
    screen = [line.split() for line in plain(result.stdout).splitlines()]
    assert ["case", "┃", "run", "┃", "turns", "┃", "status", "┃", "verdict"] in screen
    for line in results(out):
        verdict = {True: ["reached"], False: ["not", "reached"]}[line["goal_reached"]]
        assert [line["case"], "│", "1/1", "│", str(line["turns"]), "│", "pass", "│", *verdict] in screen
    assert "pizza-line: 3 cases, 3 passed, 0 failed, 0 errors" in plain(result.stdout)


def test_without_out_the_call_logs_are_kept_calls(tmp_path: Path) -> None:
    result = run_test(example_suite(tmp_path))

    assert result.exit_code == 0
    listed = json.loads(CliRunner().invoke(app, ["calls", "--json"]).stdout)
    assert sorted(row["goal"] for row in listed) == [
        "order a large pepperoni pizza for delivery and pay by card",
        "order a medium margherita pizza for pickup and pay cash",
        "speak to a person about a catering order for a party",
    ]
    runs = list(
        (tmp_path / "home" / ".local" / "share" / "callersim" / "runs").glob("*-pizza-line/results.jsonl")
    )
    assert len(runs) == 1 and len(runs[0].read_text().splitlines()) == 3
