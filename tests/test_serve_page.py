"""The page, in a real headless Chromium (Debian's, driven by playwright): set a context, send three
lines, see the replies, and hear the caller: an audio element that really played the streamed MP3s.

Skipped only when no Chromium is installed, and never under CI=true (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from fake_elevenlabs import FakeElevenLabs
from serve_helpers import Served, serve_process

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser() -> Iterator[object]:
    if CHROMIUM is None or not _has_playwright():
        if os.environ.get("CI") == "true":
            pytest.fail("The browser test needs chromium and playwright here: .ci/run installs them")
        pytest.skip("no chromium (apt-get install chromium) or playwright here")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        try:
            yield launched
        finally:
            launched.close()


def _has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture
def served() -> Iterator[Served]:
    with FakeElevenLabs() as voice:  # the voice on loopback: real MP3s, quickly made
        env = {"ELEVENLABS_API_KEY": "xi-test-page-key-1234567890", "ELEVENLABS_BASE_URL": voice.base_url}
        with serve_process("--tts", "elevenlabs", "--seed", "1", env=env) as server:
            yield server


def test_a_call_in_the_page_streams_replies_and_plays_them(browser: object, served: Served) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(served.url + "/")
    page.fill("#description", "We are a pizza restaurant.")
    page.fill("#scenario", "order a large pepperoni pizza")
    page.click("#start")
    page.wait_for_selector("#message:not([disabled])")
    lines = [
        "Thank you for calling Pizza Palace! For delivery, press 1. For pickup, press 2.",
        "Great, delivery it is. What would you like to order today?",
        "And what size would you like?",
    ]
    for n, line in enumerate(lines, start=1):
        page.fill("#message", line)
        page.press("#message", "Enter")
        page.wait_for_selector("#message:not([disabled])")  # the reply is done
        assert page.locator(".business").count() == n
    assert page.get_by_text("☎ presses 1").count() == 1  # the first reply: a key press, no words
    replies = page.eval_on_selector_all(".caller", "els => els.map(e => e.textContent)")
    assert len(replies) == 2 and all(r.strip() for r in replies)
    assert "pepperoni" in replies[0].lower()
    # Every clip streamed (the tones of the key press, then each sentence) played to its end.
    page.wait_for_function("Number(document.getElementById('player').dataset.played) >= 3", timeout=30_000)
    played = page.evaluate(
        "(() => { const a = document.getElementById('player'); return a.played.length; })()"
    )
    assert played >= 1
    assert page.locator(".error").count() == 0
