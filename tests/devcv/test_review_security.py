"""The review server takes decisions only from its own page: Host and Origin checks, the per-session
token, and item indices within the listing (issue 17)."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from pathlib import Path

import pytest

from babyvlm.devcv.review.server import serve_in_thread

_helpers = __import__("importlib.util").util
_spec = _helpers.spec_from_file_location("review_server_helpers", Path(__file__).with_name("test_review_server.py"))
review_helpers = _helpers.module_from_spec(_spec)
_spec.loader.exec_module(review_helpers)


@pytest.fixture
def served(tmp_path):
    toolbox = review_helpers.make_toolbox(tmp_path / "toolbox")
    server, url = serve_in_thread(toolbox)
    try:
        yield toolbox, url, review_helpers.page_token(url)
    finally:
        server.shutdown()
        server.server_close()


def _request(url: str, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple[int, dict]:
    """A raw request with exactly these headers (`Host` included, so a rebinding host can be sent)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        hdrs = {"Host": parts.netloc, **{k.replace("_", "-"): v for k, v in headers.items()}}
        if body is not None:
            hdrs["Content-Length"] = str(len(body))
        for k, v in hdrs.items():
            if v is not None:
                conn.putheader(k, v)
        conn.endheaders(body)
        r = conn.getresponse()
        data = r.read()
        return r.status, json.loads(data) if r.headers.get_content_type() == "application/json" else {}
    finally:
        conn.close()


def _decisions(toolbox: Path) -> list[dict]:
    path = toolbox / "review" / "decisions.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def _decision(k=0, decision="accept") -> bytes:
    return json.dumps({"k": k, "decision": decision}).encode()


def test_cross_site_simple_post_is_refused(served):
    """The attack of the issue: a text/plain POST (no CORS preflight) from another site's page."""
    toolbox, url, token = served
    code, body = _request(url, "POST", "/api/decision", _decision(), Content_Type="text/plain",
                          Origin="http://evil.example")
    assert code == 403 and "X-Review-Token" in body["error"]
    # even a page that somehow knew the token is refused from another origin, or as text/plain
    code, body = _request(url, "POST", "/api/decision", _decision(), Content_Type="application/json",
                          Origin="http://evil.example", X_Review_Token=token)
    assert code == 403 and "evil.example" in body["error"]
    code, body = _request(url, "POST", "/api/decision", _decision(), Content_Type="text/plain", X_Review_Token=token)
    assert code == 403 and "application/json" in body["error"]
    code, _ = _request(url, "POST", "/api/decision", _decision(), Content_Type="application/json",
                       X_Review_Token=token, Sec_Fetch_Site="cross-site")
    assert code == 403
    assert _decisions(toolbox) == []


def test_token_is_required_and_per_session(served, tmp_path):
    toolbox, url, token = served
    for wrong in (None, "", token[:-1] + ("A" if token[-1] != "A" else "B")):
        code, _ = _request(url, "POST", "/api/decision", _decision(), Content_Type="application/json",
                           X_Review_Token=wrong)
        assert code == 403
        assert _request(url, "GET", "/api/items", X_Review_Token=wrong)[0] == 403
    assert _decisions(toolbox) == []
    own = f"http://{urllib.parse.urlsplit(url).netloc}"
    code, body = _request(url, "POST", "/api/decision", _decision(), Content_Type="application/json",
                          Origin=own, Sec_Fetch_Site="same-origin", X_Review_Token=token)
    assert code == 200 and body["counts"]["accept"] == 1
    assert [d["decision"] for d in _decisions(toolbox)] == ["accept"]
    other, other_url = serve_in_thread(toolbox)  # a second server: a token of its own
    try:
        assert review_helpers.page_token(other_url) != token
    finally:
        other.shutdown()
        other.server_close()


def test_foreign_host_is_refused(served):
    """DNS rebinding: the browser talks to 127.0.0.1 but sends the attacker's host name."""
    toolbox, url, token = served
    port = urllib.parse.urlsplit(url).port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", ""):
        assert _request(url, "GET", "/", Host=host)[0] == 403
        assert _request(url, "GET", "/api/items", Host=host, X_Review_Token=token)[0] == 403
        assert _request(url, "GET", "/files/test/count/images/count_0000_0.jpeg", Host=host)[0] == 403
        code, _ = _request(url, "POST", "/api/decision", _decision(), Host=host, Content_Type="application/json",
                           X_Review_Token=token)
        assert code == 403
    assert _request(url, "GET", "/", Host=f"localhost:{port}")[0] == 200
    assert _decisions(toolbox) == []


@pytest.mark.parametrize("k", [-1, -14, 14, 10**9, 1.5, "0; drop", True, None, [0]])
def test_item_indices_are_validated(served, k):
    toolbox, url, token = served
    code, body = _request(url, "POST", "/api/decision", _decision(k), Content_Type="application/json",
                          X_Review_Token=token)
    assert code == 400 and "bad decision" in body["error"]
    assert _decisions(toolbox) == []  # `{"k": -1}` no longer records a decision for the last item


def test_malformed_bodies_are_refused(served):
    toolbox, url, token = served
    for body in (b"[1, 2]", b"not json", b'"k"', json.dumps({"decision": "accept"}).encode()):
        code, _ = _request(url, "POST", "/api/decision", body, Content_Type="application/json", X_Review_Token=token)
        assert code == 400
    assert _decisions(toolbox) == []
