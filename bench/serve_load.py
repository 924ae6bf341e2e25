"""`callersim serve` under load, and its time to first audio over HTTP beside `chat`'s.

Load: a real ``callersim serve`` process (offline engine, no voice, every call kept as a file, as by
default) takes ``--calls`` concurrent calls of ``--turns`` turns each, every call its own session
(``X-Callersim-Session``), from one asyncio client over keep-alive connections. It prints requests per
second (``/api/chat`` turns finished per second of wall time) and the p50 and p99 latency of a turn, per
run and the min and median over ``--runs``; then it reads every call's kept file and checks that it
holds exactly the lines sent on that call and the replies that call got: no call's transcript holds
another's lines.

Time to first audio: the same stand-ins as ``bench/ttfa.py`` (``tests/fake_openai.py`` and
``tests/fake_elevenlabs.py``, each in its own process) behind a ``callersim serve`` process with the
openai engine and the ElevenLabs voice: seconds from sending ``POST /api/chat/stream`` to receiving its
first ``event: audio``, beside ``chat``'s pipeline in process (``ttfa.streamed_ttfa``: Enter to the first
sample handed to the player), against the same stand-ins, medians of ``--ttfa-runs`` after a warm-up.

    python bench/serve_load.py [--calls 50] [--turns 20] [--runs 3] [--ttfa-runs 7] [--skip-ttfa]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ttfa  # beside this file

# Lines a business says that never end the call, so every call takes all its turns.
LINES = [
    "Thank you for calling. Can I have your name, please?",
    "Thanks. What is the phone number on the account?",
    "And your date of birth?",
    "Please hold while I look that up.",
    "Thanks for holding. What is your address?",
    "Can you spell your last name for me?",
    "What is your account number?",
    "Could you repeat that, please?",
    "What would you like to do today?",
    "Let me check that for you. One moment.",
]


@dataclass
class CallLog:
    session: str
    call_id: str = ""
    sent: list[str] = field(default_factory=list)
    got: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


@contextmanager
def serving(*args: str, env: dict[str, str]) -> Iterator[str]:
    """``callersim serve --port 0 ARGS`` in its own process; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "callersim_cli", "serve", "--port", "0", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **env},
    )
    assert process.stderr is not None
    url = None
    while url is None:
        line = process.stderr.readline()
        if not line:
            raise RuntimeError("callersim serve did not start")
        if m := re.search(r"callersim serve: (http://\S+)/", line):
            url = m.group(1)
    try:
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)


# --- load ---------------------------------------------------------------------------------------------


async def one_call(client: object, number: int, turns: int) -> CallLog:
    import httpx

    assert isinstance(client, httpx.AsyncClient)
    log = CallLog(session=f"bench-{number}")
    headers = {"X-Callersim-Session": log.session}
    context = {
        "description": f"Shop number {number}: orders and accounts.",
        "scenario": "check my order status",
    }
    started = await client.post("/api/context", json=context, headers=headers)
    started.raise_for_status()
    log.call_id = started.json()["call_id"]
    for turn in range(turns):
        line = f"{LINES[turn % len(LINES)]} (shop {number}, line {turn + 1})"
        sent = time.perf_counter()
        response = await client.post("/api/chat", json={"message": line}, headers=headers)
        log.latencies.append(time.perf_counter() - sent)
        response.raise_for_status()
        body = response.json()
        if body.get("hangup"):
            raise RuntimeError(f"call {number} hung up at line {turn + 1}: the bench needs calls that go on")
        log.sent.append(line)
        log.got.append(body["text"])
    return log


async def load_run(url: str, calls: int, turns: int) -> tuple[list[CallLog], float]:
    import httpx

    limits = httpx.Limits(max_connections=calls, max_keepalive_connections=calls)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:
        began = time.perf_counter()
        logs = await asyncio.gather(*(one_call(client, n, turns) for n in range(1, calls + 1)))
        return list(logs), time.perf_counter() - began


def cross_talk(logs: list[CallLog], calls_dir: Path) -> list[str]:
    """What is wrong in the kept calls: a line or reply that is not that call's own."""
    problems = []
    for log in logs:
        events = [json.loads(line) for line in (calls_dir / f"{log.call_id}.jsonl").read_text().splitlines()]
        said = [e["text"] for e in events if e["type"] == "operator"]
        replies = [e["text"] for e in events if e["type"] == "caller"]
        if said != log.sent or replies != log.got:
            problems.append(f"{log.session} ({log.call_id}): its kept lines are not the ones it sent and got")
        if not all(f"(shop {log.session.split('-')[1]}," in line for line in said):
            problems.append(f"{log.session}: another call's line in its transcript")
    return problems


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_load(calls: int, turns: int, runs: int) -> list[str]:
    rows = [f"{calls} concurrent calls x {turns} turns, offline engine, no voice, calls kept:"]
    figures = []
    for run in range(1, runs + 1):
        with tempfile.TemporaryDirectory() as home:
            env = {"CALLERSIM_HOME": home}
            with serving("--tts", "none", "--max-calls", str(calls + 10), env=env) as url:
                logs, wall = asyncio.run(load_run(url, calls, turns))
            problems = cross_talk(logs, Path(home) / "calls")
        latencies = [s for log in logs for s in log.latencies]
        rps = len(latencies) / wall
        p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
        figures.append((rps, p50, p99))
        verdict = "no cross-talk" if not problems else f"CROSS-TALK: {'; '.join(problems[:3])}"
        rows.append(
            f"  run {run}: {len(latencies)} turns in {wall:.1f} s: {rps:.0f} req/s, "
            f"p50 {ms(p50)}, p99 {ms(p99)}; {verdict}"
        )
        if problems:
            raise SystemExit("\n".join(rows))
    rps_all, p50_all, p99_all = zip(*figures, strict=True)
    rows.append(
        f"  min / median of {runs}: {min(rps_all):.0f} / {statistics.median(rps_all):.0f} req/s, "
        f"p50 {ms(min(p50_all))} / {ms(statistics.median(p50_all))}, "
        f"p99 {ms(min(p99_all))} / {ms(statistics.median(p99_all))}"
    )
    return rows


