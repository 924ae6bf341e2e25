"""`callersim serve`: calls kept on the server, by cookie, header or the one default call; bounded."""

from __future__ import annotations

from pathlib import Path

from serve_helpers import BASE, PIZZA, serving
from starlette.testclient import TestClient

from callersim_cli.environment import Environment
from callersim_cli.records import find_call, list_calls, load_events
from callersim_cli.server.calls import CallBook
from callersim_cli.server.serve import ServeOptions, call_maker

HELLO = {"message": "Pizza Palace, how can I help you?"}


def calls_dir() -> Path:
    return Path.home() / "callersim" / "calls"


def test_the_page_gives_each_browser_an_httponly_samesite_session_cookie() -> None:
    with serving() as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("callersim_session=")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert "set-cookie" not in client.get("/").headers  # kept, not replaced


def test_two_browsers_have_two_calls_and_a_script_without_cookies_has_the_default_one() -> None:
    with serving() as browser:
        other_browser = TestClient(browser.app, base_url=BASE)
        script = TestClient(browser.app, base_url=BASE)
        browser.get("/")
        other_browser.get("/")
        browser.post("/api/context", json=PIZZA)
        mine = browser.post("/api/chat", json=HELLO).json()["call_id"]
        other = other_browser.post("/api/chat", json=HELLO)
        assert other.json() == {"error": "Set a business description first (use /api/context)"}
        assert script.post("/api/chat", json=HELLO).status_code == 400  # the default call: not mine
        script.post("/api/context", json={"description": "A bank.", "scenario": "report a lost card"})
        theirs = script.post("/api/chat", json=HELLO).json()
        assert theirs["call_id"] != mine and "card" in theirs["text"].lower()
        assert browser.post("/api/chat", json={"message": "What size?"}).json()["call_id"] == mine


def test_a_script_names_its_own_call_with_a_header() -> None:
    with serving() as client:
        for name, scenario in (
            ("alpha", "order a large pepperoni pizza"),
            ("beta", "order a small cheese pizza"),
        ):
            client.post(
                "/api/context",
                json={"description": PIZZA["description"], "scenario": scenario},
                headers={"X-Callersim-Session": name},
            )
        a = client.post("/api/chat", json=HELLO, headers={"X-Callersim-Session": "alpha"}).json()
        b = client.post("/api/chat", json=HELLO, headers={"X-Callersim-Session": "beta"}).json()
        assert "pepperoni" in a["text"].lower() and "cheese" in b["text"].lower()
        bad = client.post("/api/chat", json=HELLO, headers={"X-Callersim-Session": "no spaces/here"})
        assert bad.status_code == 400 and "X-Callersim-Session" in bad.json()["error"]


def test_every_call_is_kept_as_it_happens_and_callersim_show_reads_it() -> None:
    with serving() as client:
        client.post("/api/context", json=PIZZA)
        call_id = client.post("/api/chat", json=HELLO).json()["call_id"]
        kept = find_call(call_id, calls_dir())  # while the call is still on
        assert [e["type"] for e in kept.events] == ["context", "operator", "caller"]
        assert kept.events[0]["description"] == PIZZA["description"]
    ended = load_events(find_call(call_id, calls_dir()).path)
    assert ended[-1]["type"] == "end" and ended[-1]["end_reason"] == "server stopped"
    assert [c.id for c in list_calls(calls_dir())] == [call_id]


def test_no_log_keeps_nothing() -> None:
    with serving(no_log=True) as client:
        client.post("/api/context", json=PIZZA)
        assert client.post("/api/chat", json=HELLO).status_code == 200
    assert not calls_dir().exists() or not list(calls_dir().iterdir())


def test_the_business_hangs_up_and_gets_the_verdict() -> None:
    with serving() as client:
        client.post("/api/context", json=PIZZA)
        client.post("/api/chat", json=HELLO)
        ended = client.post("/api/hangup", json={}).json()
        assert ended["ok"] is True and ended["verdict"]["goal_reached"] is False


def test_live_calls_are_capped() -> None:
    with serving(max_calls=2) as client:
        for name in ("one", "two"):
            assert (
                client.post("/api/context", json=PIZZA, headers={"X-Callersim-Session": name}).status_code
                == 200
            )
        full = client.post("/api/context", json=PIZZA, headers={"X-Callersim-Session": "three"})
        assert full.status_code == 503
        assert full.json() == {"error": "Too many calls in progress (at most 2): try again later"}


def test_an_idle_call_ends_kept_and_frees_its_place() -> None:
    now = [0.0]
    env = Environment({"CALLERSIM_HOME": str(Path.home() / "callersim")})
    maker, _ = call_maker(ServeOptions(tts="none"), env)
    book = CallBook(maker, max_calls=1, idle_timeout_s=60, clock=lambda: now[0])
    from callersim_cli.conversation import Context

    call = book.call("a")
    call.start(Context.create(PIZZA["description"], PIZZA["scenario"]))
    call_id = call.turn(HELLO["message"]).call_id
    now[0] = 30.0
    assert book.sweep() == 0
    now[0] = 200.0
    book.call("b")  # the book is full: the idle call makes room
    assert len(book) == 1
    ended = load_events(find_call(call_id, calls_dir()).path)
    assert ended[-1]["end_reason"] == "idle timeout"
    book.close()
