"""The ``openai`` caller engine: the caller's replies from a Chat Completions model, streamed.

Model ``gpt-4o-mini`` unless told, the whole history sent on every turn. The client, the retries and
the error sentences are ``callersim_cli.openai_api``'s, shared with the openai judge.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from callersim_cli.conversation import Context, Message, system_prompt
from callersim_cli.engines import OpenAIOptions
from callersim_cli.errors import EngineError
from callersim_cli.openai_api import DEFAULT_RETRY, OpenAIClient, RetryPolicy, as_params

if TYPE_CHECKING:
    import openai


class OpenAIEngine:
    """A caller engine over the Chat Completions API; one client per engine, reused by every turn."""

    name = "openai"

    def __init__(self, options: OpenAIOptions, *, retry: RetryPolicy = DEFAULT_RETRY) -> None:
        self._api = OpenAIClient(options, retry=retry)
        self.model = self._api.model

    def close(self) -> None:
        self._api.close()

    def stream(self, context: Context, messages: Sequence[Message]) -> Iterator[str]:
        """The caller's next reply to the whole history, as text pieces in the order they arrive."""
        api = self._api
        history = list(messages)
        if not history or history[0].get("role") != "system":
            history.insert(0, {"role": "system", "content": system_prompt(context)})

        def start() -> openai.Stream[Any]:
            return api.sdk.chat.completions.create(
                model=self.model, messages=as_params(history), stream=True, **api.seeded()
            )

        response = api.with_retries(start)
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
                raise api.translate(exc, mid_stream=True, replying=received) from exc
            except json.JSONDecodeError as exc:
                raise EngineError(
                    f"{api.server} sent a reply that is not Chat Completions data: check the base URL"
                ) from exc
            finally:
                # The SDK's event generator refers back to its stream, so a reply cut off (barge-in,
                # Ctrl-C) would leave it to the cyclic collector, which finalizes it at any later moment
                # and, mid-import, prints "Exception ignored in ... Stream._iter_events". Closed here, now.
                events = getattr(response, "_iterator", None)
                if events is not None:
                    events.close()
        if not received:
            if finish_reason == "content_filter":
                raise EngineError(
                    f"{self.model} withheld its reply (content filter): rephrase the line and send it"
                )
            raise EngineError(f"{api.server} sent an empty reply from {self.model}: send the line again")
