"""The ``openai`` caller engine: the caller's replies from a Chat Completions model, streamed.

Works with OpenAI and with any OpenAI-compatible server behind ``base_url`` (Ollama, vLLM, llama.cpp
server, LM Studio). The SDK is imported when the engine is built, never with this module's import, so
``callersim --help`` does not pay for it.

Retries are ours, not the SDK's (the client is built with ``max_retries=0``): the SDK would wait up to
two minutes per ``Retry-After`` and retry timeouts too, so a turn could hang for several minutes. Here a
turn waits at most a few seconds between tries, and a server asking for a longer pause is reported at
once. Every SDK exception becomes one ``EngineError`` sentence from the table in ``_translate``; nothing
the server sent (bodies, headers, messages that may echo the key) reaches the user.
"""

from __future__ import annotations

import email.utils
import json
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from callersim_cli.conversation import Context, Message, system_prompt
from callersim_cli.engines import DEFAULT_OPENAI_MODEL, EngineOptions
from callersim_cli.errors import EngineError

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletionMessageParam

OPENAI_BASE_URL = "https://api.openai.com/v1"
# Servers that need no key still get one: the SDK refuses to build a client without.
NO_KEY_PLACEHOLDER = "callersim-no-key"
CONNECT_TIMEOUT_S = 5.0

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How long a request may wait on rate limits and server hiccups before the user hears about it.

    At most ``attempts - 1`` waits of at most ``max_wait_s`` each: 20 s in all with the defaults.
    """

    attempts: int = 3  # the first try and two retries
    backoff_s: float = 0.5  # the first wait when the server names none; doubled on each retry
    max_wait_s: float = 10.0  # a Retry-After longer than this is reported instead of waited for

    def wait_s(self, retry: int, retry_after: float | None) -> float:
        """Seconds before retry number ``retry`` (0-based): the server's word, else jittered backoff."""
        if retry_after is not None and retry_after > 0:
            return min(retry_after, self.max_wait_s)
        # Jitter down by up to a quarter, as the SDK does, so that clients rate-limited together
        # do not all come back at the same instant.
        return min(self.backoff_s * 2**retry, self.max_wait_s) * (1 - 0.25 * random.random())


DEFAULT_RETRY = RetryPolicy()

JUDGE_PROMPT = (
    "You review recorded phone calls between a business (the operator, which may be an IVR or a phone "
    "bot) and a customer (the caller). Decide whether the caller reached its goal on this call, judging "
    "only by what was said and the keys pressed, and give the reason in one sentence.\n\n"
    "Business description:\n{description}\n\nCaller goal:\n{scenario}"
)

VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "goal_reached": {"type": "boolean"},
        "reason": {"type": "string", "description": "One sentence saying why."},
    },
    "required": ["goal_reached", "reason"],
    "additionalProperties": False,
}


