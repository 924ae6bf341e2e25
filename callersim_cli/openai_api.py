"""What the openai engine and the openai judge share: the client, our own retries, and the one table from
SDK errors to sentences, with the retry decision in the same row (as aider's ``exceptions.py``).

Works with OpenAI and with any OpenAI-compatible server behind ``base_url`` (Ollama, vLLM, llama.cpp
server, LM Studio). The SDK is imported when a client is built, never with this module's import, so
``callersim --help`` does not pay for it.

Retries are ours, not the SDK's (the client is built with ``max_retries=0``): the SDK would wait up to
two minutes per ``Retry-After`` and retry timeouts too, so a turn could hang for several minutes. Here a
request waits at most a few seconds between tries, and a server asking for a longer pause is reported at
once. Every SDK exception becomes one ``EngineError`` sentence from ``ERRORS``; nothing the server sent
(bodies, headers, messages that may echo the key) reaches the user.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from callersim_cli.conversation import Message
from callersim_cli.engines import DEFAULT_OPENAI_MODEL, OpenAIOptions
from callersim_cli.errors import EngineError

if TYPE_CHECKING:
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


# --- the table ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """What is known of a failed request: what rows are matched against (never shown as it is)."""

    exc: Exception
    status: int | None
    code: str | None  # a short identifier, never free text
    message: str  # the server's message, lowercased: matched, never shown
    custom_server: bool
    mid_stream: bool = False  # the reply had started streaming
    replying: bool = False  # and some of it had arrived
    retry_after: float | None = None  # set when the server asked for a longer wait than we allow


@dataclass(frozen=True)
class ExInfo:
    """One row: an SDK exception (by its name in ``openai``) and what else must hold; whether trying
    again may help; and the sentence, filled with ``who``, ``model``, ``url``, ``hint``, ``timeout``,
    ``detail``, ``tries`` and ``wait``."""

    exception: str
    retry: bool
    sentence: str
    when: Callable[[Failure], bool] = lambda failure: True


def _too_long(failure: Failure) -> bool:
    return failure.code == "context_length_exceeded" or any(
        words in failure.message for words in ("context length", "maximum context")
    )


# The first row that matches decides. Subclasses come before their bases (APITimeoutError is an
# APIConnectionError; AuthenticationError and the rest are APIStatusErrors, which are APIErrors).
ERRORS: tuple[ExInfo, ...] = (
    ExInfo(
        "APITimeoutError",
        False,
        "{who} went silent mid-reply for {timeout:g} s: send the line again",
        lambda f: f.mid_stream and f.replying,
    ),
    # Silent before the first token, mid-stream or not: the same as no answer at all.
    ExInfo(
        "APITimeoutError",
        False,
        "{who} did not answer within {timeout:g} s: send the line again, or allow a longer timeout",
    ),
    ExInfo(
        "APIConnectionError",
        False,
        "{who} cut the reply off mid-stream: send the line again",
        lambda f: f.mid_stream,
    ),
    ExInfo("APIConnectionError", True, "Can't reach {url} — {hint}"),
    ExInfo("AuthenticationError", False, "{key_owner} rejected the key (401): check OPENAI_API_KEY"),
    ExInfo(
        "PermissionDeniedError",
        False,
        "{who} refused access to {model} (403): check the key's project and permissions",
    ),
    ExInfo(
        "NotFoundError",
        False,
        "{who} has no Chat Completions endpoint (404): check the base URL, which usually ends in /v1",
        lambda f: f.custom_server and f.code != "model_not_found" and "model" not in f.message,
    ),
    ExInfo("NotFoundError", False, "{who} has no model named {model!r} (404): check the model name"),
    ExInfo(
        "RateLimitError",
        False,  # no wait will add quota
        "{who} says the account has no quota left (429): check the plan and billing",
        lambda f: f.code == "insufficient_quota",
    ),
    ExInfo(
        "RateLimitError",
        True,
        "{who} is rate limiting requests (429) and asks to wait {wait:.0f} s: send the line again then",
        lambda f: f.retry_after is not None,
    ),
    ExInfo(
        "RateLimitError",
        True,
        "{who} is rate limiting requests (429){tries}: wait a minute and send the line again",
    ),
    ExInfo(
        "BadRequestError",
        False,
        "The call is too long for {model} (400): start a new call with /reset",
        _too_long,
    ),
    ExInfo(
        "APIStatusError",
        True,
        "{who} had a server error ({detail}): send the line again in a moment",
        lambda f: f.status is not None and f.status >= 500,
    ),
    ExInfo(
        "APIStatusError",
        True,  # a request timeout or a conflict may pass
        "{who} refused the request ({detail}): run with --debug for details",
        lambda f: f.status in (408, 409),
    ),
    ExInfo("APIStatusError", False, "{who} refused the request ({detail}): run with --debug for details"),
    ExInfo(
        "APIError", False, "{who} reported an error mid-reply: send the line again", lambda f: f.mid_stream
    ),
    ExInfo(
        "APIError", False, "{who} sent a response callersim could not read: check it is OpenAI-compatible"
    ),
)
UNKNOWN = ExInfo("Exception", False, "The OpenAI client failed ({name}): run with --debug for details")


def lookup(failure: Failure) -> ExInfo:
    """The row for ``failure``: the first whose exception it is and whose condition holds."""
    import openai

    for row in ERRORS:
        if isinstance(failure.exc, getattr(openai, row.exception)) and row.when(failure):
            return row
    return UNKNOWN


# --- the client -----------------------------------------------------------------------------------------


class OpenAIClient:
    """One SDK client with bounded retries and errors as sentences; shared by nothing, closed by its owner."""

    def __init__(self, options: OpenAIOptions, *, retry: RetryPolicy = DEFAULT_RETRY) -> None:
        import openai  # found by the registry first: its row says how to install it

        self.model = options.model or DEFAULT_OPENAI_MODEL
        self.seed = options.seed
        self.timeout_s = options.timeout_s
        self.retry = retry
        # Passed explicitly even for OpenAI itself: the SDK would otherwise read OPENAI_BASE_URL.
        self.base_url = (options.base_url or OPENAI_BASE_URL).rstrip("/")
        self.custom_server = options.base_url is not None and self.base_url != OPENAI_BASE_URL
        self.sdk = openai.OpenAI(
            # Explicit: never the SDK's own read of the environment. Without a key (a local server, or a
            # caller that skipped the registry's check) a placeholder goes, and a server that wants a
            # key says so as a 401, which becomes "rejected the key".
            api_key=options.api_key or NO_KEY_PLACEHOLDER,
            base_url=self.base_url,
            # Interactive: a dead server is reported in seconds; the read timeout is the longest
            # silence tolerated, before the first token and between tokens.
            timeout=openai.Timeout(options.timeout_s, connect=min(CONNECT_TIMEOUT_S, options.timeout_s)),
            max_retries=0,  # see the module docstring: with_retries does it within bounds
        )

    @property
    def server(self) -> str:
        """Who answers, as named in error sentences; never with credentials from the URL."""
        return "OpenAI" if not self.custom_server else f"The server at {display_url(self.base_url)}"

    def seeded(self) -> dict[str, Any]:
        """The request's seed, when there is one."""
        return {} if self.seed is None else {"seed": self.seed}

    def close(self) -> None:
        """Release the client's connections."""
        self.sdk.close()

    def with_retries(self, request: Callable[[], T]) -> T:
        """Send a request, retrying what the table says may pass, within the retry policy."""
        import openai

        attempts = max(1, self.retry.attempts)
        for attempt in range(attempts):
            try:
                return request()
            except openai.OpenAIError as exc:
                if attempt == attempts - 1 or not lookup(self.failure(exc)).retry:
                    raise self.translate(exc, retries=attempt) from exc
                retry_after = _retry_after(exc)
                if retry_after is not None and retry_after > self.retry.max_wait_s:
                    # Waiting that long in silence is worse than saying so: the user decides.
                    raise self.translate(exc, retries=attempt, retry_after=retry_after) from exc
                time.sleep(self.retry.wait_s(attempt, retry_after))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def translate(
        self,
        exc: Exception,
        *,
        retries: int = 0,
        retry_after: float | None = None,
        mid_stream: bool = False,
        replying: bool = False,
    ) -> EngineError:
        """The sentence for an SDK exception. Only our own words, the status and the model name go in:
        server messages can echo the key or carry whole request bodies."""
        failure = self.failure(exc, mid_stream=mid_stream, replying=replying, retry_after=retry_after)
        who = self.server
        sentence = lookup(failure).sentence.format(
            who=who,
            key_owner="OpenAI" if not self.custom_server else who,
            model=self.model,
            url=display_url(self.base_url),
            hint="is the server running?" if self.custom_server else "check your network connection",
            timeout=self.timeout_s,
            detail=f"{failure.status}, {failure.code}" if failure.code else f"{failure.status}",
            tries=f" after {retries + 1} tries" if retries else "",
            wait=retry_after or 0.0,
            name=type(exc).__name__,
        )
        return EngineError(sentence)

    def failure(self, exc: Exception, **situation: Any) -> Failure:
        """What the table is matched against, for ``exc`` in ``situation`` (mid_stream, replying...)."""
        return Failure(
            exc=exc,
            status=getattr(exc, "status_code", None),
            code=_safe_code(getattr(exc, "code", None)),
            message=str(getattr(exc, "message", "") or "").lower(),
            custom_server=self.custom_server,
            **situation,
        )


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


def as_params(messages: list[Message]) -> list[ChatCompletionMessageParam]:
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
