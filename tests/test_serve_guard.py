"""`callersim serve` is safe by default: loopback, Host checked, token when exposed, CORS off, no secrets."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from cli_helpers import run_cli
from fake_openai import FakeOpenAI
from serve_helpers import PIZZA, serve_process, serving

from callersim_cli.server.guard import Guard, host_name

KEY = "sk-test-secret-key-abcdefghijklmnop"


@pytest.mark.parametrize("host", ["evil.example:5000", "evil.example", "192.168.1.5:5000", ""])
def test_a_host_header_not_of_this_server_is_refused(host: str) -> None:
    with serving() as client:
        response = client.post("/api/context", json=PIZZA, headers={"Host": host})
        assert response.status_code == 403
        assert response.json()["error"].startswith("Host ")


@pytest.mark.parametrize("host", ["127.0.0.1:5000", "localhost:5000", "[::1]:5000", "LOCALHOST"])
def test_loopback_names_pass(host: str) -> None:
    with serving() as client:
        assert client.post("/api/context", json=PIZZA, headers={"Host": host}).status_code == 200


def test_host_names_without_their_port() -> None:
    assert [host_name(h) for h in ("a.b:80", "[::1]:5000", "::1", "x")] == ["a.b", "::1", "::1", "x"]
    exposed = Guard.for_bind("0.0.0.0", "t", [], 100)
    assert exposed.allowed_hosts is None  # every interface: any name, behind the token
    named = Guard.for_bind("0.0.0.0", "t", ["callersim.lan"], 100)
    assert named.allowed_hosts is not None and "callersim.lan" in named.allowed_hosts


def test_a_token_is_required_on_the_api_but_not_for_the_page() -> None:
    with serving(token="s3cret-token-value") as client:
        assert client.get("/").status_code == 200
        missing = client.post("/api/context", json=PIZZA)
        assert missing.status_code == 401
        assert missing.json() == {"error": "This server needs its token: send Authorization: Bearer <token>"}
        wrong = client.post("/api/context", json=PIZZA, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and "s3cret" not in wrong.text
        right = client.post(
            "/api/context", json=PIZZA, headers={"Authorization": "Bearer s3cret-token-value"}
        )
        assert right.status_code == 200


def test_cors_is_off_unless_origins_are_named() -> None:
    origin = {"Origin": "http://app.example"}
    with serving() as client:
        assert (
            "access-control-allow-origin"
            not in client.post("/api/context", json=PIZZA, headers=origin).headers
        )
    with serving(cors_origin=["http://app.example"]) as client:
        allowed = client.post("/api/context", json=PIZZA, headers=origin)
        assert allowed.headers["access-control-allow-origin"] == "http://app.example"
        preflight = client.options(
            "/api/chat",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200
        other = client.post("/api/context", json=PIZZA, headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_listening_beyond_loopback_needs_a_token() -> None:
    refused = run_cli("serve", "--host", "0.0.0.0", "--port", "0", "--tts", "none")
    assert refused.returncode == 2
    assert "--host 0.0.0.0 lets other machines in: give --token (or set CALLERSIM_TOKEN)" in refused.stderr


def test_a_port_in_use_is_one_line() -> None:
    with serve_process("--tts", "none") as served:
        port = served.url.rsplit(":", 1)[1]
        taken = run_cli("serve", "--port", port, "--tts", "none")
    assert taken.returncode == 2
    assert f"Can't listen on 127.0.0.1:{port}" in taken.stderr and "Traceback" not in taken.stderr


def test_no_key_in_a_response_a_kept_call_or_the_log(tmp_path: Path) -> None:
    with FakeOpenAI(require_key="sk-another-key-the-server-expects") as server:  # echoes the key it got
        env = {"OPENAI_API_KEY": KEY, "CALLERSIM_HOME": str(tmp_path / "home"), "CALLERSIM_TOKEN": KEY}
        with serve_process("--base-url", server.url, "--tts", "none", env=env) as served:
            auth = {"Authorization": f"Bearer {KEY}"}
            answers = [
                _post(served.url + "/api/context", PIZZA, auth),
                _post(served.url + "/api/chat", {"message": f"My key is {KEY}, how can I help?"}, auth),
            ]
    assert all(KEY not in json.dumps(a) for a in answers)
    assert answers[1]["text"].startswith("I had trouble responding: ")
    kept = "".join(p.read_text() for p in (tmp_path / "home" / "calls").glob("*.jsonl"))
    assert kept and KEY not in kept
    assert served.exit_code == 130 and KEY not in served.log  # stopped by Ctrl-C, as every command


def _post(url: str, body: dict[str, str], headers: dict[str, str]) -> dict[str, object]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, object] = json.loads(response.read())
        return answer
