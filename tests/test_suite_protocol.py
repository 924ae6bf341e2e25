"""The protocol's two rules a bot author relies on, as the README states them: what a bot hears of the
caller's reply (``listen`` decides), and what a bot's event must look like."""

from __future__ import annotations

import pytest

from callersim_cli.actions import parse_actions
from callersim_cli.suite.outcome import RunError
from callersim_cli.suite.protocol import Listen, parse_event
from callersim_cli.suite.protocol import deliver as deliver_events


def heard(reply: str, listen: Listen) -> list[dict]:
    return deliver_events(parse_actions([reply]), listen)


@pytest.mark.parametrize(
    ("reply", "listen", "events"),
    [
        ("Delivery, please.", Listen(), [{"type": "caller", "text": "Delivery, please."}]),
        (
            "Sure. [press 1] And pepperoni.",
            Listen(),
            [
                {"type": "caller", "text": "Sure."},
                {"type": "dtmf", "digits": "1"},
                {"type": "caller", "text": "And pepperoni."},
            ],
        ),
        ("[press 4417#]", Listen(), [{"type": "dtmf", "digits": d} for d in "4417#"]),
        (
            "[press 4417#]",
            Listen(num_digits=4),
            [{"type": "dtmf", "digits": "4417"}, {"type": "dtmf", "digits": "#"}],
        ),
        ("It's 4417. [press 4417]", Listen(input="dtmf", num_digits=4), [{"type": "dtmf", "digits": "4417"}]),
        ("[press 2] Pickup.", Listen(input="speech"), [{"type": "caller", "text": "Pickup."}]),
        ("Pickup, please.", Listen(input="dtmf"), [{"type": "caller", "text": ""}]),  # silence to a keypad
        ("Thanks, bye! [hang up]", Listen(), [{"type": "caller", "text": "Thanks, bye!"}]),
        ("[hang up]", Listen(input="dtmf"), []),  # hanging up is no silence to answer
    ],
)
def test_what_the_bot_hears_of_a_reply(reply: str, listen: Listen, events: list[dict]) -> None:
    assert heard(reply, listen) == events


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ("hello", 'line 2: an event must be a JSON object, not "hello"'),
        (
            {"type": "speak", "text": "x"},
            "line 2: unknown event type 'speak' (the bot may send say, listen, transfer, event, hangup, log)",
        ),
        ({"type": "say"}, "line 2: a say event needs 'text'"),
        ({"type": "say", "text": 5}, "line 2: 'text' of a say event must be text"),
        (
            {"type": "listen", "num_digits": "4"},
            "line 2: 'num_digits' of a listen event must be a whole number",
        ),
        ({"type": "listen", "num_digits": 0}, "line 2: listen's 'num_digits' must be 1 or more"),
        (
            {"type": "listen", "input": "voice"},
            "line 2: listen's 'input' must be dtmf, speech or both, not 'voice'",
        ),
        ({"type": "transfer"}, "line 2: a transfer event needs 'to'"),
    ],
)
def test_a_malformed_event_is_a_protocol_error_saying_what_is_wrong(obj: object, message: str) -> None:
    with pytest.raises(RunError) as info:
        parse_event(obj, "line 2")

    assert info.value.kind == "protocol" and str(info.value) == message


def test_events_carry_what_the_bot_gave() -> None:
    assert parse_event({"type": "listen", "input": "dtmf", "num_digits": 1}, "x") == Listen("dtmf", None, 1)
    event = parse_event({"type": "event", "name": "place_order", "data": {"size": "large"}}, "x")
    assert (event.name, event.data) == ("place_order", {"size": "large"})  # type: ignore[union-attr]
