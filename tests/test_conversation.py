import pytest
from scripted import ScriptedEngine

from callersim_cli.actions import HangUp, Press, Speech
from callersim_cli.conversation import DEFAULT_SCENARIO, Context, Conversation, system_prompt
from callersim_cli.errors import CallEndedError, EngineError, UsageError

ORIGINAL = (
    "You are simulating a real customer contacting the business below. The other side is the company, "
    "an operator, or an IVR. Stay in character as the caller/customer, try to complete the task, and avoid "
    "escalating to a human unless the flow requires it.\n\nBusiness description:\nWe are a pizza restaurant."
    "\n\nCaller goal:\norder a large pepperoni pizza\n\nSpeak naturally, ask one thing at a time, and keep "
    "each response concise."
)


def pizza() -> Context:
    return Context.create("We are a pizza restaurant.", "order a large pepperoni pizza")


def test_system_prompt_starts_with_the_original_wording_then_the_phone_actions() -> None:
    prompt = system_prompt(pizza())
    assert prompt.startswith(ORIGINAL)
    addendum = prompt[len(ORIGINAL) :]
    assert "[press 2]" in addendum and "[hang up]" in addendum


def test_empty_description_is_refused_and_empty_scenario_defaults() -> None:
    with pytest.raises(UsageError, match="No description provided"):
        Context.create("   ", "x")
    assert Context.create("A bank", " ").scenario == DEFAULT_SCENARIO
    assert DEFAULT_SCENARIO in system_prompt(Context.create("A bank", None))


def test_history_is_sent_whole_each_turn() -> None:
    engine = ScriptedEngine("Hi, one large pepperoni please.", "Large, thanks.")
    conv = Conversation(pizza(), engine)
    conv.say("Pizza Palace, how can I help?")
    conv.say("What size?")
    sent = engine.requests[-1]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[0]["content"] == system_prompt(pizza())
    assert sent[1]["content"] == "Pizza Palace, how can I help?"
    assert sent[2]["content"] == "Hi, one large pepperoni please."
    assert sent[3]["content"] == "What size?"


def test_blank_operator_line_is_refused_and_changes_nothing() -> None:
    engine = ScriptedEngine("Hello")
    conv = Conversation(pizza(), engine)
    for line in ("", "   ", "\t\n"):
        with pytest.raises(UsageError, match="No message provided"):
            conv.send(line)
    assert engine.requests == [] and len(conv.messages) == 1


def test_failed_turn_leaves_history_as_before_and_can_be_sent_again() -> None:
    engine = ScriptedEngine("First.", EngineError("boom"), "Second.")
    conv = Conversation(pizza(), engine)
    conv.say("one")
    before = [dict(m) for m in conv.messages]
    with pytest.raises(EngineError):
        conv.say("two")
    assert conv.messages == before
    assert conv.say("two").text == "Second."
    assert engine.requests[-1] == [*before, {"role": "user", "content": "two"}]


def test_cancelled_turn_leaves_history_as_before() -> None:
    engine = ScriptedEngine(["Par", "tial", " reply"])
    conv = Conversation(pizza(), engine)
    turn = conv.send("hello")
    it = iter(turn)
    next(it)
    it.close()  # what Ctrl-C does to a turn in flight
    assert len(conv.messages) == 1 and conv.exchanges == []


def test_turn_streams_events_and_reports_actions_and_timings() -> None:
    engine = ScriptedEngine(["Sure", ", one moment. [pre", "ss 3]", " Thanks! [hang up]"])
    conv = Conversation(pizza(), engine)
    turn = conv.send("Press 3 for orders.")
    evts = list(turn)
    assert evts[0] == Speech("Sure")
    assert Press("3") in evts and isinstance(evts[-1], HangUp)
    reply = turn.reply
    assert reply is not None
    assert reply.text == "Sure, one moment. Thanks!"
    assert reply.dtmf == "3" and reply.hangup
    assert reply.timings.first_text_s is not None and reply.timings.total_s is not None
    assert reply.timings.first_text_s <= reply.timings.total_s
    assert "[press 3]" in conv.messages[-1]["content"]  # the model sees its own convention back


def test_a_caller_that_hung_up_takes_no_more_turns_until_reset() -> None:
    conv = Conversation(pizza(), ScriptedEngine("Bye [hang up]", "Hello again"))
    conv.say("Goodbye!")
    with pytest.raises(CallEndedError):
        conv.send("Hello?")
    conv.reset()
    assert conv.say("Hello?").text == "Hello again"


def test_new_context_starts_a_new_history() -> None:
    engine = ScriptedEngine("a", "b")
    conv = Conversation(pizza(), engine)
    conv.say("hi")
    conv.reset(Context.create("A dentist.", "book a cleaning"))
    conv.say("hello")
    assert len(engine.requests[-1]) == 2
    assert "A dentist." in engine.requests[-1][0]["content"]
