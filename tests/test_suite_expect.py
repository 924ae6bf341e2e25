"""A case's expectations, each as the user reads it when missed; pass rates over repeated runs; criteria
judged by the openai judge (a loopback server through the real SDK)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import read_jsonl
from fake_openai import FakeOpenAI
from suite_helpers import case, command_bot, results, run_test, toml_table, write_suite


def failures(out: Path, case_id: str) -> list[dict[str, Any]]:
    return next(line["failures"] for line in results(out) if line["case"] == case_id)


def test_every_expectation_given_must_hold(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holds = case(
        "holds",
        bot_says=["how can I HELP"],  # case and spacing do not matter
        bot_never_says=["error"],
        max_turns=5,
        transfer=False,
        bot_events=[],
        first_reply_ms=5000,
    )
    missed = case(
        "missed",
        bot_says=["refund approved"],
        bot_never_says=["anything else"],
        max_turns=1,
        transfer=True,
        bot_events=["lookup_order"],
    )
    result = run_test(write_suite(tmp_path, command_bot("echo"), holds, missed), "--out", out)

    assert result.exit_code == 1
    assert failures(out, "holds") == []
    assert failures(out, "missed") == [
        {"kind": "bot_says", "turn": None, "message": "the bot never said 'refund approved'"},
        {
            "kind": "bot_never_says",
            "turn": 2,
            "message": "the bot said 'anything else': \"You said: Hi, I'm calling to ask whether my order "
            'has shipped.. Customer None, anything else?"',
        },
        {"kind": "max_turns", "turn": 2, "message": "the call took 2 caller turns, more than 1"},
        {"kind": "transfer", "turn": None, "message": "the bot never transferred the call"},
        {"kind": "bot_events", "turn": None, "message": "the bot never reported 'lookup_order'"},
    ]


def test_a_transfer_ends_the_call_and_is_checked_with_its_number(tmp_path: Path) -> None:
    out = tmp_path / "out"
    right = case("right", transfer="+15550100", bot_events=["escalate"])
    wrong = case("wrong", transfer="front-desk")
    result = run_test(write_suite(tmp_path, command_bot("transfer"), right, wrong), "--out", out)

    assert result.exit_code == 1
    assert failures(out, "right") == []
    assert failures(out, "wrong") == [
        {
            "kind": "transfer",
            "turn": 2,
            "message": "the bot transferred the call to '+15550100', not 'front-desk'",
        }
    ]
    log = read_jsonl(Path(results(out)[0]["call_log"]))
    assert [e["to"] for e in log if e["type"] == "transfer"] == ["+15550100"]
    assert [e["name"] for e in log if e["type"] == "bot_event"] == ["escalate"]
    end = next(e for e in log if e["type"] == "end")
    assert end["end_reason"] == "transferred to +15550100"


def test_a_slow_first_reply_misses_first_reply_ms(tmp_path: Path) -> None:
    out = tmp_path / "out"
    bot = command_bot("slow-greeting", env=toml_table({"GREETING_DELAY_S": "0.4"}))
    result = run_test(write_suite(tmp_path, bot, case("slow", first_reply_ms=100)), "--out", out)

    assert result.exit_code == 1
    [failure] = failures(out, "slow")
    assert failure["kind"] == "first_reply_ms" and failure["turn"] == 1
    took = int(failure["message"].split("after ")[1].split(" ms")[0])
    assert took >= 400 and failure["message"].endswith("ms, more than 100 ms")


def test_goal_reached_takes_the_judges_verdict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    # The offline judge takes the echo of the question for an answer: the goal was reached.
    result = run_test(
        write_suite(tmp_path, command_bot("echo"), case("goal", goal_reached=False)), "--out", out
    )

    assert result.exit_code == 1
    [failure] = failures(out, "goal")
    assert failure["kind"] == "goal_reached"
    assert failure["message"].startswith("the caller's goal was reached: The business confirmed it")
    assert results(out)[0]["goal_reached"] is True


@pytest.mark.parametrize(
    ("pass_rate", "code", "verdict"),
    [("0.6", 0, "2 of 3 runs passed (2 needed)"), ("1.0", 1, "2 of 3 runs passed (3 needed)")],
)
def test_a_case_run_several_times_passes_by_its_pass_rate(
    tmp_path: Path, pass_rate: str, code: int, verdict: str
) -> None:
    out, junit = tmp_path / "out", tmp_path / "junit.xml"
    path = write_suite(
        tmp_path,
        command_bot("flaky"),
        case("flaky", bot_never_says=["error"]),
        suite=f"pass_rate = {pass_rate}",
    )

    result = run_test(path, "--out", out, "--repeat", "3", "--junit", junit)

    assert result.exit_code == code
    assert sorted((line["attempt"], line["status"]) for line in results(out)) == [
        (1, "pass"), (2, "fail"), (3, "pass"),
    ]  # fmt: skip
    [testcase] = ET.parse(junit).getroot().iter("testcase")
    assert verdict in (testcase.findtext("system-out") or "")
    assert (testcase.find("failure") is None) == (code == 0)


# --- criteria, judged by a model ---------------------------------------------------------------------------


@pytest.fixture
def judge_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def judging(found: list[tuple[bool, str]]) -> Any:
    """The fake model's answers: the verdict, and the given findings for the criteria."""

    def reply(body: dict[str, Any]) -> str:
        name = body["response_format"]["json_schema"]["name"]
        if name == "call_criteria":
            return json.dumps({"results": [{"met": met, "reason": why} for met, why in found]})
        return json.dumps({"goal_reached": True, "reason": "The caller got its answer."})

    return reply


