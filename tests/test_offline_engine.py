"""The offline caller, driven through the real conversation core the way a user's call goes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SAMPLES_DIR
from flowcheck import Flow, affirms, check, denies, mentions, play_flow, report

from callersim_cli.conversation import Context, Conversation, Reply
from callersim_cli.engines import EngineOptions, create_engine
from callersim_cli.engines.offline import OfflineEngine
from callersim_cli.engines.offline_goal import parse_goal
from callersim_cli.errors import CallEndedError
from callersim_cli.persona import Persona, invent_persona

FLOWS_DIR = Path(__file__).parent / "flows"
SAMPLE_FLOWS = sorted(SAMPLES_DIR.glob("*.json"))
OWN_FLOWS = sorted(FLOWS_DIR.glob("*.json"))

PIZZA = "Pizza Palace is a pizza restaurant with delivery and pickup. Sizes: small, medium, large."
BANK = "First Harbor Bank, a retail bank with checking, savings and debit cards."


def call(description: str, scenario: str, seed: int | None = None) -> Conversation:
    return Conversation(Context.create(description, scenario), OfflineEngine(EngineOptions(seed=seed)))


def sentences_of(reply: Reply) -> list[str]:
    return [s.strip().lower() for s in re.split(r"(?<=[.!?])\s+", reply.text) if s.strip()]


# --- the flows ------------------------------------------------------------------------------------------


def test_sample_flows_are_found() -> None:
    assert len(SAMPLE_FLOWS) >= 4, f"no samples in {SAMPLES_DIR}"
    assert len(OWN_FLOWS) >= 8


@pytest.mark.parametrize("seed", [None, 7, 31337])
@pytest.mark.parametrize("path", SAMPLE_FLOWS + OWN_FLOWS, ids=lambda p: p.stem)
def test_flow_passes_every_turn(path: Path, seed: int | None) -> None:
    flow = Flow.load(path)
    engine = OfflineEngine(EngineOptions(seed=seed))
    conv, results = play_flow(flow, engine)
    assert len(results) == len(flow.turns), report(results)
    assert all(not r.problems for r in results), report(results)
    if flow.verdict is not None:
        reached, why = engine.verdict(conv.context, conv.messages)
        assert reached == flow.verdict, f"{why}\n{report(results)}"


# --- the checker itself ----------------------------------------------------------------------------------


def reply(text: str = "", dtmf: str | None = None, hangup: bool = False) -> Reply:
    return Reply(text=text, dtmf=dtmf, hangup=hangup, raw=text)


def test_mentions_matches_word_starts_and_short_whole_words() -> None:
    assert mentions("I need a vaccination", "vaccin")
    assert not mentions("a revaccination", "vaccin")
    assert mentions("12 Oak St.", "st")
    assert not mentions("12 Oak Street", "st")  # three characters or fewer: whole words only
    assert mentions("Dana Lee here", "dana lee")


def test_check_reports_each_unmet_expectation() -> None:
    assert check(reply(dtmf="3"), {"press": "3"}) == []
    assert check(reply(dtmf="2"), {"press": "3"})
    assert check(reply("It's 5501 7342."), {"gives_digits": "55017342"}) == []
    assert check(reply("It's 5-5-0-1", dtmf="7342"), {"gives_digits": "55017342"}) == []
    assert check(reply("It's 5501 7343."), {"gives_digits": "55017342"})
    assert check(reply("Call 555-1234"), {"digits_at_least": 10})
    assert check(reply("A small one"), {"says_none": ["small"]})
    assert check(reply("Bye!", hangup=False), {"hangs_up": True})


def test_affirms_and_denies_read_the_answer_not_any_word() -> None:
    assert affirms("Yes, please.") and affirms("That's right.") and affirms("Sure, yes.")
    assert not affirms("No, yes is not it.")
    assert denies("No, that's everything, thanks.") and denies("No — a large pepperoni.") and denies("Nope.")
    assert not denies("I know nothing about it.")


# --- goal and details -------------------------------------------------------------------------------------


def test_goal_is_said_in_first_person_without_identity_details() -> None:
    assert parse_goal("order a large pepperoni pizza for delivery").statement == (
        "Hi, I'd like to order a large pepperoni pizza for delivery."
    )
    goal = parse_goal("report that my internet has been down since noon. Account number 55017342.")
    assert goal.statement == "Hi, I'm calling to report that my internet has been down since noon."
    dentist = parse_goal("reschedule my cleaning. My name is Dana Lee and my date of birth is March 4, 1988.")
    assert "Dana" not in dentist.statement and "1988" not in dentist.statement
    assert dentist.details.name == "Dana Lee" and dentist.details.date_of_birth == "March 4, 1988"
    assert parse_goal("You want to cancel your gym membership").statement == (
        "Hi, I'd like to cancel my gym membership."
    )


def test_greeting_is_answered_with_the_goal() -> None:
    conv = call(
        "Skyline Fiber, home internet.", "report that my home internet is down. Account number 55017342."
    )
    answer = conv.say("Thanks for calling Skyline Fiber, how can I help?")
    assert "internet" in answer.text and "down" in answer.text
    assert "55017342" not in answer.text.replace(" ", "")
    assert answer.dtmf is None and not answer.hangup


def test_invented_persona_is_complete_and_reproducible() -> None:
    context = Context.create(PIZZA, "order a pizza")
    persona = invent_persona(5, context)
    assert persona == invent_persona(5, context)
    assert persona != invent_persona(6, context)
    assert len(re.sub(r"\D", "", persona.phone or "")) == 10
    assert re.match(r"\d+ \w+ (Street|Avenue|Road|Lane|Drive|Court|Way|Boulevard),", persona.address or "")
    given = Context.create(PIZZA, "order a pizza", Persona(name="Ann Reyes", numbers={"order": "771"}))
    kept = invent_persona(5, given)
    assert kept.name == "Ann Reyes" and kept.numbers["order"] == "771" and kept.phone


def test_persona_stays_the_same_across_the_call() -> None:
    conv = call(PIZZA, "order a large pepperoni pizza for delivery", seed=3)
    first = conv.say("What's a good phone number for you?")
    conv.say("And the delivery address?")
    again = conv.say("Sorry, what was that phone number again?")
    digits = re.sub(r"\D", "", first.text)
    assert len(digits) == 10
    assert re.sub(r"\D", "", again.text) == digits
    assert first.text != again.text  # same number, said differently


def test_scenario_details_win_over_invented_ones() -> None:
    conv = call(
        "Maple Pharmacy.", "refill my inhaler. My phone number is 415-555-0199 and my ZIP code is 60614."
    )
    assert re.sub(r"\D", "", conv.say("What's the best callback number?").text) == "4155550199"
    assert conv.say("Please enter your ZIP code followed by the pound key.").dtmf == "60614#"


def test_keypad_entry_is_pressed_and_spoken_request_is_said() -> None:
    conv = call(BANK, "check my balance. Account number 88120045.")
    pressed = conv.say("Using your keypad, enter your account number.")
    assert pressed.dtmf == "88120045" and pressed.text == ""
    said = call(BANK, "check my balance. Account number 88120045.").say("Please say your account number.")
    assert said.dtmf is None and "88120045" in re.sub(r"\D", "", said.text)


# --- menus and choices ------------------------------------------------------------------------------------


def test_spanish_first_language_menu_chooses_english() -> None:
    conv = call(BANK, "report a stolen card")
    assert conv.say("Para español, oprima uno. For English, press two.").dtmf == "2"


def test_menu_with_number_words_and_goal_synonyms() -> None:
    conv = call(BANK, "my wallet was stolen and I need to cancel my card")
    line = "To hear your balance, press one. To report a lost card, press three. For an operator, press zero."
    assert conv.say(line).dtmf == "3"


def test_menu_prefers_a_general_line_to_a_person_when_nothing_fits() -> None:
    conv = call(BANK, "ask about opening a safe deposit box")
    line = "For balances, press 1. To speak to a representative, press 0. For all other questions, press 5."
    assert conv.say(line).dtmf == "5"


def test_repeated_menu_tries_the_next_option() -> None:
    conv = call("City Water utility.", "ask why my water bill doubled")
    menu = "For billing, press 2. For payments, press 3. To report a leak, press 4."
    first = conv.say(menu).dtmf
    second = conv.say(menu).dtmf
    assert first == "2" and second not in (None, first)


def test_say_x_or_y_is_said_not_pressed() -> None:
    answer = call(BANK, "report a lost debit card").say(
        "Is it a debit card or a credit card? Say debit or credit."
    )
    assert answer.dtmf is None
    assert mentions(answer.text, "debit") and not mentions(answer.text, "credit")


def test_offered_times_follow_the_goal() -> None:
    conv = call("Bright Smile Dental.", "book a cleaning for an afternoon next week")
    answer = conv.say("I have Monday at 9 am, Tuesday at 3 pm, or Thursday at 10 am. Which works best?")
    assert mentions(answer.text, "tuesday")


# --- read-backs, yes/no, closing ----------------------------------------------------------------------------


def test_wrong_read_back_is_corrected() -> None:
    conv = call(PIZZA, "order a large pepperoni pizza for delivery")
    answer = conv.say("So that's one small pepperoni pizza for delivery, is that correct?")
    assert denies(answer.text)
    assert mentions(answer.text, "large") and not mentions(answer.text, "small")


def test_right_read_back_is_confirmed() -> None:
    conv = call(PIZZA, "order a large pepperoni pizza for delivery")
    assert affirms(conv.say("Okay, one large pepperoni for delivery. Did I get that right?").text)


def test_wrong_number_read_back_gives_the_right_number() -> None:
    conv = call("Skyline Fiber.", "report an outage. Account number 55017342.")
    answer = conv.say("I have your account number as 5 5 0 1 7 3 4 9. Is that right?")
    assert denies(answer.text) and "55017342" in re.sub(r"\D", "", answer.text)


def test_yes_no_questions_are_answered_for_the_goal() -> None:
    conv = call(BANK, "report a lost debit card and get a replacement")
    assert affirms(conv.say("Would you like us to send a replacement card?").text)
    assert affirms(conv.say("Would you like a text message when it ships?").text)
    assert not affirms(conv.say("Would you like to upgrade to our premium checking account today?").text)


def test_anything_else_then_goodbye_ends_the_call() -> None:
    conv = call(PIZZA, "order a large pepperoni pizza")
    conv.say("Pizza Palace, what can I get you?")
    assert denies(conv.say("You're all set. Anything else I can help with?").text)
    bye = conv.say("Thanks for ordering from Pizza Palace. Have a great day!")
    assert bye.hangup and conv.hung_up
    assert "[" not in bye.text
    with pytest.raises(CallEndedError):
        conv.say("Hello?")


def test_hold_and_noise_get_short_patient_answers() -> None:
    conv = call(PIZZA, "order a pizza")
    hold = conv.say("Please hold while I transfer you.")
    assert not hold.hangup and hold.dtmf is None and len(hold.text.split()) <= 6
    noise = conv.say("xkq brrzzt fffph")
    assert re.search(r"sorry|repeat|again|catch", noise.text, re.I)


def test_repeated_prompt_never_gets_the_same_sentence() -> None:
    conv = call("Skyline Fiber.", "report that my internet is down")
    seen: list[str] = []
    for _ in range(5):
        answer = conv.say("Sorry, I didn't understand. How can I help you today?")
        assert answer.text
        for sentence in sentences_of(answer):
            assert sentence not in seen, f"repeated {sentence!r}"
            seen.append(sentence)


def test_no_sentence_repeats_over_a_long_call() -> None:
    conv = call(BANK, "report a lost debit card")
    lines = ["Please hold."] * 4 + ["Are you still there?"] * 3 + ["Thank you."] * 4
    said: list[str] = []
    for line in lines:
        said += sentences_of(conv.say(line))
    assert len(said) == len(set(said)), said


# --- the engine as a backend --------------------------------------------------------------------------------


def test_engine_is_registered_and_named() -> None:
    engine = create_engine("offline", EngineOptions())
    assert isinstance(engine, OfflineEngine)
    assert (engine.name, engine.model) == ("offline", "scripted")


def test_reply_is_streamed_in_pieces_that_rebuild_it() -> None:
    engine = OfflineEngine(EngineOptions(seed=1))
    context = Context.create(PIZZA, "order a large pepperoni pizza for delivery")
    messages = [{"role": "system", "content": "x"}, {"role": "user", "content": "How can I help you?"}]
    pieces = list(engine.stream(context, messages))
    assert len(pieces) > 3
    assert "".join(pieces).strip() == engine.reply(context, messages)


def test_same_seed_replays_the_call_and_a_retry_gives_the_same_reply() -> None:
    lines = ["How can I help?", "What's your phone number?", "And your address?", "Bye now."]

    def transcript(seed: int | None) -> list[str]:
        conv = call(PIZZA, "order a large pepperoni pizza", seed=seed)
        return [conv.say(line).raw for line in lines]

    assert transcript(42) == transcript(42)
    assert transcript(None) == transcript(None)
    assert transcript(42) != transcript(43)
    conv = call(PIZZA, "order a pizza", seed=9)
    conv.say("How can I help?")
    turn = [*conv.messages, {"role": "user", "content": "What's your phone number?"}]
    engine = conv.engine
    assert isinstance(engine, OfflineEngine)
    assert engine.reply(conv.context, turn) == engine.reply(conv.context, turn)


def test_verdict_after_a_successful_call() -> None:
    flow = Flow.load(SAMPLES_DIR / "bank-lost-card.json")
    engine = OfflineEngine(EngineOptions())
    conv = Conversation(Context.create(flow.description, flow.scenario), engine)
    for turn in flow.turns:
        conv.say(turn["operator"])
    ok, reason = engine.verdict(conv.context, conv.messages)
    assert ok and "will arrive" in reason and "politely" in reason


def test_verdict_when_the_call_never_left_the_menu() -> None:
    engine = OfflineEngine(EngineOptions())
    conv = Conversation(Context.create(BANK, "report a lost card"), engine)
    conv.say("For balances, press 1. To report a lost card, press 3.")
    ok, reason = engine.verdict(conv.context, conv.messages)
    assert not ok and "menu" in reason


# --- what a caller rehearsing an IVR needs ---------------------------------------------------------------


def test_stated_digit_count_is_kept_for_the_whole_call() -> None:
    conv = call(BANK, "check my balance")
    first = conv.say("Please enter your 10 digit account number followed by the pound sign.")
    assert first.dtmf is not None and re.fullmatch(r"\d{10}#", first.dtmf)
    again = conv.say("Please say your account number.")
    assert re.sub(r"\D", "", again.text) == first.dtmf[:-1]
    assert re.fullmatch(r"\d{6}", conv.say("Enter your six-digit PIN.").dtmf or "")


def test_whole_card_agrees_with_its_last_four_and_passes_luhn() -> None:
    conv = call(BANK, "pay my bill with my Visa ending in 4417")
    card = conv.say("Please enter your card number.").dtmf or ""
    assert len(card) == 16 and card.startswith("4") and card.endswith("4417")
    total = sum(int(d) if i % 2 == 0 else sum(divmod(int(d) * 2, 10)) for i, d in enumerate(reversed(card)))
    assert total % 10 == 0
    expiry = conv.say("Enter the expiration date as four digits.").dtmf or ""
    assert re.fullmatch(r"(0[1-9]|1[0-2])(29|3[0-2])", expiry)
    assert re.fullmatch(r"\d{3}", conv.say("Enter the security code on the back of the card.").dtmf or "")


def test_garbled_lines_are_asked_again_in_different_words() -> None:
    conv = call("Metro Cable.", "cancel my internet service")
    conv.say("Metro Cable, how can I help?")
    answers = [conv.say(line).text for line in ("asdf qwer zxcv", "blorf zzk qq", "mmmm krr")]
    assert len(set(answers)) == 3
    for answer in answers:
        assert re.search(r"sorry|repeat|again|catch", answer, re.I) and not mentions(answer, "cancel")


def test_reason_and_retention_offer_follow_the_goal() -> None:
    conv = call("Metro Cable.", "cancel my internet service because I am moving")
    conv.say("Metro Cable, how can I help?")
    why = conv.say("May I ask why you are leaving?")
    assert mentions(why.text, "moving") and not affirms(why.text)
    offer = conv.say("We can offer you 50 percent off for six months if you stay. Would you like that?")
    assert denies(offer.text) and mentions(offer.text, "cancel")
    assert affirms(conv.say("Are you sure you want to cancel?").text)


def test_email_is_said_in_lower_case_inside_a_sentence() -> None:
    answer = call(BANK, "update my address. My email is Priya.Silva99@Example.com.").say(
        "What is your email address?"
    )
    assert "priya.silva99@example.com" in answer.text
    assert not answer.text.startswith("priya") and not answer.text.startswith("Priya")


def test_preference_question_is_no_preference_unless_the_goal_names_one() -> None:
    dentist = "Bright Smile Dental."
    assert mentions(
        call(dentist, "book a cleaning").say("Is there a particular dentist you prefer?").text, "no"
    )
    named = call(dentist, "book a cleaning with Dr. Chen").say("Do you have a preferred dentist?")
    assert mentions(named.text, "chen")


def test_name_and_reason_asked_together_get_both() -> None:
    conv = call("Lakeside Clinic.", "ask about my lab results. My name is Omar Haddad.")
    answer = conv.say("Can I get your name and the reason for your call?")
    assert mentions(answer.text, "haddad") and mentions(answer.text, "lab")


def test_didnt_get_that_rephrases_the_last_answer() -> None:
    conv = call("Metro Cable.", "cancel my internet service")
    first = conv.say("Say billing, technical support, or account changes.")
    again = conv.say("I'm sorry, I didn't get that.")
    assert mentions(first.text, "account changes") and mentions(again.text, "account changes")
    assert first.text != again.text


def test_refused_twice_the_caller_ends_politely() -> None:
    conv = call("Nonna's pizzeria.", "order a pizza for delivery")
    conv.say("Nonna's, what can I get you?")
    assert not conv.say("Sorry, we don't offer delivery.").hangup
    assert conv.say("No, we really can't do that at all.").hangup


def verdict_of(description: str, scenario: str, lines: list[str]) -> tuple[bool, str]:
    engine = OfflineEngine(EngineOptions())
    conv = Conversation(Context.create(description, scenario), engine)
    for line in lines:
        conv.say(line)
    return engine.verdict(conv.context, conv.messages)


def test_verdict_reads_estimates_and_endings_as_confirmations() -> None:
    pizza = "order a large pepperoni pizza for pickup"
    assert verdict_of(PIZZA, pizza, ["What can I get you?", "It will be about 40 minutes."])[0]
    cancel = "cancel my internet service"
    assert verdict_of("Metro Cable.", cancel, ["How can I help?", "Your service will end on the 30th."])[0]
    assert verdict_of("Salon.", "book a haircut", ["How can I help?", "Okay, you're booked."])[0]


def test_verdict_weighs_the_whole_call() -> None:
    delivery = "order a large pepperoni pizza for delivery"
    ok, _ = verdict_of(
        PIZZA,
        delivery,
        [
            "What can I get you?",
            "Sorry, we don't offer delivery.",
            "Actually we can. It'll be there in 35 minutes.",
        ],
    )
    assert ok
    ok, reason = verdict_of(
        PIZZA,
        delivery,
        ["What can I get you?", "So a small pepperoni, right?", "It will be about 40 minutes."],
    )
    assert not ok and "correction" in reason
    ok, _ = verdict_of(
        PIZZA,
        delivery,
        [
            "What can I get you?",
            "So a small pepperoni, right?",
            "Sorry, a large. It will be about 40 minutes.",
        ],
    )
    assert ok
