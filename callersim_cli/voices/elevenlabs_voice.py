"""The ElevenLabs voice: the caller's text spoken by ElevenLabs' text-to-speech API, through its SDK.

The SDK is imported when the voice is built, never at module import, and the key is always passed to
it explicitly: the SDK's client reads ``ELEVENLABS_API_KEY`` as a default argument when it is imported,
so an environment set up afterwards (a .env file, a test) would otherwise be ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from callersim_cli.audio import Clip
from callersim_cli.errors import VoiceError
from callersim_cli.voices import MAX_CHARS, ElevenLabsOptions, cut_text

if TYPE_CHECKING:
    from elevenlabs.client import ElevenLabs

DEFAULT_VOICE_ID = "JBFqnCBsd6RMkjVDRZzb"
DEFAULT_MODEL = "eleven_turbo_v2_5"  # the low-latency model: the user is waiting for the caller to talk
OUTPUT_FORMAT = "mp3_44100_128"  # available on every plan, and saved to files as received
DEFAULT_BASE_URL = "https://api.elevenlabs.io"

# ElevenLabs names the problem in ``detail.status``; the HTTP code is the fallback. One sentence each,
# filled in with what the user can check. The same status can come with different codes (quota: 401
# from the API, 429 from some proxies), hence the status first.
_SENTENCES: dict[str | int, str] = {
    "invalid_api_key": "ElevenLabs rejected the key (401): check ELEVENLABS_API_KEY",
    401: "ElevenLabs rejected the key (401): check ELEVENLABS_API_KEY",
    "quota_exceeded": "ElevenLabs quota exceeded: top up the account or use another voice",
    "voice_not_found": "ElevenLabs has no voice {voice_id!r} (404): check the voice id",
    404: "ElevenLabs has no voice {voice_id!r} (404): check the voice id",
    "model_not_found": "ElevenLabs has no model {model!r}: check the model name",
    "too_many_concurrent_requests": "ElevenLabs is busy with this key's other requests (429): try again",
    429: "ElevenLabs refused the request (429: rate limit or quota): try again in a moment",
    "timeout": "ElevenLabs did not answer within {timeout:g} s at {url}: try again",
    "unreachable": "Can't reach ElevenLabs at {url} — check the network or the base URL",
    "connection": "Lost the connection to ElevenLabs at {url}: try again",
    "bad_audio": "ElevenLabs sent audio that could not be decoded as MP3",
    "http": "ElevenLabs answered HTTP {status}{detail}",
}


def error_detail(body: Any) -> tuple[str | None, str]:
    """(status, message) from an ElevenLabs error body, which is ``{"detail": {"status", "message"}}``."""
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, dict):
        status = detail.get("status")
        return (status if isinstance(status, str) else None), str(detail.get("message") or "")
    return None, str(detail or body or "")


class ElevenLabsVoice:
    name = "elevenlabs"

    def __init__(self, options: ElevenLabsOptions) -> None:
        # Found by the registry first, which also checked the key: its row says what the voice needs.
        import httpx
        from elevenlabs.client import ElevenLabs

        self._key = options.api_key or ""
        self._voice_id = options.voice_id or DEFAULT_VOICE_ID
        self._model = options.model or DEFAULT_MODEL
        self._timeout_s = options.timeout_s
        self._url = (options.base_url or DEFAULT_BASE_URL).rstrip("/")
        # Our own HTTP client, so that ``close()`` can release its connections.
        self._http = httpx.Client(timeout=options.timeout_s)
        self._client: ElevenLabs = ElevenLabs(
            api_key=self._key, base_url=self._url, timeout=options.timeout_s, httpx_client=self._http
        )

    def close(self) -> None:
        self._http.close()

    def synthesize(self, text: str, *, previous_text: str = "", next_text: str = "") -> Clip:
        import httpx
        from elevenlabs.core.api_error import ApiError

        from callersim_cli.audio_codec import decode_mp3

        text = cut_text(text.strip())
        if not text:
            return Clip(pcm=b"", sample_rate=44100)
        context: dict[str, Any] = {}
        # The neighbours only steer intonation: the nearest text matters, so each is bounded on its near side.
        if previous_text.strip():
            context["previous_text"] = previous_text.strip()[-MAX_CHARS:]
        if next_text.strip():
            context["next_text"] = cut_text(next_text.strip())
        try:
            chunks = self._client.text_to_speech.convert(
                self._voice_id,
                text=text,
                model_id=self._model,
                output_format=OUTPUT_FORMAT,
                # Retrying here would double the user's wait; a failed turn can be spoken again.
                request_options={"max_retries": 0},
                **context,
            )
            mp3 = b"".join(chunks)
        except ApiError as exc:
            raise self._error_for(exc.status_code, exc.body) from exc
        except httpx.TimeoutException as exc:
            raise self._error("timeout") from exc
        except httpx.ConnectError as exc:
            raise self._error("unreachable") from exc
        except httpx.TransportError as exc:
            raise self._error("connection") from exc
        try:
            return decode_mp3(mp3)
        except ValueError as exc:
            raise self._error("bad_audio") from exc

    def _error_for(self, status_code: int | None, body: Any) -> VoiceError:
        status, message = error_detail(body)
        if status in _SENTENCES:
            return self._error(status)
        if status_code in _SENTENCES:
            return self._error(status_code)
        message = " ".join(message.split())[:200]
        return self._error("http", status=status_code, detail=f": {message}" if message else "")

    def _error(self, kind: str | int, **fields: object) -> VoiceError:
        sentence = _SENTENCES[kind].format(
            voice_id=self._voice_id, model=self._model, timeout=self._timeout_s, url=self._url, **fields
        )
        # A server or proxy may echo the key back in a message: it must never reach the screen.
        return VoiceError(sentence.replace(self._key, "***") if self._key else sentence)
