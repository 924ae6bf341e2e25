"""A real phone call by ElevenLabs' agent through Twilio: `POST /api/call` and `callersim call`, both
through the real SDK against the loopback stand-in of ElevenLabs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cli_helpers import run_cli
from fake_elevenlabs import OUTBOUND_CALL_PATH, FakeElevenLabs, RecordedRequest
from serve_helpers import PIZZA, serving

from callersim_cli.conversation import ORIGINAL_PROMPT

E164 = "Phone number must be in E.164 format, for example +15551234567."
KEY = "xi-test-phone-key-1234567890"


@pytest.fixture
def eleven() -> Iterator[FakeElevenLabs]:
    with FakeElevenLabs(api_key=KEY) as server:
        yield server


def placed_call(server: FakeElevenLabs) -> RecordedRequest:
    """The last outbound-call request: the voice may make requests of its own at any time."""
    return [r for r in server.requests if r.path == OUTBOUND_CALL_PATH][-1]


def settings(server: FakeElevenLabs | None) -> dict[str, str]:
    return {
        "ELEVENLABS_API_KEY": KEY,
        "ELEVENLABS_BASE_URL": server.base_url if server else "http://127.0.0.1:9",  # 9: nothing listens
        "ELEVENLABS_AGENT_ID": "agent_123",
        "ELEVENLABS_AGENT_PHONE_NUMBER_ID": "phnum_456",
    }


def test_the_call_is_placed_with_the_callers_prompt_and_first_message(eleven: FakeElevenLabs) -> None:
    with serving(settings(eleven)) as client:
        body = {
            "to_number": "+15551234567",
            "business_description": PIZZA["description"],
            "scenario": "order a pizza",
        }
        placed = client.post("/api/call", json=body)
        assert placed.status_code == 200
        answer = placed.json()
        assert answer["ok"] is True and answer["conversation_id"] and answer["call_sid"].startswith("CA")
    sent = placed_call(eleven)
    assert sent.path == OUTBOUND_CALL_PATH and sent.headers["xi-api-key"] == KEY
    assert (sent.body["agent_id"], sent.body["agent_phone_number_id"]) == ("agent_123", "phnum_456")
    assert sent.body["to_number"] == "+15551234567"
    agent = sent.body["conversation_initiation_client_data"]["conversation_config_override"]["agent"]
    assert agent["first_message"] == "Hi, I'm calling because I'd like to order a pizza."
    assert agent["prompt"]["prompt"] == ORIGINAL_PROMPT.format(
        description=PIZZA["description"], scenario="order a pizza"
    )
    assert KEY not in placed.text


def test_the_call_takes_the_business_and_goal_of_the_call_on_when_not_given(eleven: FakeElevenLabs) -> None:
    with serving(settings(eleven)) as client:
        missing = client.post("/api/call", json={"to_number": "+15551234567"})
        assert (missing.status_code, missing.json()) == (400, {"error": "No description provided"})
        client.post("/api/context", json=PIZZA)
        assert client.post("/api/call", json={"to_number": "+15551234567"}).status_code == 200
    agent = placed_call(eleven).body["conversation_initiation_client_data"]["conversation_config_override"][
        "agent"
    ]
    assert agent["first_message"] == "Hi, I'm calling because I'd like to order a large pepperoni pizza."


@pytest.mark.parametrize(
    "number", ["5551234567", "+0551234567", "+1 555 123 4567", "", None, 15551234567, "+1555123456789012"]
)
def test_a_number_not_in_e164_is_refused(eleven: FakeElevenLabs, number: object) -> None:
    with serving(settings(eleven)) as client:
        refused = client.post("/api/call", json={"to_number": number, "business_description": "A bank."})
        assert (refused.status_code, refused.json()) == (400, {"error": E164})
    assert not eleven.requests


def test_missing_settings_are_a_500_naming_them(eleven: FakeElevenLabs) -> None:
    with serving({"ELEVENLABS_API_KEY": KEY}) as client:
        refused = client.post(
            "/api/call", json={"to_number": "+15551234567", "business_description": "A bank."}
        )
    assert refused.status_code == 500
    error = refused.json()["error"]
    assert "ELEVENLABS_AGENT_ID" in error and "ELEVENLABS_AGENT_PHONE_NUMBER_ID" in error
    assert "ELEVENLABS_API_KEY" not in error and KEY not in error


@pytest.mark.parametrize("failure", ["bad_key", "server_error", "quota"])
def test_an_elevenlabs_failure_is_a_502(eleven: FakeElevenLabs, failure: str) -> None:
    eleven.fail_next(failure)
    with serving(settings(eleven)) as client:
        failed = client.post(
            "/api/call", json={"to_number": "+15551234567", "business_description": "A bank."}
        )
    assert failed.status_code == 502
    assert failed.json()["error"].startswith("ElevenLabs did not place the call (HTTP ")
    assert KEY not in failed.text


def test_unreachable_elevenlabs_is_a_502() -> None:
    with serving(settings(None)) as client:
        failed = client.post(
            "/api/call", json={"to_number": "+15551234567", "business_description": "A bank."}
        )
    assert (
        failed.status_code == 502 and "Can't reach ElevenLabs at http://127.0.0.1:9" in failed.json()["error"]
    )


def test_callersim_call_places_the_same_call(eleven: FakeElevenLabs) -> None:
    result = run_cli(
        "call", "+15551234567", "-d", PIZZA["description"], "-s", "order a pizza", env=settings(eleven)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Calling +15551234567: Success (conversation conv_")
    agent = placed_call(eleven).body["conversation_initiation_client_data"]["conversation_config_override"][
        "agent"
    ]
    assert agent["first_message"] == "Hi, I'm calling because I'd like to order a pizza."


def test_callersim_call_refusals_are_one_line(eleven: FakeElevenLabs) -> None:
    bad = run_cli("call", "555-1234", "-d", "A bank.", env=settings(eleven))
    assert (bad.returncode, bad.stderr.strip()) == (2, E164)
    unset = run_cli("call", "+15551234567", "-d", "A bank.")
    assert unset.returncode == 2 and "ELEVENLABS_AGENT_ID" in unset.stderr
    eleven.fail_next("server_error")
    failed = run_cli("call", "+15551234567", "-d", "A bank.", env=settings(eleven))
    assert failed.returncode == 3 and "ElevenLabs did not place the call" in failed.stderr
    assert KEY not in bad.stderr + unset.stderr + failed.stderr