class OpenAIEngine:
    """A caller engine over the Chat Completions API; one client per engine, reused by every turn."""

    name = "openai"

    def __init__(self, options: EngineOptions, *, retry: RetryPolicy = DEFAULT_RETRY) -> None:
        try:
            import openai
        except ImportError as exc:  # a core dependency, but a broken environment gets a hint, not a traceback
            raise EngineError("The openai engine needs the openai package: pip install openai") from exc
        self.model = options.model or DEFAULT_OPENAI_MODEL
        self.seed = options.seed
        self.timeout_s = options.timeout_s
        self.retry = retry
        # Passed explicitly even for OpenAI itself: the SDK would otherwise read OPENAI_BASE_URL.
        self.base_url = (options.base_url or OPENAI_BASE_URL).rstrip("/")
        self._custom_server = options.base_url is not None and self.base_url != OPENAI_BASE_URL
        key = options.api_key
        if not key:
            if not self._custom_server:
                raise EngineError(
                    "The openai engine needs a key: set OPENAI_API_KEY, or give the base URL of a local "
                    "OpenAI-compatible server"
                )
            key = NO_KEY_PLACEHOLDER
        self._client = openai.OpenAI(
            api_key=key,  # explicit: never the SDK's own read of the environment
            base_url=self.base_url,
            # Interactive: a dead server is reported in seconds; the read timeout is the longest
            # silence tolerated, before the first token and between tokens.
            timeout=openai.Timeout(options.timeout_s, connect=min(CONNECT_TIMEOUT_S, options.timeout_s)),
            max_retries=0,  # see the module docstring: _with_retries does it within bounds
        )

    @property
    def server(self) -> str:
        """Who answers, as named in error sentences; never with credentials from the URL."""
        return "OpenAI" if not self._custom_server else f"The server at {display_url(self.base_url)}"

    def close(self) -> None:
        """Release the client's connections."""
        self._client.close()

    # --- the caller's turn -----------------------------------------------------------------------

    def stream(self, context: Context, messages: Sequence[Message]) -> Iterator[str]:
        """The caller's next reply to the whole history, as text pieces in the order they arrive."""
        history = list(messages)
        if not history or history[0].get("role") != "system":
            history.insert(0, {"role": "system", "content": system_prompt(context)})
        extra: dict[str, Any] = {} if self.seed is None else {"seed": self.seed}

        def start() -> openai.Stream[Any]:
            return self._client.chat.completions.create(
                model=self.model, messages=_as_params(history), stream=True, **extra
            )

        response = self._with_retries(start)
        import openai

        received = False
        finish_reason: str | None = None
        # Closing the response on the way out (done, failed, or the consumer stopped on Ctrl-C)
        # releases the connection instead of leaving the server talking to no one.
        with response:
            try:
                for chunk in response:
                    # Some servers send chunks without choices (usage, Azure's filter results).
                    for choice in (chunk.choices or [])[:1]:
                        # getattr: chunks are built without validation, and lax servers omit fields.
                        finish_reason = getattr(choice, "finish_reason", None) or finish_reason
                        piece = getattr(getattr(choice, "delta", None), "content", None)
                        if piece:
                            received = True
                            yield piece
            except openai.OpenAIError as exc:
                # Servers send the headers before the first token, so a slow start times out here too.
                raise self._translate(exc, mid_stream=True, replying=received) from exc
            except json.JSONDecodeError as exc:
                raise EngineError(
                    f"{self.server} sent a reply that is not Chat Completions data: check the base URL"
                ) from exc
        if not received:
            if finish_reason == "content_filter":
                raise EngineError(
                    f"{self.model} withheld its reply (content filter): rephrase the line and send it"
                )
            raise EngineError(f"{self.server} sent an empty reply from {self.model}: send the line again")

    # --- the verdict -----------------------------------------------------------------------------

    def verdict(self, context: Context, messages: Sequence[Message]) -> tuple[bool, str]:
        """Whether the caller reached its goal on this call, and why in one sentence.

        One non-streaming call with a JSON-schema response format over the call's transcript.
        """
        lines = transcript_lines(messages)
        if not lines:
            return False, "Nothing was said on the call."
        judge = JUDGE_PROMPT.format(description=context.description, scenario=context.scenario)
        request: list[Message] = [
            {"role": "system", "content": judge},
            {"role": "user", "content": "Transcript:\n" + "\n".join(lines)},
        ]
        extra: dict[str, Any] = {} if self.seed is None else {"seed": self.seed}
        response_format: Any = {
            "type": "json_schema",
            "json_schema": {"name": "call_verdict", "strict": True, "schema": VERDICT_SCHEMA},
        }

        def call() -> Any:
            return self._client.chat.completions.create(
                model=self.model, messages=_as_params(request), response_format=response_format, **extra
            )

        completion = self._with_retries(call)
        # getattr: a lax server may answer without choices, or with a choice without a message.
        choices = getattr(completion, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        if message is not None and getattr(message, "refusal", None):
            raise EngineError(f"{self.model} declined to judge the call: try another model")
        content = getattr(message, "content", None)
        try:
            return parse_verdict(content or "")
        except ValueError as exc:
            raise EngineError(
                f"{self.server} did not return a verdict in the expected format: try a model with "
                "structured outputs"
            ) from exc

    # --- errors and retries ----------------------------------------------------------------------

    def _with_retries(self, request: Callable[[], T]) -> T:
        """Send a request, retrying rate limits and transient failures within the retry policy."""
        import openai

        attempts = max(1, self.retry.attempts)
        for attempt in range(attempts):
            try:
                return request()
            except openai.OpenAIError as exc:
                last_try = attempt == attempts - 1
                if last_try or not _retryable(exc):
                    raise self._translate(exc, retries=attempt) from exc
                retry_after = _retry_after(exc)
                if retry_after is not None and retry_after > self.retry.max_wait_s:
                    # Waiting that long in silence is worse than saying so: the user decides.
                    raise self._translate(exc, retries=attempt, retry_after=retry_after) from exc
                time.sleep(self.retry.wait_s(attempt, retry_after))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _translate(
        self,
        exc: Exception,
        *,
        retries: int = 0,
        retry_after: float | None = None,
        mid_stream: bool = False,
        replying: bool = False,
    ) -> EngineError:
        """The one table from SDK exceptions to sentences. Only our own words, the status and the
        model name go in: server messages can echo the key or carry whole request bodies."""
        import openai

        who, model = self.server, self.model
        status = getattr(exc, "status_code", None)
        code = _safe_code(getattr(exc, "code", None))
        message = str(getattr(exc, "message", "") or "").lower()

        if mid_stream:
            if isinstance(exc, openai.APITimeoutError):
                if replying:
                    return EngineError(
                        f"{who} went silent mid-reply for {self.timeout_s:g} s: send the line again"
                    )
                # Silent before the first token: the same as no answer at all, below.
            elif isinstance(exc, openai.APIConnectionError):
                return EngineError(f"{who} cut the reply off mid-stream: send the line again")
            elif isinstance(exc, openai.APIError) and not isinstance(exc, openai.APIStatusError):
                return EngineError(f"{who} reported an error mid-reply: send the line again")

        if isinstance(exc, openai.APITimeoutError):
            return EngineError(
                f"{who} did not answer within {self.timeout_s:g} s: "
                "send the line again, or allow a longer timeout"
            )
        if isinstance(exc, openai.APIConnectionError):
            hint = "is the server running?" if self._custom_server else "check your network connection"
            return EngineError(f"Can't reach {display_url(self.base_url)} — {hint}")
        if isinstance(exc, openai.AuthenticationError):
            key_owner = "OpenAI" if not self._custom_server else who
            return EngineError(f"{key_owner} rejected the key (401): check OPENAI_API_KEY")
        if isinstance(exc, openai.PermissionDeniedError):
            return EngineError(
                f"{who} refused access to {model} (403): check the key's project and permissions"
            )
        if isinstance(exc, openai.NotFoundError):
            if self._custom_server and code != "model_not_found" and "model" not in message:
                return EngineError(
                    f"{who} has no Chat Completions endpoint (404): "
                    "check the base URL, which usually ends in /v1"
                )
            return EngineError(f"{who} has no model named {model!r} (404): check the model name")
        if isinstance(exc, openai.RateLimitError):
            if code == "insufficient_quota":
                return EngineError(
                    f"{who} says the account has no quota left (429): check the plan and billing"
                )
            if retry_after is not None:
                return EngineError(
                    f"{who} is rate limiting requests (429) and asks to wait {retry_after:.0f} s: "
                    "send the line again then"
                )
            tries = f" after {retries + 1} tries" if retries else ""
            return EngineError(
                f"{who} is rate limiting requests (429){tries}: wait a minute and send the line again"
            )
        if isinstance(exc, openai.BadRequestError) and (
            code == "context_length_exceeded" or "context length" in message or "maximum context" in message
        ):
            return EngineError(f"The call is too long for {model} (400): start a new call with /reset")
        if isinstance(exc, openai.APIStatusError):
            detail = f"{status}, {code}" if code else f"{status}"
            if status is not None and status >= 500:
                return EngineError(f"{who} had a server error ({detail}): send the line again in a moment")
            return EngineError(f"{who} refused the request ({detail}): run with --debug for details")
        if isinstance(exc, openai.APIError):
            return EngineError(
                f"{who} sent a response callersim could not read: check it is OpenAI-compatible"
            )
        return EngineError(f"The OpenAI client failed ({type(exc).__name__}): run with --debug for details")


def _retryable(exc: Exception) -> bool:
    """Rate limits, server errors and dropped connections may pass; timeouts have cost the user enough."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return False
    if isinstance(exc, openai.APIConnectionError):
        return True
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429:
            return _safe_code(exc.code) != "insufficient_quota"  # no wait will add quota
        return exc.status_code in (408, 409) or exc.status_code >= 500
    return False


def _retry_after(exc: Exception) -> float | None:
    """The server's requested pause in seconds, from ``retry-after-ms`` or ``Retry-After``."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    for header, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(header)
        if value is None:
            continue
        try:
            return float(value) / divisor
        except ValueError:
            pass
    when = headers.get("retry-after")
    if when:
        try:
            return email.utils.parsedate_to_datetime(when).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return None


def _safe_code(code: object) -> str | None:
    """An error code fit to show: a short identifier, never free text from the server."""
    if isinstance(code, str) and re.fullmatch(r"[A-Za-z0-9_.\-]{1,40}", code):
        return code
    return None


def _as_params(messages: list[Message]) -> list[ChatCompletionMessageParam]:
    # Our messages are the plain role/content dicts the API takes; the SDK's types are TypedDicts.
    return messages  # type: ignore[return-value]


def display_url(url: str) -> str:
    """The URL without user:password@, which some people put in base URLs."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def transcript_lines(messages: Sequence[Message]) -> list[str]:
    """The call as the judge reads it: one ``Operator:``/``Caller:`` line per message, no system prompt."""
    speakers = {"user": "Operator", "assistant": "Caller"}
    return [
        f"{speakers[m['role']]}: {' '.join(m['content'].split())}"
        for m in messages
        if m.get("role") in speakers and m.get("content", "").strip()
    ]


def parse_verdict(content: str) -> tuple[bool, str]:
    """``{"goal_reached": bool, "reason": str}`` from the judge's reply; ValueError if it is not that.

    Servers without structured outputs often wrap the object in prose or a code fence, so the first
    ``{...}`` in the text is tried when the whole is not JSON.
    """
    try:
        data = json.loads(content)
    except ValueError:
        found = re.search(r"\{.*\}", content, re.S)
        if not found:
            raise ValueError("no JSON object in the verdict") from None
        data = json.loads(found.group(0))
    if not isinstance(data, dict):
        raise ValueError("the verdict is not a JSON object")
    reached, reason = data.get("goal_reached"), data.get("reason")
    if not isinstance(reached, bool) or not isinstance(reason, str):
        raise ValueError("the verdict lacks goal_reached or reason")
    return reached, " ".join(reason.split())
