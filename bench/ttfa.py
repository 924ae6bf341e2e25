"""Time to first audio: from the operator's Enter to the first sample of the caller's voice.

Runs real turns through the real code (Conversation + OpenAIEngine + ElevenLabsVoice + Speaker) against
loopback stand-ins of both APIs (tests/fake_openai.py, tests/fake_elevenlabs.py, each in its own process
so their work does not compete with the pipeline for the GIL), with a player that notes when it is
handed the first sample. For each configuration of server latencies it prints:

- streamed: the pipeline as the REPL drives it (sentence 1 synthesized while sentence 2 is written);
- wait-all: the original order: the whole reply, then the whole audio of the whole text, then play;
- floor: the earliest any client could start: the time for the servers to write the first sentence
  plus ElevenLabs' time to first byte for it, both measured with a bare HTTP client;
- gap: streamed minus floor, i.e. what our code (SDKs, splitter, threads, MP3 decoding) adds.

Then the offline path (offline engine + piper voice) on this machine.

    python bench/ttfa.py [--runs 7] [--offline-runs 7] [--skip-network] [--skip-offline]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from callersim_cli.actions import Speech
from callersim_cli.audio import Clip
from callersim_cli.conversation import Context, Conversation
from callersim_cli.sentences import SentenceSplitter
from callersim_cli.speech import Speaker
from callersim_cli.voices import Voice

TESTS = Path(__file__).resolve().parents[1] / "tests"

DESCRIPTION = "Acme Online Store: orders, deliveries and returns."
OPERATOR_LINE = "Thank you for calling Acme. How can I help you today?"
REPLY = (
    "Hi, this is Jordan Smith. I'm calling about my order from last week, it still hasn't arrived. "
    "Could you check where it is? The order number is 4417."
)


@dataclass(frozen=True)
class Config:
    name: str
    ttft_s: float
    token_delay_s: float
    tts_ttfb_s: float


CONFIGS = [
    Config("fast", 0.20, 0.010, 0.10),
    Config("typical", 0.40, 0.025, 0.25),
    Config("slow", 0.80, 0.040, 0.45),
]


class _Played:
    """A playback that is over at once: only when the first sample is handed over is measured."""

    def is_playing(self) -> bool:
        return False

    def wait(self) -> None:
        pass

    def stop(self) -> None:
        pass


class FirstSamplePlayer:
    """Notes the perf_counter at which it is first handed audio."""

    name = "bench"

    def __init__(self) -> None:
        self.first_at: float | None = None

    def play(self, clip: Clip) -> _Played:
        if self.first_at is None:
            self.first_at = time.perf_counter()
        return _Played()


@contextmanager
def serve(script: str, *args: str) -> Iterator[str]:
    """Run a fake server script in its own process; yield the base URL it prints first."""
    proc = subprocess.Popen(
        [sys.executable, str(TESTS / script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the fakes log clients that hang up early, as the bare client does
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url:
            raise RuntimeError(f"{script} did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def first_sentence(text: str) -> str:
    splitter = SentenceSplitter()
    for piece in text.split(" "):
        if out := splitter.feed(piece + " "):
            return out[0]
    return splitter.flush()[0]


def bare_first_sentence_s(openai_url: str, sentence: str) -> float:
    """Seconds from sending the request to receiving the piece that completes ``sentence``."""
    url = urlsplit(openai_url)
    body = json.dumps(
        {"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": OPERATOR_LINE}]}
    )
    conn = http.client.HTTPConnection(url.hostname, url.port)
    try:
        start = time.perf_counter()
        conn.request("POST", f"{url.path}/chat/completions", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        text = ""
        while line := response.readline():
            if line.startswith(b"data: {"):
                for choice in json.loads(line[6:])["choices"]:
                    text += choice["delta"].get("content") or ""
                if text.startswith(sentence):
                    return time.perf_counter() - start
        raise RuntimeError("the fake never wrote the first sentence")
    finally:
        conn.close()


def bare_tts_first_byte_s(elevenlabs_url: str, sentence: str) -> float:
    """Seconds from sending a TTS request for ``sentence`` to the response's first byte."""
    url = urlsplit(elevenlabs_url)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    try:
        start = time.perf_counter()
        conn.request(
            "POST",
            "/v1/text-to-speech/bench?output_format=mp3_44100_128",
            json.dumps({"text": sentence}),
            {"Content-Type": "application/json", "xi-api-key": "bench"},
        )
        response = conn.getresponse()  # returns once the status line and headers are in
        elapsed = time.perf_counter() - start
        response.read()
        return elapsed
    finally:
        conn.close()


def median_of(runs: int, measure: Callable[[], float]) -> float:
    measure()  # warm-up: connections, imports, first-use costs are not what is measured
    return statistics.median(measure() for _ in range(runs))


def streamed_ttfa(conversation: Conversation, speaker: Speaker, player: FirstSamplePlayer) -> float:
    """One turn as the REPL drives it; seconds from Enter to the first sample handed to the player."""
    conversation.reset()
    player.first_at = None
    turn = conversation.send(OPERATOR_LINE)
    spoken = speaker.start_reply(turn.started)
    for event in turn:
        spoken.feed(event)
    spoken.finish()
    if not spoken.wait(60) or player.first_at is None:
        raise RuntimeError("the reply was not spoken")
    return player.first_at - turn.started


