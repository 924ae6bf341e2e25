from callersim_cli.actions import HangUp, Press, Speech, clean_spoken, parse_actions


def events(*pieces: str) -> list:
    return list(parse_actions(pieces))


def spoken(evts: list) -> str:
    return clean_spoken("".join(e.text for e in evts if isinstance(e, Speech)))


def test_press_marker_is_parsed_out_of_the_spoken_text() -> None:
    evts = events("Sure. [press 2] Thanks.")
    assert Press("2") in evts
    assert spoken(evts) == "Sure. Thanks."


def test_marker_split_across_stream_pieces() -> None:
    evts = events("Okay ", "[pre", "ss 44", "17#", "] done")
    assert [e for e in evts if isinstance(e, Press)] == [Press("4417#")]
    assert spoken(evts) == "Okay done"


def test_hang_up_ends_the_reply_and_drops_anything_after() -> None:
    evts = events("Thanks, bye! [hang up] and more")
    assert isinstance(evts[-1], HangUp)
    assert spoken(evts) == "Thanks, bye!"


def test_marker_variants_a_model_writes() -> None:
    assert Press("1234") in events("[Press: 1 2 3 4]")
    assert Press("55*#") in events("[presses 5-5*#]")
    assert isinstance(events("[Hang-up]")[-1], HangUp)
    assert isinstance(events("[hangs up.]")[-1], HangUp)


def test_other_brackets_are_spoken_as_written() -> None:
    evts = events("I said [bold] and [press] nothing")
    assert not [e for e in evts if not isinstance(e, Speech)]
    assert spoken(evts) == "I said [bold] and [press] nothing"


def test_unclosed_bracket_is_released_at_the_end() -> None:
    assert spoken(events("a [note without end")) == "a [note without end"
