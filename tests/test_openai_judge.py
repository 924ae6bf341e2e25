"""The openai judge against a loopback Chat Completions server, through the real SDK: one structured-output
request over the call's transcript, and every failure as one sentence."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_openai import FakeOpenAI, Script

from callersim_cli.conversation import Context, Message, system_prompt
from callersim_cli.engines import OpenAIOptions
from callersim_cli.errors import EngineError
from callersim_cli.judges.openai_judge import OpenAIJudge, parse_verdict, transcript_lines
from callersim_cli.openai_api import RetryPolicy

KEY = "sk-test-SECRET123"
CONTEXT = Context("Tony's Pizza, a takeaway pizza shop", "order a large margherita for pickup")
# A finished call, as the conversation keeps it.
CALL: list[Message] = [
    {"role": "system", "content": system_prompt(CONTEXT)},
    {"role": "user", "content": "Tony's Pizza, what can I get you?"},
    {"role": "assistant", "content": "Hi, a large margherita for pickup, please."},
    {"role": "user", "content": "One large margherita, ready in 20 minutes."},
    {"role": "assistant", "content": "Great, thanks. Bye! [hang up]"},
]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def judge(server: FakeOpenAI) -> Iterator[OpenAIJudge]:
    fast = RetryPolicy(attempts=3, backoff_s=0.01, max_wait_s=1.0)
    made = OpenAIJudge(OpenAIOptions(base_url=server.url, api_key=KEY, timeout_s=5.0), retry=fast)
    yield made
    made.close()


def test_verdict_parses_the_structured_output(server: FakeOpenAI, judge: OpenAIJudge) -> None:
    server.enqueue('{"goal_reached": true, "reason": "The caller ordered a large margherita\\n for pickup."}')

    assert judge.verdict(CONTEXT, CALL) == (
        True,
        "The caller ordered a large margherita for pickup.",
    )
    request = server.chat_requests[-1]
    assert not request.body.get("stream")
    assert request.body["model"] == "gpt-4o-mini"
    schema = request.body["response_format"]["json_schema"]["schema"]
    assert request.body["response_format"]["type"] == "json_schema"
    assert set(schema["required"]) == {"goal_reached", "reason"}
    assert schema["properties"]["goal_reached"] == {"type": "boolean"}
    instructions, transcript = request.messages
    assert instructions["role"] == "system" and CONTEXT.scenario in instructions["content"]
    assert transcript["content"].splitlines() == [
        "Transcript:",
        "Operator: Tony's Pizza, what can I get you?",
        "Caller: Hi, a large margherita for pickup, please.",
        "Operator: One large margherita, ready in 20 minutes.",
        "Caller: Great, thanks. Bye! [hang up]",
    ]
    assert system_prompt(CONTEXT) not in transcript["content"]


def test_verdict_from_a_server_that_wraps_the_json(server: FakeOpenAI, judge: OpenAIJudge) -> None:
    server.enqueue('Here it is:\n```json\n{"goal_reached": false, "reason": "No order was placed."}\n```')
    assert judge.verdict(CONTEXT, CALL) == (False, "No order was placed.")


@pytest.mark.parametrize(
    "reply",
    ["I think it went well.", '{"goal_reached": "yes", "reason": "ok"}', Script(no_choices=True)],
)
def test_verdict_in_another_format_is_an_engine_error(
    server: FakeOpenAI, judge: OpenAIJudge, reply: str | Script
) -> None:
    server.enqueue(reply)
    with pytest.raises(EngineError, match="did not return a verdict in the expected format"):
        judge.verdict(CONTEXT, CALL)


def test_verdict_refusal(server: FakeOpenAI, judge: OpenAIJudge) -> None:
    server.enqueue(Script(refusal="I can't help with that."))
    with pytest.raises(EngineError, match="declined to judge"):
        judge.verdict(CONTEXT, CALL)


def test_verdict_errors_are_translated_and_retried(server: FakeOpenAI, judge: OpenAIJudge) -> None:
    server.fail(429, times=1, retry_after=0.01)
    server.enqueue('{"goal_reached": true, "reason": "Ordered."}')
    assert judge.verdict(CONTEXT, CALL) == (True, "Ordered.")

    server.require_key = "sk-another"
    with pytest.raises(EngineError, match=r"rejected the key \(401\)") as caught:
        judge.verdict(CONTEXT, CALL)
    assert KEY not in str(caught.value)


def test_verdict_of_an_empty_call_sends_nothing(server: FakeOpenAI, judge: OpenAIJudge) -> None:
    reached, reason = judge.verdict(CONTEXT, [{"role": "system", "content": system_prompt(CONTEXT)}])
    assert (reached, reason) == (False, "Nothing was said on the call.")
    assert server.chat_requests == []


def test_transcript_and_verdict_helpers() -> None:
    messages = [
        {"role": "system", "content": "secret instructions"},
        {"role": "user", "content": "Hello,\n  caller"},
        {"role": "assistant", "content": "[press 2]"},
        {"role": "assistant", "content": "  "},
    ]
    assert transcript_lines(messages) == ["Operator: Hello, caller", "Caller: [press 2]"]
    assert parse_verdict('{"goal_reached": false, "reason": " Hung up. "}') == (False, "Hung up.")
    with pytest.raises(ValueError):
        parse_verdict("[]")