def wait_all_ttfa(conversation: Conversation, voice: Voice, player: FirstSamplePlayer) -> float:
    """The original order: the whole reply, then one synthesis of all of it, then play."""
    conversation.reset()
    player.first_at = None
    turn = conversation.send(OPERATOR_LINE)
    reply = turn.run()
    clip = voice.synthesize(reply.text)
    player.play(clip)
    assert player.first_at is not None
    return player.first_at - turn.started


def bench_network(runs: int) -> list[str]:
    rows = [
        "| TTFT / per token / TTS first byte | streamed | wait-all | wait-all ÷ streamed | floor | gap |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    return rows + [bench_config(config, runs) for config in CONFIGS]


def bench_config(config: Config, runs: int) -> str:
    """One configuration of server latencies, as a table row."""
    from callersim_cli.engines import OpenAIOptions
    from callersim_cli.engines.openai_engine import OpenAIEngine
    from callersim_cli.voices import ElevenLabsOptions
    from callersim_cli.voices.elevenlabs_voice import ElevenLabsVoice

    sentence = first_sentence(REPLY)
    llm_args = ["--reply", REPLY, "--ttft", str(config.ttft_s), "--token-delay", str(config.token_delay_s)]
    with (
        serve("fake_openai.py", *llm_args) as openai_url,
        serve("fake_elevenlabs.py", "--ttfb", str(config.tts_ttfb_s)) as elevenlabs_url,
    ):
        floor = median_of(runs, partial(bare_first_sentence_s, openai_url, sentence)) + median_of(
            runs, partial(bare_tts_first_byte_s, elevenlabs_url, sentence)
        )
        engine = OpenAIEngine(OpenAIOptions(base_url=openai_url, api_key="sk-bench"))
        voice = ElevenLabsVoice(ElevenLabsOptions(api_key="bench", base_url=elevenlabs_url))
        conversation = Conversation(Context.create(DESCRIPTION), engine)
        player = FirstSamplePlayer()
        with Speaker(voice, player, None, _warn) as speaker:
            streamed = median_of(runs, partial(streamed_ttfa, conversation, speaker, player))
        wait_all = median_of(runs, partial(wait_all_ttfa, conversation, voice, player))
        engine.close()
        voice.close()
    return (
        f"| {config.name}: {ms(config.ttft_s)} / {ms(config.token_delay_s)} / {ms(config.tts_ttfb_s)} "
        f"| {ms(streamed)} | {ms(wait_all)} | {wait_all / streamed:.1f}× | {ms(floor)} "
        f"| {ms(streamed - floor, signed=True)} |"
    )


def bench_offline(runs: int) -> list[str]:
    from callersim_cli.engines import EngineOptions, create_engine
    from callersim_cli.voices.piper_voice import PiperVoice

    engine = create_engine("offline", EngineOptions(seed=7))
    loading = time.perf_counter()
    voice = PiperVoice()  # the model loads here, once, before any turn
    load_s = time.perf_counter() - loading
    conversation = Conversation(Context.create(DESCRIPTION), engine)
    player = FirstSamplePlayer()
    spoken_first: list[str] = []

    def one() -> float:
        conversation.reset()
        player.first_at = None
        turn = conversation.send(OPERATOR_LINE)
        spoken = speaker.start_reply(turn.started)
        splitter = SentenceSplitter()
        for event in turn:
            spoken.feed(event)
            if not spoken_first and isinstance(event, Speech):
                spoken_first.extend(splitter.feed(event.text))  # what the Speaker saw as sentence 1
        spoken.finish()
        if not spoken.wait(60) or player.first_at is None:
            raise RuntimeError("the reply was not spoken")
        return player.first_at - turn.started

    with Speaker(voice, player, None, _warn) as speaker:
        cold = one()
        times = [one() for _ in range(runs)]
    first = spoken_first[0] if spoken_first else "?"
    started = time.perf_counter()
    voice.synthesize(first)
    synth_s = time.perf_counter() - started
    return [
        "| offline engine + piper | first turn | median of next | model load (before the call) "
        "| first sentence | piper on it |",
        "|---|---:|---:|---:|---|---:|",
        f"| this machine | {ms(cold)} | {ms(statistics.median(times))} | {ms(load_s)} "
        f"| {first!r} ({len(first)} chars) | {ms(synth_s)} |",
    ]


def ms(seconds: float, *, signed: bool = False) -> str:
    return f"{seconds * 1000:+.0f} ms" if signed else f"{seconds * 1000:.0f} ms"


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="turns per configuration (median)")
    parser.add_argument("--offline-runs", type=int, default=7)
    parser.add_argument("--skip-network", action="store_true")
    parser.add_argument("--skip-offline", action="store_true")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)  # pydub's audioop notice is not a finding
    if not args.skip_network:
        print("\n".join(bench_network(args.runs)), end="\n\n", flush=True)
    if not args.skip_offline:
        print("\n".join(bench_offline(args.offline_runs)), flush=True)


if __name__ == "__main__":
    main()
