"""Replay: a kept call comes back in order at its pace (gaps capped, --speed), with the caller's saved
audio played in place and cut where the business cut in; --export writes both sides as one MP3."""

from __future__ import annotations

import array
import math
import time
from pathlib import Path
from typing import Any

import pytest
from recording import RecordingPlayer
from test_calls import DENTIST, PIZZA, calls_dir, one_line_exit_2, record
from typer.testing import CliRunner

from callersim_cli.audio import Clip
from callersim_cli.audio_codec import decode_mp3, encode_mp3
from callersim_cli.cli import app
from callersim_cli.errors import UsageError, VoiceError
from callersim_cli.export import OPERATOR_SILENCE_S, TURN_PAUSE_S, export_call
from callersim_cli.files import write_atomic
from callersim_cli.records import KeptCall
from callersim_cli.replay import MAX_GAP_S, Replay
from callersim_cli.views import CallView, to_rich

RATE = 22_050
# Each MP3 encoding adds the encoder's delay and pads to a whole frame: at most two frames at this rate.
ENCODING_SLACK_S = 2 * 1152 / RATE


def tone_mp3(seconds: float, freq: float = 440.0) -> bytes:
    samples = array.array(
        "h", (int(8000 * math.sin(2 * math.pi * freq * n / RATE)) for n in range(round(seconds * RATE)))
    )
    return encode_mp3(samples.tobytes(), RATE)


def pizza_call(audio_dir: Path | None = None) -> KeptCall:
    """The recorded pizza call; its two saved replies in a folder named after the transcript or elsewhere."""
    path = record(calls_dir() / "20250501-141530-order-pizza.jsonl", PIZZA)
    folder = audio_dir or path.parent / path.stem
    write_atomic(folder / "001-caller.mp3", tone_mp3(3.4))
    write_atomic(folder / "002-caller.mp3", tone_mp3(0.5, 941.0))
    return KeptCall.load(path)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class ScriptedVoice:
    """Speaks every line as a second of silence, and keeps the lines it was given."""

    name = "scripted"

    def __init__(self, seconds: float = 1.0, fail: bool = False) -> None:
        self.seconds, self.fail, self.lines = seconds, fail, []

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        if self.fail:
            raise VoiceError("the voice is unwell")
        self.lines.append(text)
        return Clip(pcm=b"\x00\x00" * round(self.seconds * RATE), sample_rate=RATE)

    def close(self) -> None:
        pass


UNSAVED = "The caller's audio was not kept with this call (chat --save-mp3 keeps it)."


def saved_duration(call: KeptCall, name: str) -> float:
    """The decoded length of a saved reply: its seconds plus the encoder's delay and padding."""
    return round(decode_mp3((call.path.parent / call.path.stem / name).read_bytes()).duration_s, 2)


def replay_with(call: KeptCall, **kwargs: Any) -> tuple[list[tuple[str, Any]], list[str], FakeClock]:
    clock, log, notices = FakeClock(), [], []
    view = CallView(call.label)

    def show(event: Any) -> None:
        # Drawn as the command draws it: what the user would read.
        for piece in view.pieces(event):
            drawn = to_rich(piece)
            log.append(("show", str(getattr(drawn, "plain", type(drawn).__name__))))

    player = kwargs.pop("player", None)
    replay = Replay(call, show, notices.append, sleep=clock.sleep, clock=clock, **kwargs)
    if player == "recording":
        replay.player = RecordingPlayer(clock, clock.sleep, log=log)
    elif player == "failing":
        replay.player = RecordingPlayer(clock, clock.sleep, "no audio device: the test has none", log)
    replay.run()
    return log, notices, clock


# --- through the command line ---------------------------------------------------------------------------


