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

_REVIEWER = (
    "You review recorded phone calls between a business (the operator, which may be an IVR or a phone "
    "bot) and a customer (the caller). "
)
_THE_CALL = "\n\nBusiness description:\n{description}\n\nCaller goal:\n{scenario}"

JUDGE_PROMPT = (
    _REVIEWER + "Decide whether the caller reached its goal on this call, judging only by what was said "
    "and the keys pressed, and give the reason in one sentence." + _THE_CALL
)


def _strict_object(**properties: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema object as strict structured outputs take it: every property required, no others."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_REASON = {"type": "string", "description": "One sentence saying why."}
VERDICT_SCHEMA = _strict_object(goal_reached={"type": "boolean"}, reason=_REASON)


CRITERIA_PROMPT = (
    _REVIEWER + "For each numbered statement about the call, decide whether it is true of this call, "
    "judging only by what was said and the keys pressed, and give the reason in one sentence. Answer for "
    "every statement, in the order given." + _THE_CALL
)

CRITERIA_SCHEMA = _strict_object(
    results={"type": "array", "items": _strict_object(met={"type": "boolean"}, reason=_REASON)}
)


class OpenAIJudge:
    name = "openai"

    def __init__(self, options: OpenAIOptions, *, retry: RetryPolicy = DEFAULT_RETRY) -> None:
        self._api = OpenAIClient(options, retry=retry)

    def close(self) -> None:
        self._api.close()

    def verdict(self, context: Context, messages: Sequence[Message]) -> tuple[bool, str]:
        """Whether the caller reached its goal on this call, and why in one sentence."""
        lines = transcript_lines(messages)
        if not lines:
            return False, "Nothing was said on the call."
        judge = JUDGE_PROMPT.format(description=context.description, scenario=context.scenario)
        content = self._ask(judge, "Transcript:\n" + "\n".join(lines), "call_verdict", VERDICT_SCHEMA)
        try:
            return parse_verdict(content)
        except ValueError as exc:
            raise self._unexpected("a verdict") from exc

    def criteria(
        self, context: Context, messages: Sequence[Message], criteria: Sequence[str]
    ) -> list[tuple[bool, str]]:
        """For each statement about the call, whether it holds and why, in the order given."""
        lines = transcript_lines(messages)
        if not lines:
            return [(False, "Nothing was said on the call.") for _ in criteria]
        judge = CRITERIA_PROMPT.format(description=context.description, scenario=context.scenario)
        numbered = [f"{n}. {criterion}" for n, criterion in enumerate(criteria, start=1)]
        request = "\n".join(["Transcript:", *lines, "", "Statements:", *numbered])
        content = self._ask(judge, request, "call_criteria", CRITERIA_SCHEMA)
        try:
            return parse_criteria(content, len(criteria))
        except ValueError as exc:
            raise self._unexpected("its findings") from exc

    def _ask(self, instructions: str, request: str, name: str, schema: dict[str, Any]) -> str:
        """The model's answer to one structured-output request, as text."""
        api = self._api
        messages: list[Message] = [
            {"role": "system", "content": instructions},
            {"role": "user", "content": request},
        ]
        response_format: Any = {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": schema},
        }

        def call() -> Any:
            return api.sdk.chat.completions.create(
                model=api.model, messages=as_params(messages), response_format=response_format, **api.seeded()
            )

        completion = api.with_retries(call)
        # getattr: a lax server may answer without choices, or with a choice without a message.
        choices = getattr(completion, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        if message is not None and getattr(message, "refusal", None):
            raise EngineError(f"{api.model} declined to judge the call: try another model")
        return getattr(message, "content", None) or ""

    def _unexpected(self, what: str) -> EngineError:
        return EngineError(
            f"{self._api.server} did not return {what} in the expected format: try a model with "
            "structured outputs"
        )


def transcript_lines(messages: Sequence[Message]) -> list[str]:
    """The call as the judge reads it: one ``Operator:``/``Caller:`` line per message, no system prompt."""
    speakers = {"user": "Operator", "assistant": "Caller"}
    return [
        f"{speakers[m['role']]}: {' '.join(m['content'].split())}"
        for m in messages
        if m.get("role") in speakers and m.get("content", "").strip()
    ]


def _json_object(content: str) -> dict[str, Any]:
    """The JSON object in the judge's reply; ValueError if there is none.

    Servers without structured outputs often wrap the object in prose or a code fence, so the first
    ``{...}`` in the text is tried when the whole is not JSON.
    """
    try:
        data = json.loads(content)
    except ValueError:
        found = re.search(r"\{.*\}", content, re.S)
        if not found:
            raise ValueError("no JSON object in the answer") from None
        data = json.loads(found.group(0))
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    return data


def parse_verdict(content: str) -> tuple[bool, str]:
    """``{"goal_reached": bool, "reason": str}`` from the judge's reply; ValueError if it is not that."""
    data = _json_object(content)
    reached, reason = data.get("goal_reached"), data.get("reason")
    if not isinstance(reached, bool) or not isinstance(reason, str):
        raise ValueError("the verdict lacks goal_reached or reason")
    return reached, " ".join(reason.split())


def parse_criteria(content: str, count: int) -> list[tuple[bool, str]]:
    """``{"results": [{"met": bool, "reason": str}, ...]}``, one per statement; ValueError if not that."""
    results = _json_object(content).get("results")
    if not isinstance(results, list) or len(results) != count:
        raise ValueError(f"not {count} results")
    found = []
    for result in results:
        met = result.get("met") if isinstance(result, dict) else None
        reason = result.get("reason") if isinstance(result, dict) else None
        if not isinstance(met, bool) or not isinstance(reason, str):
            raise ValueError("a result lacks met or reason")
        found.append((met, " ".join(reason.split())))
    return found