CRITERIA = ["The bot greeted the caller.", "The bot said when the order ships."]


def test_criteria_are_judged_by_the_openai_judge(tmp_path: Path, judge_server: FakeOpenAI) -> None:
    judge_server.reply_with(judging([(True, "It said hello."), (False, "It never gave a date.")]))
    out = tmp_path / "out"
    suite = f'engine = "offline"\njudge = "openai"\nbase_url = "{judge_server.url}"'
    path = write_suite(
        tmp_path, command_bot("echo"), case("ships", goal_reached=True, criteria=CRITERIA), suite=suite
    )

    result = run_test(path, "--out", out)

    assert result.exit_code == 1, result.output
    assert failures(out, "ships") == [
        {
            "kind": "criteria",
            "turn": None,
            "message": "'The bot said when the order ships.': It never gave a date.",
        }
    ]
    asked = next(r for r in judge_server.chat_requests if "call_criteria" in json.dumps(r.body))
    prompt = asked.messages[-1]["content"]
    assert "Operator: Hello from call ships-1-1" in prompt
    assert "1. The bot greeted the caller.\n2. The bot said when the order ships." in prompt


def test_criteria_need_a_judge_that_can_judge_them(tmp_path: Path) -> None:
    path = write_suite(tmp_path, command_bot("echo"), case("ships", criteria=CRITERIA))

    result = run_test(path, "--out", tmp_path / "out")

    line = path.read_text().splitlines().index("[[case]]") + 1
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{path}:{line}: case 'ships' has expect.criteria, which the offline judge can't judge: set judge = "
        '"openai" (OPENAI_API_KEY, or base_url for a local server)'
    )


def test_a_caller_engine_that_fails_is_an_error_run(tmp_path: Path, judge_server: FakeOpenAI) -> None:
    judge_server.fail(401, "Incorrect API key provided: sk-wrong.", times=10)
    out = tmp_path / "out"
    suite = f'engine = "openai"\nbase_url = "{judge_server.url}"'
    path = write_suite(tmp_path, command_bot("echo"), case("ships", goal_reached=True), suite=suite)

    result = run_test(path, "--out", out)

    assert result.exit_code == 3
    [failure] = failures(out, "ships")
    assert failure["kind"] == "engine" and failure["turn"] == 1
    assert "rejected the key (401)" in failure["message"] and "sk-wrong" not in failure["message"]
    assert len(judge_server.chat_requests) == 1  # the turn failed once; no judge was asked of a broken call
