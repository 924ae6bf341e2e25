"""The openai engine, driven through the real SDK against the loopback server in ``fake_openai``.

Nothing of ours is patched: the engine is given the fake server's base URL and a fast retry policy, and
the tests assert what the server received and what the user would read.
"""

from __future__ import annotations

import gc
import inspect
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import openai
import pytest
from fake_openai import FakeOpenAI, Script

from callersim_cli.actions import HangUp, Press, Speech
from callersim_cli.conversation import Context, Conversation, system_prompt
from callersim_cli.engines import DEFAULT_OPENAI_MODEL, OpenAIOptions, create_engine
from callersim_cli.engines.openai_engine import OpenAIEngine
from callersim_cli.errors import EngineError, UsageError
from callersim_cli.openai_api import NO_KEY_PLACEHOLDER, OpenAIClient, RetryPolicy, lookup

KEY = "sk-test-SECRET123"
FAST = RetryPolicy(attempts=3, backoff_s=0.01, max_wait_s=1.0)
CONTEXT = Context("Tony's Pizza, a takeaway pizza shop", "order a large margherita for pickup")

EngineFactory = Callable[..., OpenAIEngine]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def make_engine(server: FakeOpenAI) -> Iterator[EngineFactory]:
    """Engines against the fake server (key, URL and fast retries unless told), closed after the test."""
    engines: list[OpenAIEngine] = []

    def make(retry: RetryPolicy = FAST, **fields: object) -> OpenAIEngine:
        options = {"base_url": server.url, "api_key": KEY, "timeout_s": 5.0, **fields}
        engine = OpenAIEngine(OpenAIOptions(**options), retry=retry)  # type: ignore[arg-type]
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()


def engine_error(engine: OpenAIEngine, *lines: str) -> str:
    """The message of the EngineError the last line raises, checked to be fit for the user."""
    conversation = Conversation(CONTEXT, engine)
    for line in lines[:-1]:
        conversation.say(line)
    with pytest.raises(EngineError) as caught:
        conversation.say(lines[-1])
    message = str(caught.value)
    assert KEY not in message and "SECRET" not in message
    assert "\n" not in message and "{" not in message  # one line, no raw body
    return message


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- what the SDK sends ---------------------------------------------------------------------------


def test_sends_model_system_prompt_whole_history_and_key(
    server: FakeOpenAI, make_engine: EngineFactory
) -> None:
    server.enqueue("Hi, I'd like to order a pizza.", "A large margherita, please.")
    conversation = Conversation(CONTEXT, make_engine())

    conversation.say("Tony's Pizza, how can I help?")
    conversation.say("What would you like?")

    first, second = server.chat_requests
    assert first.body["model"] == DEFAULT_OPENAI_MODEL == "gpt-4o-mini"
    assert first.body["stream"] is True
    assert first.bearer == KEY
    assert first.messages[0] == {"role": "system", "content": system_prompt(CONTEXT)}
    assert second.messages == [
        {"role": "system", "content": system_prompt(CONTEXT)},
        {"role": "user", "content": "Tony's Pizza, how can I help?"},
        {"role": "assistant", "content": "Hi, I'd like to order a pizza."},
        {"role": "user", "content": "What would you like?"},
    ]
    assert "seed" not in second.body