def test_replay_prints_the_conversation_in_order_and_caps_long_gaps() -> None:
    pizza_call()

    started = time.monotonic()
    result = CliRunner().invoke(app, ["replay", "last", "--speed", "100", "--no-audio"])
    took = time.monotonic() - started

    assert result.exit_code == 0, result.output
    out = result.stdout
    fragments = [
        "Joe's Pizza",
        "business › Thanks for calling Joe's",
        "caller › Hi, a large pepperoni [bold]please[/bold].",
        "⤺ the business cut the caller off after 1.2 s",
        "business › Press 1 for delivery",
        "☎ presses 1",
        "✗ The caller engine timed out",
        "business › That's $20. Goodbye!",
        "caller › Thanks, bye!",
        "☎ hangs up",
        "goal reached",
    ]
    positions = [out.index(fragment) for fragment in fragments]
    assert positions == sorted(positions)
    assert took < 5  # the recorded call lasted 95 s, 88 of them one idle wait
    assert "No sound" not in result.stderr  # --no-audio asked for silence: nothing to explain


def test_replay_of_an_unknown_call_is_one_line_and_exit_2() -> None:
    pizza_call()

    result = CliRunner().invoke(app, ["replay", "pasta", "--no-audio"])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("No kept call 'pasta' in ")


