"""`callersim test` against real bots (processes and HTTP servers): each transport, and each way a run can
end — a pass, a missed expectation, a bot that would not start, crashed, went silent or broke the
protocol, Ctrl-C — as the user sees it: exit code, results.jsonl, JUnit and the call log."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_helpers import read_jsonl
from suite_helpers import BOTS, EXAMPLES, case, command_bot, results, run_test, toml_table, write_suite

from callersim_cli.records import KeptCall


def example_suite(folder: Path, minutes: str = "35") -> Path:
    """The shipped example suite, copied out with its bot's path made whole (and a delivery time)."""
    text = (EXAMPLES / "pizza-suite.toml").read_text()
    text = text.replace(
        '["python3", "pizza_bot.py"]', json.dumps([sys.executable, str(EXAMPLES / "pizza_bot.py")])
    )
    text = text.replace('PIZZA_DELIVERY_MINUTES = "35"', f'PIZZA_DELIVERY_MINUTES = "{minutes}"')
    path = folder / "pizza-suite.toml"
    path.write_text(text)
    return path


def test_the_example_suite_passes_and_keeps_ordinary_call_logs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_test(example_suite(tmp_path), "--out", out)

    assert result.exit_code == 0, result.output
    lines = results(out)
    assert {line["case"]: line["status"] for line in lines} == {
        "delivery-card": "pass",
        "pickup-cash": "pass",
        "wants-a-person": "pass",
    }
    assert all(line["failures"] == [] and line["turns"] > 0 and line["attempt"] == 1 for line in lines)
    assert "3 cases, 3 passed, 0 failed, 0 errors" in result.stderr
    # Each run's call log is an ordinary kept call: `callersim calls` and `show` read it.
    delivery = KeptCall.load(Path(next(r["call_log"] for r in lines if r["case"] == "delivery-card")))
    assert delivery.verdict is True
    said = [e["text"] for e in delivery.events if e["type"] == "operator"]
    assert said[0].startswith("Thank you for calling Pizza Palace!")
    assert said[-1] == "Thanks for ordering from Pizza Palace. Goodbye!"
    assert [e["name"] for e in delivery.events if e["type"] == "bot_event"] == ["place_order"]
    assert delivery.events[-1]["type"] == "result" and delivery.events[-1]["status"] == "pass"
    listed = subprocess.run(
        [sys.executable, "-m", "callersim_cli", "calls"],
        env={**os.environ, "CALLERSIM_HOME": str(out)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(listed.stdout.splitlines()) == 3 and "delivery-card-1" in listed.stdout


def test_a_broken_bot_shows_which_case_failed_and_why_everywhere(tmp_path: Path) -> None:
    out, junit = tmp_path / "out", tmp_path / "junit.xml"
    result = run_test(example_suite(tmp_path, minutes="50"), "--out", out, "--junit", junit)

    assert result.exit_code == 1
    why = "bot_says: the bot never said '35 minutes'"
    assert "fail  delivery-card" in result.stderr and why in result.stderr
    assert "pass  pickup-cash" in result.stderr
    [failed] = [line for line in results(out) if line["status"] != "pass"]
    assert failed["case"] == "delivery-card"
    assert failed["failures"] == [
        {"kind": "bot_says", "turn": None, "message": "the bot never said '35 minutes'"}
    ]
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert set(cases) == {"delivery-card", "pickup-cash", "wants-a-person"}
    failure = cases["delivery-card"].find("failure")
    assert failure is not None and failure.get("type") == "bot_says" and why in (failure.get("message") or "")
    conversation = cases["delivery-card"].findtext("system-out") or ""
    assert (
        "business › Your order is placed, it will be there in about 50 minutes. Anything else?"
        in conversation
    )
    assert cases["pickup-cash"].find("failure") is None and cases["pickup-cash"].find("error") is None
    shown = subprocess.run(
        [sys.executable, "-m", "callersim_cli", "show", failed["call_log"]], capture_output=True, text=True
    )
    assert f"test delivery-card, run 1: fail: {why}" in shown.stdout


def one_case_run(tmp_path: Path, behaviour: str, *args: str, suite: str = "", **bot: str) -> tuple[int, dict]:
    out = tmp_path / "out"
    path = write_suite(tmp_path, command_bot(behaviour, **bot), case("shipping"), suite=suite)
    result = run_test(path, "--out", out, *args)
    [line] = results(out)
    return result.exit_code, line


@pytest.mark.parametrize(
    ("behaviour", "kind", "says"),
    [
        ("crash", "bot_crash", ["exited with code 1", "ZeroDivisionError: division by zero"]),
        ("crash-at-start", "bot_crash", ["exited with code 3", "cannot open the menu database"]),
        ("not-json", "protocol", ["line 3 of the bot's output is not JSON: 'Sure! One moment please.'"]),
    ],
)
def test_a_run_that_cannot_complete_is_an_error_exit_3(
    tmp_path: Path, behaviour: str, kind: str, says: list[str]
) -> None:
    junit = tmp_path / "junit.xml"
    code, line = one_case_run(tmp_path, behaviour, "--junit", str(junit))

    assert code == 3
    assert line["status"] == "error" and [f["kind"] for f in line["failures"]] == [kind]
    assert all(part in line["failures"][0]["message"] for part in says)
    error = next(ET.parse(junit).getroot().iter("testcase")).find("error")
    assert error is not None and error.get("type") == kind
    events = read_jsonl(Path(line["call_log"]))
    assert any(e["type"] == "error" and kind in e["message"] for e in events)
    assert events[-2]["type"] == "end" and events[-2]["end_reason"] == f"error: {kind}"


def test_the_bots_stderr_is_kept_in_the_call_log(tmp_path: Path) -> None:
    _, line = one_case_run(tmp_path, "crash")

    notes = [e for e in read_jsonl(Path(line["call_log"])) if e["type"] == "bot_log"]
    assert [n["message"] for n in notes if n["source"] == "stderr"] == [
        "Traceback (most recent call last):",
        "ZeroDivisionError: division by zero",
    ]


def test_a_silent_bot_fails_as_a_timeout_and_never_hangs(tmp_path: Path) -> None:
    started = time.monotonic()
    code, line = one_case_run(tmp_path, "silent", suite="turn_timeout_s = 0.5")

    assert code == 3
    assert line["failures"][0]["kind"] == "bot_timeout"
    assert "silent for 0.5 s after callersim's caller event" in line["failures"][0]["message"]
    assert time.monotonic() - started < 10  # the bot sleeps 60 s: it was stopped, not waited for


@pytest.mark.parametrize(
    ("bot", "says"),
    [
        ('command = ["no-such-bot-program"]', "can't start the bot: no program 'no-such-bot-program'"),
        ('url = "http://127.0.0.1:9/callersim"', "can't reach the bot at http://127.0.0.1:9/callersim"),
    ],
)
def test_a_bot_that_is_not_there_would_not_start(tmp_path: Path, bot: str, says: str) -> None:
    out = tmp_path / "out"

    result = run_test(write_suite(tmp_path, bot, case("shipping")), "--out", out)

    assert result.exit_code == 3
    [failure] = results(out)[0]["failures"]
    assert failure["kind"] == "bot_start" and failure["message"].startswith(says)


def test_a_call_that_never_ends_is_cut_at_max_turns(tmp_path: Path) -> None:
    code, line = one_case_run(tmp_path, "hold", suite="max_turns = 3")

    assert code == 1
    assert line["turns"] == 3
    assert line["failures"] == [
        {"kind": "cut", "turn": None, "message": "the call was cut after 3 caller turns (max_turns)"}
    ]


def test_the_lines_protocol_for_the_smallest_bots(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = json.dumps([sys.executable, str(BOTS / "lines_bot.py")])
    bot = f'command = {command}\nprotocol = "lines"\nquiet_ms = 150'
    path = write_suite(
        tmp_path, bot, case("hours", "find out the library's opening hours", bot_says=["nine to five"])
    )

    result = run_test(path, "--out", out)

    assert result.exit_code == 0, result.output
    events = read_jsonl(Path(results(out)[0]["call_log"]))
    said = [e["text"] for e in events if e["type"] == "operator"]
    # Two lines printed together are one turn; the caller's key press reached the bot as "[press 1]".
    assert said[0] == "Thanks for calling the library. For opening hours, press 1. To renew a book, press 2."
    assert said[1].startswith("We are open nine to five")


def test_what_the_bot_hears_follows_its_listen(tmp_path: Path) -> None:
    """A keys-only gather of 4 digits hears the caller's PIN as one entry and none of its words; the
    start event carries the case, its data and the caller's number; the caller's hang-up is sent."""
    out, record = tmp_path / "out", tmp_path / "heard.jsonl"
    gather = {"type": "listen", "input": "dtmf", "num_digits": 4}
    env = {
        "RECORD_TO": str(record),
        "GREETING": "Please enter your 4-digit PIN.",
        "LISTEN": json.dumps(gather),
        "ANSWER": "Your balance is 20 dollars. Goodbye!",
    }
    balance = (
        '[[case]]\nid = "balance"\nscenario = "check my balance"\ndata = { customer_id = "C-7" }\n'
        'persona = { phone = "312-555-0199", numbers = { pin = "4417" } }\n'
    )
    path = write_suite(tmp_path, command_bot("record", env=toml_table(env)), balance)

    result = run_test(path, "--out", out)

    assert result.exit_code == 0, result.output
    heard = read_jsonl(record)
    start = heard[0]
    assert start["type"] == "start" and start["case"] == "balance" and start["data"] == {"customer_id": "C-7"}
    assert start["from"] == "312-555-0199" and start["protocol"] == 1 and start["call_id"]
    assert heard[1] == {"type": "dtmf", "digits": "4417"}
    assert heard[-1] == {"type": "hangup", "by": "caller"}


# --- Ctrl-C -----------------------------------------------------------------------------------------------


def test_ctrl_c_stops_every_call_and_exits_130(tmp_path: Path) -> None:
    out, pids = tmp_path / "out", tmp_path / "pids"
    path = write_suite(
        tmp_path, command_bot("silent"), case("a"), case("b"), case("c"), suite="concurrency = 2"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "callersim_cli", "test", str(path), "--out", str(out)],
        env={**os.environ, "PID_FILE": str(pids)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(pids.read_text().split() if pids.exists() else []) < 2:
        time.sleep(0.05)
    time.sleep(0.2)  # both bots have greeted, and the calls wait on their silence
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)

    assert process.returncode == 130, stderr
    for pid in map(int, pids.read_text().split()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    lines = results(out)
    assert len(lines) == 2  # the third case never started
    assert all(line["failures"][0]["kind"] == "interrupted" for line in lines)
    assert "interrupted after" in stderr