def test_model_and_seed_options_are_sent(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    engine = make_engine(model="llama3.2:3b", seed=7)
    assert engine.name == "openai" and engine.model == "llama3.2:3b"
    Conversation(CONTEXT, engine).say("Hello?")
    assert server.chat_requests[0].body["model"] == "llama3.2:3b"
    assert server.chat_requests[0].body["seed"] == 7


def test_engine_prepends_the_system_prompt_when_the_history_has_none(
    server: FakeOpenAI, make_engine: EngineFactory
) -> None:
    list(make_engine().stream(CONTEXT, [{"role": "user", "content": "Hello?"}]))
    assert server.chat_requests[0].messages == [
        {"role": "system", "content": system_prompt(CONTEXT)},
        {"role": "user", "content": "Hello?"},
    ]


def test_base_url_without_a_key_sends_a_placeholder(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    reply = Conversation(CONTEXT, make_engine(api_key=None)).say("Hello?")
    assert reply.text
    assert server.chat_requests[0].bearer == NO_KEY_PLACEHOLDER


def test_the_environment_is_not_read_for_key_or_url(
    server: FakeOpenAI, make_engine: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    Conversation(CONTEXT, make_engine()).say("Hello?")
    Conversation(CONTEXT, make_engine(api_key=None)).say("Hello?")
    assert [r.bearer for r in server.chat_requests] == [KEY, NO_KEY_PLACEHOLDER]


def test_openai_without_a_key_or_server_is_refused_before_any_request() -> None:
    with pytest.raises(UsageError) as caught:
        create_engine("openai", OpenAIOptions(api_key=None))
    assert str(caught.value) == "The openai engine needs OPENAI_API_KEY, or --base-url for a local server"


def test_importing_the_engine_module_does_not_import_openai() -> None:
    code = "import sys, callersim_cli.engines.openai_engine; print('openai' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- streaming ------------------------------------------------------------------------------------


def test_pieces_stream_in_order_and_actions_are_parsed(
    server: FakeOpenAI, make_engine: EngineFactory
) -> None:
    pieces = ["Sure, ", "I'll ", "pre", "ss one. [pre", "ss 1]", " Thanks, bye! [hang", " up]"]
    server.enqueue(Script(pieces=pieces))
    engine = make_engine()

    assert list(engine.stream(CONTEXT, [{"role": "user", "content": "Press 1 for orders."}])) == pieces

    server.enqueue(Script(pieces=pieces))
    turn = Conversation(CONTEXT, engine).send("Press 1 for orders.")
    events = list(turn)
    assert [e for e in events if not isinstance(e, Speech)] == [Press("1"), HangUp()]
    assert "".join(e.text for e in events if isinstance(e, Speech)) == "Sure, I'll press one.  Thanks, bye! "
    assert turn.reply is not None
    assert turn.reply.text == "Sure, I'll press one. Thanks, bye!"
    assert (turn.reply.dtmf, turn.reply.hangup) == ("1", True)
    assert turn.reply.raw == "Sure, I'll press one. [press 1] Thanks, bye! [hang up]"


def test_a_reply_cut_off_leaves_nothing_of_the_sdk_stream_for_the_collector(
    server: FakeOpenAI, make_engine: EngineFactory
) -> None:
    # A reply cut off by barge-in: what the SDK left behind would be finalized by the cyclic collector at
    # any later moment, and print "Exception ignored in ... Stream._iter_events" if that is mid-import.
    server.enqueue(Script(text="one two three four five six", token_delay_s=0.05))
    pieces = make_engine().stream(CONTEXT, [])
    assert next(pieces)
    gc.collect()
    gc.disable()
    try:
        pieces.close()
        del pieces
        live = [
            o
            for o in gc.get_objects()
            if inspect.isgenerator(o) and o.gi_frame is not None and o.gi_code.co_name == "_iter_events"
        ]
    finally:
        gc.enable()
    assert live == []


def test_pieces_arrive_as_they_are_sent_not_at_the_end(
    server: FakeOpenAI, make_engine: EngineFactory
) -> None:
    server.enqueue(Script(text="one two three four five six", token_delay_s=0.05))
    started = time.perf_counter()
    arrivals = [time.perf_counter() - started for _ in make_engine().stream(CONTEXT, [])]
    assert len(arrivals) == 6
    assert arrivals[0] < arrivals[-1] - 0.15  # the first piece came well before the last was sent


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (Script(no_choices=True, text="lost"), "sent an empty reply from gpt-4o-mini: send the line again"),
        (Script(text=""), "sent an empty reply"),
        (Script(text="", finish_reason="content_filter"), "content filter"),
    ],
)
def test_empty_replies_fail_the_turn_and_keep_the_history(
    server: FakeOpenAI, make_engine: EngineFactory, script: Script, expected: str
) -> None:
    conversation = Conversation(CONTEXT, make_engine())
    conversation.say("Hello?")
    before = list(conversation.messages)
    server.enqueue(script)
    with pytest.raises(EngineError, match=expected):
        conversation.say("Are you there?")
    assert conversation.messages == before


# --- errors: one sentence, no key -----------------------------------------------------------------


def test_bad_key(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.require_key = "sk-the-right-one"  # the fake's 401 echoes the key it was sent, as a trap
    message = engine_error(make_engine(), "Hello?")
    assert message == f"The server at {server.url} rejected the key (401): check OPENAI_API_KEY"
    assert len(server.chat_requests) == 1  # a bad key is not retried


def test_bad_key_wording_for_openai_itself() -> None:
    client = OpenAIClient(OpenAIOptions(api_key=KEY))  # what OpenAI itself answers, through the table
    request = httpx2.Request("POST", "https://api.openai.com/v1/chat/completions")
    error = openai.AuthenticationError(
        f"Incorrect API key provided: {KEY}", response=httpx2.Response(401, request=request), body=None
    )
    try:
        assert str(client.translate(error)) == "OpenAI rejected the key (401): check OPENAI_API_KEY"
        assert lookup(client.failure(error)).retry is False
    finally:
        client.close()


def test_unreachable_server_names_the_url(make_engine: EngineFactory) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    message = engine_error(make_engine(base_url=url), "Hello?")
    assert message == f"Can't reach {url} — is the server running?"


def test_credentials_in_the_base_url_are_not_shown(make_engine: EngineFactory) -> None:
    port = free_port()
    message = engine_error(make_engine(base_url=f"http://admin:SECRET99@127.0.0.1:{port}/v1"), "Hello?")
    assert message == f"Can't reach http://127.0.0.1:{port}/v1 — is the server running?"


def test_timeout_before_the_first_token(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.enqueue(Script(text="Too late.", ttft_s=3))
    started = time.perf_counter()
    message = engine_error(make_engine(timeout_s=0.3), "Hello?")
    assert "did not answer within 0.3 s" in message
    assert time.perf_counter() - started < 1.5  # timeouts are not retried: the user already waited
    assert len(server.chat_requests) == 1


def test_model_not_found_names_the_model(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.models = ["gpt-4o-mini"]
    message = engine_error(make_engine(model="gpt-nonexistent"), "Hello?")
    assert (
        message
        == f"The server at {server.url} has no model named 'gpt-nonexistent' (404): check the model name"
    )


def test_wrong_base_url_path_is_not_blamed_on_the_model(
    server: FakeOpenAI, make_engine: EngineFactory
) -> None:
    message = engine_error(make_engine(base_url=server.url.removesuffix("/v1")), "Hello?")
    assert "has no Chat Completions endpoint (404)" in message and "/v1" in message


def test_rate_limit_after_retries(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.fail(429, times=10)
    message = engine_error(make_engine(), "Hello?")
    assert "rate limiting requests (429) after 3 tries" in message
    assert len(server.chat_requests) == 3


def test_rate_limit_with_a_long_retry_after_is_reported_at_once(
    server: FakeOpenAI, make_engine: EngineFactory
) -> None:
    server.fail(429, retry_after=60, times=10)
    started = time.perf_counter()
    message = engine_error(make_engine(), "Hello?")
    assert "asks to wait 60 s" in message
    assert time.perf_counter() - started < 1
    assert len(server.chat_requests) == 1


def test_out_of_quota_is_not_retried(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.fail(429, "You exceeded your current quota.", code="insufficient_quota", type="insufficient_quota")
    message = engine_error(make_engine(), "Hello?")
    assert "no quota left (429)" in message
    assert len(server.chat_requests) == 1


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (500, None, "had a server error (500): send the line again in a moment"),
        (503, None, "had a server error (503)"),
        (
            400,
            "context_length_exceeded",
            "The call is too long for gpt-4o-mini (400): start a new call with /reset",
        ),
        (400, "unsupported_parameter", "refused the request (400, unsupported_parameter)"),
        (403, None, "refused access to gpt-4o-mini (403)"),
        (422, None, "refused the request (422)"),
    ],
)
def test_other_api_errors_give_the_status(
    server: FakeOpenAI, make_engine: EngineFactory, status: int, code: str | None, expected: str
) -> None:
    # The server's message carries the key: only our own words may reach the user.
    server.fail(status, f"Something about {KEY} and a body", code=code, times=10)
    assert expected in engine_error(make_engine(), "Hello?")


def test_disconnect_mid_stream(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.enqueue(Script(text="I would like to order a large pizza", disconnect_after=3))
    received: list[str] = []
    with pytest.raises(EngineError) as caught:
        received.extend(make_engine().stream(CONTEXT, []))
    assert received == ["I ", "would ", "like "]
    assert (
        str(caught.value) == f"The server at {server.url} cut the reply off mid-stream: send the line again"
    )
    assert (
        len(server.chat_requests) == 1
    )  # half a reply was already shown: not retried behind the user's back


def test_error_event_mid_stream(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.enqueue(Script(text="I would like", stream_error=f"upstream failed for {KEY}"))
    assert "reported an error mid-reply" in engine_error(make_engine(), "Hello?")


def test_silence_mid_stream(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.enqueue(Script(text="I would like", token_delay_s=2))
    assert "went silent mid-reply for 0.3 s" in engine_error(make_engine(timeout_s=0.3), "Hello?")


def test_a_stream_that_is_not_chat_completions(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.enqueue(Script(raw_sse="data: <html>Welcome to nginx</html>\n\n"))
    assert "not Chat Completions data: check the base URL" in engine_error(make_engine(), "Hello?")


# --- retries --------------------------------------------------------------------------------------


def test_rate_limit_then_success_is_retried_honouring_retry_after(
    server: FakeOpenAI, make_engine: EngineFactory
) -> None:
    server.fail(429, retry_after=0.3, times=2)
    server.enqueue("Hi, I'd like a pizza.")
    started = time.perf_counter()
    reply = Conversation(CONTEXT, make_engine()).say("Hello?")
    elapsed = time.perf_counter() - started
    assert reply.text == "Hi, I'd like a pizza."
    assert len(server.chat_requests) == 3
    assert 0.6 <= elapsed < 2.0  # waited the two 0.3 s the server asked for, not the SDK's backoff
    assert [r.headers.get("x-stainless-retry-count") for r in server.chat_requests] == ["0", "0", "0"]


def test_server_error_then_success_is_retried(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    server.fail(503, times=1)
    assert Conversation(CONTEXT, make_engine()).say("Hello?").text
    assert len(server.chat_requests) == 2


def test_default_retry_policy_is_bounded() -> None:
    policy = RetryPolicy()
    assert policy.wait_s(0, None) <= 0.5 and policy.wait_s(1, None) <= 1.0  # backoff, jittered down
    assert policy.wait_s(0, 5) == 5  # the server's word, when reasonable
    assert policy.wait_s(0, 500) == policy.max_wait_s  # (such a request is reported, not waited for)
    assert policy.max_wait_s * (policy.attempts - 1) <= 20  # the longest a turn can spend waiting


# --- the history after a failure ------------------------------------------------------------------


@pytest.mark.parametrize("failure", ["status", "disconnect"])
def test_a_failed_turn_leaves_the_history_and_the_line_can_be_sent_again(
    server: FakeOpenAI, make_engine: EngineFactory, failure: str
) -> None:
    server.enqueue("Hi, I'd like to order.")
    conversation = Conversation(CONTEXT, make_engine(retry=RetryPolicy(attempts=1)))
    conversation.say("Tony's Pizza?")
    before = list(conversation.messages)

    if failure == "status":
        server.fail(500)
    else:
        server.enqueue(Script(text="A large margherita please", disconnect_after=2))
    with pytest.raises(EngineError):
        conversation.say("What would you like?")
    assert conversation.messages == before
    assert len(conversation.exchanges) == 1

    server.enqueue("A large margherita, please.")
    reply = conversation.say("What would you like?")
    assert reply.text == "A large margherita, please."
    assert server.chat_requests[-1].messages == [*before, {"role": "user", "content": "What would you like?"}]


def test_ctrl_c_during_a_slow_turn(server: FakeOpenAI, make_engine: EngineFactory) -> None:
    conversation = Conversation(CONTEXT, make_engine())
    server.enqueue(Script(text="This takes a very long time.", ttft_s=5))
    interrupt = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.perf_counter()
    interrupt.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            conversation.say("Hello?")
    finally:
        interrupt.cancel()
    assert time.perf_counter() - started < 2
    assert conversation.messages == [{"role": "system", "content": system_prompt(CONTEXT)}]

    server.enqueue("Hi there.")
    assert conversation.say("Hello?").text == "Hi there."


# --- the fake server from a shell -----------------------------------------------------------------


def test_fake_server_runs_as_a_script(make_engine: EngineFactory) -> None:
    script = Path(__file__).with_name("fake_openai.py")
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--reply", "From a subprocess.", "--ttft", "0.01"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert Conversation(CONTEXT, make_engine(base_url=url)).say("Hello?").text == "From a subprocess."
    finally:
        process.terminate()
        process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()