# --- time to first audio over HTTP ----------------------------------------------------------------------


def http_ttfa(url: str) -> float:
    """A new call, then one streamed turn: seconds from sending it to its first audio event."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        headers = {"Content-Type": "application/json"}
        conn.request("POST", "/api/context", json.dumps({"description": ttfa.DESCRIPTION}), headers)
        conn.getresponse().read()
        start = time.perf_counter()
        conn.request("POST", "/api/chat/stream", json.dumps({"message": ttfa.OPERATOR_LINE}), headers)
        response = conn.getresponse()
        first = None
        while line := response.readline():
            if first is None and line.startswith(b"event: audio"):
                first = time.perf_counter() - start
        if first is None:
            raise RuntimeError("the streamed turn had no audio")
        return first
    finally:
        conn.close()


def bench_ttfa(runs: int) -> list[str]:
    from callersim_cli.conversation import Context, Conversation
    from callersim_cli.engines import OpenAIOptions
    from callersim_cli.engines.openai_engine import OpenAIEngine
    from callersim_cli.speech import Speaker
    from callersim_cli.voices import ElevenLabsOptions
    from callersim_cli.voices.elevenlabs_voice import ElevenLabsVoice

    rows = [
        "| TTFT / per token / TTS first byte | chat (in process) | serve (over HTTP, SSE) | HTTP adds |",
        "|---|---:|---:|---:|",
    ]
    for config in ttfa.CONFIGS:
        llm = [
            "--reply",
            ttfa.REPLY,
            "--ttft",
            str(config.ttft_s),
            "--token-delay",
            str(config.token_delay_s),
        ]
        with (
            ttfa.serve("fake_openai.py", *llm) as openai_url,
            ttfa.serve("fake_elevenlabs.py", "--ttfb", str(config.tts_ttfb_s)) as elevenlabs_url,
        ):
            engine = OpenAIEngine(OpenAIOptions(base_url=openai_url, api_key="sk-bench"))
            voice = ElevenLabsVoice(ElevenLabsOptions(api_key="bench", base_url=elevenlabs_url))
            conversation = Conversation(Context.create(ttfa.DESCRIPTION), engine)
            player = ttfa.FirstSamplePlayer()
            with Speaker(voice, player, None, print) as speaker:
                chat = ttfa.median_of(runs, partial(ttfa.streamed_ttfa, conversation, speaker, player))
            engine.close()
            voice.close()
            env = {
                "OPENAI_API_KEY": "sk-bench",
                "ELEVENLABS_API_KEY": "bench",
                "ELEVENLABS_BASE_URL": elevenlabs_url,
            }
            with tempfile.TemporaryDirectory() as home:
                args = ("--base-url", openai_url, "--tts", "elevenlabs", "--no-judge")
                with serving(*args, env={**env, "CALLERSIM_HOME": home}) as url:
                    served = ttfa.median_of(runs, partial(http_ttfa, url))
        rows.append(
            f"| {config.name}: {ms(config.ttft_s)} / {ms(config.token_delay_s)} / {ms(config.tts_ttfb_s)} "
            f"| {ms(chat)} | {ms(served)} | {ms(served - chat, signed=True)} |"
        )
    return rows


def ms(seconds: float, *, signed: bool = False) -> str:
    return f"{seconds * 1000:+.0f} ms" if signed else f"{seconds * 1000:.0f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=50, help="concurrent calls")
    parser.add_argument("--turns", type=int, default=20, help="turns per call")
    parser.add_argument("--runs", type=int, default=3, help="load runs (min and median)")
    parser.add_argument("--ttfa-runs", type=int, default=7, help="turns per configuration (median)")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-ttfa", action="store_true")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)  # pydub's audioop notice is not a finding
    if not args.skip_load:
        print("\n".join(bench_load(args.calls, args.turns, args.runs)), end="\n\n", flush=True)
    if not args.skip_ttfa:
        print("\n".join(bench_ttfa(args.ttfa_runs)), flush=True)


if __name__ == "__main__":
    main()
