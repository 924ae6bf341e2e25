"""A real phone call: ElevenLabs' conversational agent rings a number through Twilio, as the caller.

The agent is one set up in ElevenLabs (``ELEVENLABS_AGENT_ID``) with a Twilio number imported there
(``ELEVENLABS_AGENT_PHONE_NUMBER_ID``); each call overrides its prompt with the caller's (the original
wording, with the business and the goal) and its first message. ``callersim call`` and the server's
``POST /api/call`` both place calls here. The SDK is imported when a call is placed, and the key is
passed to it explicitly.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from callersim_cli.conversation import DEFAULT_SCENARIO, ORIGINAL_PROMPT
from callersim_cli.errors import CallersimError, UsageError
from callersim_cli.exit_codes import ExitCode
from callersim_cli.options import flag, same_flag
from callersim_cli.scenario_file import CallSettings

if TYPE_CHECKING:
    from callersim_cli.environment import Environment

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
E164_ERROR = "Phone number must be in E.164 format, for example +15551234567."
SETTINGS = ("ELEVENLABS_API_KEY", "ELEVENLABS_AGENT_ID", "ELEVENLABS_AGENT_PHONE_NUMBER_ID")
FIRST_MESSAGE = "Hi, I'm calling because I'd like to {scenario}."
DEFAULT_BASE_URL = "https://api.elevenlabs.io"
TIMEOUT_S = 30.0


class PhoneNumberError(UsageError):
    """The number is not one a call can be placed to."""


class PhoneSetupError(UsageError):
    """Settings a phone call needs are missing here."""


class PhoneCallError(CallersimError):
    """ElevenLabs did not place the call."""


@dataclass(frozen=True)
class PlacedCall:
    to_number: str
    conversation_id: str | None
    call_sid: str | None
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "to_number": self.to_number,
            "conversation_id": self.conversation_id,
            "call_sid": self.call_sid,
            "message": self.message,
        }


def check_number(to_number: str | None) -> str:
    number = (to_number or "").strip()
    if not E164.match(number):
        raise PhoneNumberError(E164_ERROR)
    return number


def caller_prompt(description: str, scenario: str) -> str:
    """The agent's prompt: the caller's instructions as the text engines get them, without the
    keypad convention (the agent speaks; it has no brackets to write)."""
    return ORIGINAL_PROMPT.format(description=description, scenario=scenario)


def place_call(
    to_number: str | None, description: str, scenario: str | None, env: Mapping[str, str | None]
) -> PlacedCall:
    """Ring ``to_number`` with the caller of ``description`` and ``scenario``. Raises
    ``PhoneNumberError``, ``PhoneSetupError`` (naming what is missing) or ``PhoneCallError``."""
    number = check_number(to_number)
    missing = [name for name in SETTINGS if not env.get(name)]
    if missing:
        raise PhoneSetupError(
            f"Phone calls need {', '.join(missing)} set: the ElevenLabs agent and its Twilio number"
        )
    scenario = (scenario or "").strip() or DEFAULT_SCENARIO
    key = env["ELEVENLABS_API_KEY"] or ""
    url = (env.get("ELEVENLABS_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")

    import httpx
    from elevenlabs import (
        AgentConfigOverrideInput,
        ConversationConfigClientOverrideInput,
        ConversationInitiationClientDataRequestInput,
        PromptAgentApiModelOverrideInput,
    )
    from elevenlabs.client import ElevenLabs
    from elevenlabs.core.api_error import ApiError

    from callersim_cli.voices.elevenlabs_voice import error_detail

    overrides = ConversationInitiationClientDataRequestInput(
        conversation_config_override=ConversationConfigClientOverrideInput(
            agent=AgentConfigOverrideInput(
                prompt=PromptAgentApiModelOverrideInput(prompt=caller_prompt(description, scenario)),
                first_message=FIRST_MESSAGE.format(scenario=scenario),
            )
        )
    )
    with httpx.Client(timeout=TIMEOUT_S) as http:
        client = ElevenLabs(api_key=key, base_url=url, timeout=TIMEOUT_S, httpx_client=http)
        try:
            answer = client.conversational_ai.twilio.outbound_call(
                agent_id=env["ELEVENLABS_AGENT_ID"] or "",
                agent_phone_number_id=env["ELEVENLABS_AGENT_PHONE_NUMBER_ID"] or "",
                to_number=number,
                conversation_initiation_client_data=overrides,
                request_options={"max_retries": 0},  # a retried call could ring the number twice
            )
        except ApiError as exc:
            status, message = error_detail(exc.body)
            why = " ".join((message or status or "").split())[:200]
            raise PhoneCallError(
                _hide(
                    f"ElevenLabs did not place the call (HTTP {exc.status_code}{': ' + why if why else ''})",
                    key,
                )
            ) from None
        except httpx.TimeoutException:
            raise PhoneCallError(
                f"ElevenLabs did not answer within {TIMEOUT_S:g} s at {url}: try again"
            ) from None
        except httpx.TransportError:
            raise PhoneCallError(
                f"Can't reach ElevenLabs at {url} — check the network or the base URL"
            ) from None
    if not answer.success:
        raise PhoneCallError(_hide(f"ElevenLabs did not place the call: {answer.message}", key))
    return PlacedCall(number, answer.conversation_id, answer.call_sid, answer.message)


def _hide(text: str, key: str) -> str:
    return text.replace(key, "[redacted]") if key else text


@dataclass
class CallOptions:
    """`callersim call`'s options: the number, and the business and goal of the caller who rings it."""

    to_number: str = flag(
        default=dataclasses.MISSING,
        help="The number to ring, in E.164 format (+15551234567).",
        metavar="NUMBER",
    )
    description: str | None = same_flag(CallSettings, "description")
    scenario: str | None = same_flag(CallSettings, "scenario")


def run_call(options: CallOptions, env: Environment) -> int:
    """Place the call and say so in one line; the conversation itself happens on the phone."""
    description = (options.description or "").strip()
    try:
        if not description:
            raise UsageError("No description provided")
        placed = place_call(options.to_number, description, options.scenario, env.vars)
    except CallersimError as exc:
        env.error(str(exc))
        if env.debug:
            env.traceback()
        return ExitCode.USAGE if isinstance(exc, UsageError) else ExitCode.CALL_FAILED
    ids = ", ".join(
        f"{name} {value}"
        for name, value in (("conversation", placed.conversation_id), ("call", placed.call_sid))
        if value
    )
    print(f"Calling {placed.to_number}: {placed.message}" + (f" ({ids})" if ids else ""))
    return ExitCode.OK