def test_export_through_the_cli_writes_one_mp3_and_plays_nothing(tmp_path: Path) -> None:
    pizza_call(audio_dir=tmp_path / "mp3s")
    out = tmp_path / "call.mp3"

    result = CliRunner().invoke(
        app, ["replay", "-1", "--export", str(out), "--audio-dir", str(tmp_path / "mp3s")]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote {out}" in result.stderr
    # The caller's saved audio, cut where the business cut in, and the business's three lines, voiced
    # or silent, with pauses between: whatever this machine's voices, at least that much.
    decoded = decode_mp3(out.read_bytes()).duration_s
    assert decoded >= 1.2 + 0.5 + 3 * min(OPERATOR_SILENCE_S, 0.3) + 5 * TURN_PAUSE_S


# --- pace and sound -------------------------------------------------------------------------------------


def test_gaps_are_capped_and_hurried_by_speed() -> None:
    call = pizza_call()

    _, _, clock = replay_with(call, speed=2.0)

    # Gaps between shown events: 1, 1, 88, 0, 1, 1.5, 0.5, 1, 1 seconds, halved, and no wait longer than
    # the cap (the 88 s one); the unshown audio event of a reply heard to its end is no stop of its own.
    expected = (1 + 1 + 0 + 1 + 1.5 + 0.5 + 1 + 1) / 2 + MAX_GAP_S
    assert sum(clock.slept) == pytest.approx(expected)
    assert max(clock.slept) == pytest.approx(MAX_GAP_S)


def test_a_slow_speed_stretches_pauses_but_never_past_the_cap() -> None:
    call = pizza_call()
    _, _, clock = replay_with(call, speed=0.01)
    assert max(clock.slept) == pytest.approx(MAX_GAP_S)
    assert sum(clock.slept) <= 9 * MAX_GAP_S


def test_the_callers_audio_plays_in_place_and_is_cut_where_it_was() -> None:
    call = pizza_call()

    log, notices, _ = replay_with(call, player="recording", speed=1.0)
    first, second = (saved_duration(call, name) for name in ("001-caller.mp3", "002-caller.mp3"))

    events = [(kind, value) for kind, value in log if kind != "show" or "›" in value or "⤺" in value]
    assert events[:8] == [
        ("show", "business › Thanks for calling Joe's, how can I help?"),
        ("show", "caller › Hi, a large pepperoni [bold]please[/bold]."),
        ("play", first),
        ("stopped after", 1.2),  # the business cut in after 1.2 s of it, as in the call
        ("show", "  ⤺ the business cut the caller off after 1.2 s of 3.4 s"),
        ("show", "business › Press 1 for delivery"),
        ("play", second),
        ("ended", second),  # a reply heard to its end is played to its end
    ]
    assert notices == [UNSAVED]  # the last reply, "Thanks, bye!", was kept without its audio


def test_audio_is_found_in_audio_dir(tmp_path: Path) -> None:
    call = pizza_call(audio_dir=tmp_path / "elsewhere")

    log, notices, _ = replay_with(call, player="recording")
    assert not [entry for entry in log if entry[0] == "play"]
    assert len([n for n in notices if "--audio-dir" in n]) == 1  # said once, not per reply

    log, notices, _ = replay_with(call, player="recording", audio_dir=tmp_path / "elsewhere")
    assert len([entry for entry in log if entry[0] == "play"]) == 2 and notices == [UNSAVED]


def test_with_no_sound_the_text_goes_on_and_why_is_said_once() -> None:
    call = pizza_call()

    log, notices, _ = replay_with(call, player="failing", operator_voice=ScriptedVoice())

    assert notices == ["No sound (no audio device: the test has none); replaying text only."]
    assert ("show", "caller › Thanks, bye!") in log


def test_the_business_is_voiced_before_the_caller_answers() -> None:
    call = pizza_call()
    voice = ScriptedVoice(seconds=0.8)

    log, _, _ = replay_with(call, player="recording", operator_voice=voice)

    assert voice.lines == [
        "Thanks for calling Joe's, how can I help?",
        "Press 1 for delivery",
        "That's 20 dollars. Goodbye!",  # the voice is given the amount as it is said
    ]

    first = log.index(("show", "business › Thanks for calling Joe's, how can I help?"))
    assert log[first + 1 : first + 4] == [
        ("play", 0.8),
        ("ended", 0.8),
        ("show", "caller › Hi, a large pepperoni [bold]please[/bold]."),
    ]


def test_replies_kept_without_audio_are_spoken_by_the_offline_voice_and_said_once() -> None:
    call = KeptCall.load(record(calls_dir() / "20250502-090000-book-a-cleaning.jsonl", DENTIST))
    voice = ScriptedVoice(seconds=0.5)

    log, notices, _ = replay_with(call, player="recording", caller_voice=voice)

    assert voice.lines == ["I'd like a cleaning."]
    assert ("play", 0.5) in log
    assert notices == [UNSAVED[:-1] + "; the offline voice speaks its lines."]


def test_without_an_offline_voice_the_replay_says_how_to_get_one() -> None:
    call = KeptCall.load(record(calls_dir() / "20250502-090000-book-a-cleaning.jsonl", DENTIST))
    why = "The piper voice is not installed: pip install 'callersim[offline]'"

    _, notices, _ = replay_with(call, player="recording", why_no_caller_voice=why)

    assert notices == [UNSAVED[:-1] + f"; for the offline voice to speak it: {why}."]


def test_speed_4_takes_a_quarter_of_the_time_audio_and_all() -> None:
    call, _ = dentist_call()  # pauses of a second, two saved replies and one spoken by the offline voice

    took = {}
    for speed in (1.0, 4.0):
        log, _, clock = replay_with(call, player="recording", caller_voice=ScriptedVoice(), speed=speed)
        took[speed] = clock.now
        assert [kind for kind, _ in log].count("play") == 3

    assert 0.22 < took[4.0] / took[1.0] < 0.28, took


# --- export ---------------------------------------------------------------------------------------------


def dentist_call() -> tuple[KeptCall, list[float]]:
    """Three turns, two replies saved (the last one was not): no barge-in, so nothing is cut."""
    events = list(DENTIST[:3])
    events[2] = (2.0, "caller", {**events[2][2], "audio": "001-caller.mp3"})
    events += [
        (3.0, "operator", {"text": "When would suit you?"}),
        (4.0, "caller", {"text": "Tuesday.", "dtmf": None, "hangup": False, "audio": "002-caller.mp3"}),
        (5.0, "operator", {"text": "Booked. Bye."}),
        (6.0, "caller", {"text": "Bye!", "dtmf": None, "hangup": True, "audio": None}),
    ]
    path = record(calls_dir() / "20250502-090000-book-a-cleaning.jsonl", events)
    durations = []
    for name, seconds in (("001-caller.mp3", 1.7), ("002-caller.mp3", 0.9)):
        data = tone_mp3(seconds)
        write_atomic(path.parent / name, data)  # next to the transcript
        durations.append(decode_mp3(data).duration_s)
    return KeptCall.load(path), durations


def test_export_is_the_sum_of_its_parts(tmp_path: Path) -> None:
    call, caller_parts = dentist_call()
    out = tmp_path / "call.mp3"

    result = export_call(call, out)

    # business (silence), caller 1, business, caller 2, business: five parts, four pauses between.
    expected = sum(caller_parts) + 3 * OPERATOR_SILENCE_S + 4 * TURN_PAUSE_S
    decoded = decode_mp3(out.read_bytes()).duration_s
    # The saved replies go in as they were; the two runs of silence are each encoded once.
    assert expected <= decoded <= expected + 2 * ENCODING_SLACK_S
    assert (result.saved_replies, result.voiced_lines, result.silent_lines) == (2, 0, 3)


def test_export_voices_the_business_and_unsaved_replies(tmp_path: Path) -> None:
    call, caller_parts = dentist_call()
    business, caller = ScriptedVoice(seconds=0.6), ScriptedVoice(seconds=0.4)
    out = tmp_path / "call.mp3"

    export_call(call, out, operator_voice=business, caller_voice=caller)

    assert business.lines == ["Dental office", "When would suit you?", "Booked. Bye."]
    assert caller.lines == ["Bye!"]  # only the reply whose audio was not saved
    expected = sum(caller_parts) + 3 * 0.6 + 0.4 + 5 * TURN_PAUSE_S
    decoded = decode_mp3(out.read_bytes()).duration_s
    assert expected <= decoded <= expected + 2 * ENCODING_SLACK_S


def test_export_cuts_a_reply_where_the_business_cut_in(tmp_path: Path) -> None:
    call = pizza_call()
    second = decode_mp3(tone_mp3(0.5, 941.0)).duration_s
    out = tmp_path / "call.mp3"

    export_call(call, out)

    # 1.2 s of the first reply (then re-encoded with the silences around it), all of the second.
    expected = 1.2 + second + 3 * OPERATOR_SILENCE_S + 4 * TURN_PAUSE_S
    decoded = decode_mp3(out.read_bytes()).duration_s
    assert expected <= decoded <= expected + 2 * ENCODING_SLACK_S


def test_export_with_no_audio_and_no_voice_writes_nothing(tmp_path: Path) -> None:
    path = record(calls_dir() / "20250502-090000-book-a-cleaning.jsonl", DENTIST)
    out = tmp_path / "call.mp3"

    with pytest.raises(UsageError, match="Nothing to export"):
        export_call(KeptCall.load(path), out)

    assert not out.exists()


def test_a_failing_voice_leaves_silence_and_is_told_once(tmp_path: Path) -> None:
    call, _ = dentist_call()
    notices: list[str] = []

    result = export_call(
        call, tmp_path / "call.mp3", operator_voice=ScriptedVoice(fail=True), notice=notices.append
    )

    assert notices == ["The business's lines are not voiced: the voice is unwell"]
    assert result.silent_lines == 3


# --- where nothing can be written -----------------------------------------------------------------------


def test_export_to_a_folder_or_through_a_file_is_one_line(tmp_path: Path) -> None:
    pizza_call()
    Path("notes.txt").write_text("mine\n")

    to_folder = CliRunner().invoke(app, ["replay", "last", "--export", str(tmp_path)])
    through_file = CliRunner().invoke(app, ["replay", "last", "--export", "notes.txt/call.mp3"])

    assert one_line_exit_2(to_folder) == f"Can't write {tmp_path}: it is a folder; give a file name"
    assert (
        one_line_exit_2(through_file)
        == "Can't write notes.txt/call.mp3: a part of that path is a file, not a folder"
    )
    assert Path("notes.txt").read_text() == "mine\n"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux's /proc")
def test_export_where_no_file_can_be_made_is_one_line() -> None:
    pizza_call()

    result = CliRunner().invoke(app, ["replay", "last", "--export", "/proc/x.mp3"])

    assert one_line_exit_2(result) == "Can't write /proc/x.mp3: No such file or directory"


# --- several calls in one file --------------------------------------------------------------------------


def test_replay_plays_the_calls_of_a_file_in_order() -> None:
    path = record(calls_dir() / "20250503-100000-two.jsonl", [*PIZZA, *DENTIST])

    result = CliRunner().invoke(app, ["replay", path.stem, "--speed", "100", "--no-audio"])

    assert result.exit_code == 0, result.output
    out = result.stdout
    fragments = ["Joe's Pizza", "caller › Thanks, bye!", "goal reached", "new call", "Springfield Dental"]
    fragments += ["business › Dental office", "caller › I'd like a cleaning.", "goal not reached"]
    positions = [out.index(fragment) for fragment in fragments]
    assert positions == sorted(positions)


def test_each_call_of_a_file_plays_the_audio_of_its_own_folder(tmp_path: Path) -> None:
    # Both calls saved their first reply as 001-caller.mp3, each in the folder given to its --save-mp3.
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    write_atomic(first_dir / "001-caller.mp3", tone_mp3(0.5))
    write_atomic(second_dir / "001-caller.mp3", tone_mp3(1.5))
    reply = {"text": "Hi.", "dtmf": None, "hangup": False, "audio": "001-caller.mp3"}
    events = [
        (0.0, "context", {"description": "Joe's Pizza", "scenario": "order", "audio_dir": str(first_dir)}),
        (1.0, "operator", {"text": "Joe's"}),
        (2.0, "caller", reply),
        (3.0, "context", {"description": "Dental", "scenario": "book", "audio_dir": str(second_dir)}),
        (4.0, "operator", {"text": "Dental office"}),
        (5.0, "caller", reply),
    ]
    call = KeptCall.load(record(tmp_path / "two.jsonl", events))

    log, notices, _ = replay_with(call, player="recording")

    played = [value for kind, value in log if kind == "play"]
    expected = [round(decode_mp3(tone_mp3(s)).duration_s, 2) for s in (0.5, 1.5)]
    assert played == expected and notices == []


# --- why there is nothing to export ---------------------------------------------------------------------


def test_a_voice_that_fails_to_load_is_named_not_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    piper = pytest.importorskip("piper")
    record(calls_dir() / "20250502-090000-book-a-cleaning.jsonl", DENTIST)  # no audio saved

    def broken_model(*args: Any, **kwargs: Any) -> None:
        raise OSError("the model file is truncated")

    monkeypatch.setattr(piper.PiperVoice, "load", broken_model)
    out = tmp_path / "call.mp3"

    result = CliRunner().invoke(app, ["replay", "last", "--export", str(out)])

    line = one_line_exit_2(result)
    assert line.startswith(
        "Nothing to export: call 20250502-090000-book-a-cleaning has no saved caller audio"
    )
    assert "Could not load the piper voice model (the model file is truncated)" in line
    assert not out.exists()


def test_a_voice_that_fails_to_speak_is_named(tmp_path: Path) -> None:
    path = record(calls_dir() / "20250502-090000-book-a-cleaning.jsonl", DENTIST)

    with pytest.raises(UsageError) as info:
        export_call(
            KeptCall.load(path),
            tmp_path / "call.mp3",
            operator_voice=ScriptedVoice(fail=True),
            caller_voice=ScriptedVoice(fail=True),
        )

    assert str(info.value).endswith("has no saved caller audio, and the voice failed: the voice is unwell")
    assert "pip install" not in str(info.value)


def test_a_call_with_nothing_said_says_so(tmp_path: Path) -> None:
    # Hung up before a word: a context and an end, nothing between (what /reset at once leaves).
    path = record(calls_dir() / "20250502-090000-silent.jsonl", [DENTIST[0], DENTIST[-1]])

    with pytest.raises(UsageError) as info:
        export_call(KeptCall.load(path), tmp_path / "call.mp3", operator_voice=ScriptedVoice())

    assert str(info.value) == (
        "Nothing to export: call 20250502-090000-silent has no lines said in it and no keys pressed"
    )


def test_key_presses_alone_are_exported_as_tones(tmp_path: Path) -> None:
    keys = [(1.0, "caller", {"text": "", "dtmf": "12", "hangup": False, "audio": None})]
    path = record(calls_dir() / "20250502-090000-keys.jsonl", [DENTIST[0], *keys])
    out = tmp_path / "call.mp3"

    result = export_call(KeptCall.load(path), out)

    assert out.exists() and decode_mp3(out.read_bytes()).duration_s >= 0.1
    assert result.voiced_lines == 0 and result.saved_replies == 0
