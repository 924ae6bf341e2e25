"""The ``openai`` judge: one non-streaming Chat Completions request with a JSON-schema response format
over the call's transcript, on the same model and server as the engine that made the call."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from callersim_cli.conversation import Context, Message
from callersim_cli.engines import OpenAIOptions
from callersim_cli.errors import EngineError
from callersim_cli.openai_api import DEFAULT_RETRY, OpenAIClient, RetryPolicy, as_params

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


class OpenAIJudge:
    name = "openai"

    def __init__(self, options: OpenAIOptions, *, retry: RetryPolicy = DEFAULT_RETRY) -> None:
        self._api = OpenAIClient(options, retry=retry)

    def close(self) -> None:
        self._api.close()

    def verdict(self, context: Context, messages: Sequence[Message]) -> tuple[bool, str]:
        """Whether the caller reached its goal on this call, and why in one sentence."""
        api = self._api
        lines = transcript_lines(messages)
        if not lines:
            return False, "Nothing was said on the call."
        judge = JUDGE_PROMPT.format(description=context.description, scenario=context.scenario)
        request: list[Message] = [
            {"role": "system", "content": judge},
            {"role": "user", "content": "Transcript:\n" + "\n".join(lines)},
        ]
        response_format: Any = {
            "type": "json_schema",
            "json_schema": {"name": "call_verdict", "strict": True, "schema": VERDICT_SCHEMA},
        }

        def call() -> Any:
            return api.sdk.chat.completions.create(
                model=api.model, messages=as_params(request), response_format=response_format, **api.seeded()
            )

        completion = api.with_retries(call)
        # getattr: a lax server may answer without choices, or with a choice without a message.
        choices = getattr(completion, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        if message is not None and getattr(message, "refusal", None):
            raise EngineError(f"{api.model} declined to judge the call: try another model")
        content = getattr(message, "content", None)
        try:
            return parse_verdict(content or "")
        except ValueError as exc:
            raise EngineError(
                f"{api.server} did not return a verdict in the expected format: try a model with "
                "structured outputs"
            ) from exc


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
