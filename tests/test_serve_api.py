"""`callersim serve`: the original web API's contract, word for word, through the real app."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_elevenlabs import FakeElevenLabs
from fake_openai import FakeOpenAI
from serve_helpers import JSON, PIZZA, events, serving

from callersim_cli.conversation import DEFAULT_SCENARIO
from callersim_cli.records import find_call, load_events

NO_CONTEXT = "Set a business description first (use /api/context)"


def test_context_starts_a_call_and_answers_its_scenario() -> None:
    with serving() as client:
        response = client.post("/api/context", json=PIZZA)
        assert response.status_code == 200
        assert response.json()["ok"] is True
        assert response.json()["scenario"] == "order a large pepperoni pizza"
        default = client.post("/api/context", json={"description": "A bank."}).json()
        assert default["scenario"] == DEFAULT_SCENARIO


@pytest.mark.parametrize("body", [{}, {"description": ""}, {"description": "   "}, {"scenario": "x"}])
def test_a_blank_description_is_refused(body: dict[str, str]) -> None:
    with serving() as client:
        response = client.post("/api/context", json=body)
        assert response.status_code == 400
        assert response.json() == {"error": "No description provided"}


def test_chat_answers_with_the_callers_words_and_no_audio_without_a_voice() -> None:
    with serving() as client:
        client.post("/api/context", json=PIZZA)
        reply = client.post("/api/chat", json={"message": "Pizza Palace, how can I help you?"})
        assert reply.status_code == 200
        body = reply.json()
        assert "pepperoni" in body["text"].lower()
        assert body["audio_base64"] is None
        assert body["hangup"] is False and body["dtmf"] is None and body["call_id"]


def test_chat_before_any_context_and_a_blank_message_are_refused() -> None:
    with serving() as client:
        early = client.post("/api/chat", json={"message": "Hello?"})
        assert (early.status_code, early.json()) == (400, {"error": NO_CONTEXT})
        client.post("/api/context", json=PIZZA)
        for body in ({}, {"message": ""}, {"message": " \n "}):
            blank = client.post("/api/chat", json=body)
            assert (blank.status_code, blank.json()) == (400, {"error": "No message provided"})


def test_a_new_context_starts_a_new_history() -> None:
    with serving() as client:
        first = client.post("/api/context", json=PIZZA).json()["call_id"]
        client.post("/api/chat", json={"message": "Pizza Palace, how can I help you?"})
        second = client.post("/api/context", json=PIZZA).json()["call_id"]
        again = client.post("/api/chat", json={"message": "Pizza Palace, how can I help you?"})
        assert second != first
        kept = find_call(again.json()["call_id"], Path.home() / "callersim" / "calls")
        assert [e["type"] for e in kept.events if e["type"] in ("operator", "caller")] == [
            "operator",
            "caller",
        ]
        ended = load_events(find_call(first, Path.home() / "callersim" / "calls").path)
        assert ended[-1]["type"] == "end" and ended[-1]["end_reason"] == "new call"


def test_keys_and_the_hang_up_come_back_with_the_verdict() -> None:
    with serving() as client:
        client.post("/api/context", json=PIZZA)
        menu = client.post(
            "/api/chat", json={"message": "For delivery, press 1. For pickup, press 2."}
        ).json()
        assert menu["dtmf"] == "1"
        client.post("/api/chat", json={"message": "What would you like to order?"})
        client.post("/api/chat", json={"message": "One large pepperoni, it will be there in 35 minutes."})
        bye = client.post("/api/chat", json={"message": "Thanks for ordering from Pizza Palace. Goodbye!"})
        body = bye.json()
        assert body["hangup"] is True
        assert body["verdict"]["goal_reached"] is True and body["verdict"]["reason"]
        after = client.post("/api/chat", json={"message": "Hello?"})
        assert after.status_code == 409 and "hung up" in after.json()["error"]


def test_an_engine_failure_is_the_originals_line_and_the_message_can_be_sent_again() -> None:
    with FakeOpenAI() as server:
        server.fail(400, "The model is overloaded right now.")
        server.enqueue("Hi, I'd like a large pepperoni pizza.")
        with serving({"OPENAI_API_KEY": "sk-test-key-1234567890abcdef"}, base_url=server.url) as client:
            client.post("/api/context", json=PIZZA)
            failed = client.post("/api/chat", json={"message": "How can I help?"})
            assert failed.status_code == 200
            body = failed.json()
            assert body["text"].startswith("I had trouble responding: ")
            assert "\n" not in body["text"] and body["audio_base64"] is None
            again = client.post("/api/chat", json={"message": "How can I help?"})
            assert again.json()["text"] == "Hi, I'd like a large pepperoni pizza."
            sent = server.chat_requests[-1].messages
            assert [m["role"] for m in sent] == ["system", "user"]  # the failure left no trace in the history


def test_tts_speaks_text_as_mp3_cut_at_1500_characters() -> None:
    with FakeElevenLabs() as voice:
        keys = {"ELEVENLABS_API_KEY": "xi-test-key-1234567890", "ELEVENLABS_BASE_URL": voice.base_url}
        with serving(keys, tts="elevenlabs") as client:
            blank = client.post("/tts", json={"text": "  "})
            assert (blank.status_code, blank.json()) == (400, {"error": "No text provided"})
            spoken = client.post("/tts", json={"text": "word " * 600})
            assert spoken.status_code == 200
            assert spoken.headers["content-type"] == "audio/mpeg"
            assert spoken.content[:3] == b"ID3" or spoken.content[0] == 0xFF
            assert len(voice.requests[-1].body["text"]) <= 1500


def test_chat_audio_is_the_whole_reply_as_mp3_and_null_when_it_cannot_be_made() -> None:
    with FakeElevenLabs() as voice:
        keys = {"ELEVENLABS_API_KEY": "xi-test-key-1234567890", "ELEVENLABS_BASE_URL": voice.base_url}
        with serving(keys, tts="elevenlabs") as client:
            client.post("/api/context", json=PIZZA)
            spoken = client.post("/api/chat", json={"message": "Pizza Palace, how can I help you?"}).json()
            mp3 = base64.b64decode(spoken["audio_base64"])
            assert mp3[:3] == b"ID3" or mp3[0] == 0xFF
            voice.fail_next("server_error", times=50)
            silent = client.post("/api/chat", json={"message": "What size would you like?"})
            assert silent.status_code == 200
            assert silent.json()["text"] and silent.json()["audio_base64"] is None


def test_the_streamed_turn_gives_text_then_audio_sentence_by_sentence_then_done() -> None:
    reply = "Hi, I'd like to order a pizza for delivery tonight. A large pepperoni, please."
    with FakeOpenAI(token_delay_s=0.02) as server, FakeElevenLabs() as voice:
        server.enqueue(reply)
        keys = {
            "OPENAI_API_KEY": "sk-test-key-1234567890abcdef",
            "ELEVENLABS_API_KEY": "xi-test-key-1234567890",
            "ELEVENLABS_BASE_URL": voice.base_url,
        }
        with serving(keys, base_url=server.url, tts="elevenlabs") as client:
            client.post("/api/context", json=PIZZA)
            got = events(client, "Pizza Palace, how can I help you?")
    kinds = [kind for kind, _ in got]
    assert kinds[-1] == "done" and got[-1][1]["text"] == reply
    assert "".join(data["text"] for kind, data in got if kind == "text") == reply
    audio = [i for i, kind in enumerate(kinds) if kind == "audio"]
    assert len(audio) == 2  # one per sentence
    last_text = max(i for i, kind in enumerate(kinds) if kind == "text")
    assert audio[0] < last_text  # the first sentence is heard before the reply is written
    assert base64.b64decode(got[audio[0]][1]["audio_base64"])


def test_the_streamed_turn_shows_keys_the_hang_up_and_refusals() -> None:
    with serving() as client:
        refused = client.post("/api/chat/stream", json={"message": "Hi"})
        assert (refused.status_code, refused.json()) == (400, {"error": NO_CONTEXT})
        client.post("/api/context", json=PIZZA)
        menu = events(client, "For delivery, press 1. For pickup, press 2.")
        assert ("dtmf", {"digits": "1"}) in menu
        bye = events(client, "Sorry, we're closed tonight. Goodbye!")
        assert ("hangup", {}) in bye and bye[-1][1]["hangup"] is True


@pytest.mark.parametrize(
    ("data", "headers", "error"),
    [
        (
            "{not json",
            JSON,
            "Malformed JSON: Expecting property name enclosed in double quotes at line 1, column 2",
        ),
        (
            "message=hi",
            {"Content-Type": "application/x-www-form-urlencoded"},
            "Send a JSON body with Content-Type: application/json",
        ),
        ('{"message": "hi"}', {}, "Send a JSON body with Content-Type: application/json"),
        ('["hi"]', JSON, 'The body must be a JSON object, like {"message": "..."}'),
        ('{"message": 5}', JSON, '"message" must be a string'),
        ("", JSON, 'The body must be a JSON object, like {"message": "..."}'),
    ],
)
def test_bodies_that_are_not_a_json_object_get_a_json_400(
    data: str, headers: dict[str, str], error: str
) -> None:
    with serving() as client:
        client.post("/api/context", json=PIZZA)
        response = client.post("/api/chat", content=data, headers=headers)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"error": error}


def test_bodies_and_messages_are_capped() -> None:
    with serving(max_body=2048, max_message=100) as client:
        client.post("/api/context", json=PIZZA)
        large = client.post("/api/chat", json={"message": "x" * 5000})
        assert (large.status_code, large.json()) == (
            413,
            {"error": "Request body too large (at most 2048 bytes)"},
        )
        long = client.post("/api/chat", json={"message": "y" * 101})
        assert (long.status_code, long.json()) == (
            400,
            {"error": '"message" is too long (at most 100 characters)'},
        )


def test_unknown_routes_and_methods_answer_json() -> None:
    with serving() as client:
        assert client.get("/api/nothing").json() == {"error": "Not found"}
        wrong = client.get("/api/chat")
        assert (wrong.status_code, wrong.json()) == (405, {"error": "Method not allowed"})


def test_a_body_sent_without_its_length_is_capped_as_it_arrives() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "'
        yield b"x" * 4096
        yield b'"}'

    with serving(max_body=2048) as client:
        client.post("/api/context", json=PIZZA)
        large = client.post("/api/chat", content=chunks(), headers=JSON)
        assert (large.status_code, large.json()) == (
            413,
            {"error": "Request body too large (at most 2048 bytes)"},
        )
