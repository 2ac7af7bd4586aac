"""`babyvlm devcv review`: a local review page (127.0.0.1 only) with accept / reject per item.

Standard library only (http.server). Routes:

    GET  /                      the page (page.html)
    GET  /api/items             every item: split, task, id, decision; and the counts
    GET  /api/item?k=N          item N in full (record, image URLs)
    GET  /files/<split>/<task>/<path>   an image of the toolbox (nothing outside it)
    POST /api/decision          {"k": N, "decision": "accept"|"reject"|"clear", "note": ""}
                                appended to review/decisions.jsonl (flushed) before the answer

Same-origin only: any page the reviewer visits could otherwise send requests here. Every request must
name this server in `Host` (a DNS-rebinding page names its own host); the API needs the per-session
token that only the served page carries (header `X-Review-Token`; a custom header also forces a
CORS preflight, which this server never answers); a POST must be `application/json` from no other
`Origin`. Item indices must be integers within the listing.
"""

from __future__ import annotations

import hmac
import json
import mimetypes
import secrets
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from babyvlm.devcv.review.catalog import find_task_folders
from babyvlm.devcv.review.decisions import DecisionLog, item_key

HOST = "127.0.0.1"
TOKEN_HEADER = "X-Review-Token"
TOKEN_PLACEHOLDER = b"{{REVIEW_TOKEN}}"
MAX_BODY = 64 * 1024  # a decision is a few dozen bytes


class ReviewState:
    def __init__(self, toolbox: Path, split: str | None = None, tasks: list[str] | None = None):
        self.root = Path(toolbox).resolve()
        self.items: list[dict[str, Any]] = []
        for tf in find_task_folders(self.root, split, tasks):
            for r in tf.records:
                self.items.append({"split": tf.split, "task": tf.task, "id": str(r.get("id")), "record": r})
        self.log = DecisionLog(self.root)
        self.token = secrets.token_urlsafe(32)  # new per server start: only the page served now has it

    def index(self, k: Any) -> int:
        """A valid item index from a request, or ValueError (no negative indices counting from the end)."""
        if isinstance(k, str) and k.strip().isdigit():
            k = int(k)
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(self.items):
            raise ValueError(f"no item {k!r} (items 0..{len(self.items) - 1})")
        return k

    def key(self, k: int) -> str:
        it = self.items[k]
        return item_key(it["split"], it["task"], it["id"])

    def listing(self) -> dict[str, Any]:
        rows = [{"k": k, "split": it["split"], "task": it["task"], "id": it["id"],
                 "decision": self.log.state.get(self.key(k))} for k, it in enumerate(self.items)]
        return {"items": rows, "counts": self.log.counts(), "total": len(rows)}

    def item(self, k: int) -> dict[str, Any]:
        it = self.items[k]
        base = f"/files/{urllib.parse.quote(it['split'])}/{urllib.parse.quote(it['task'])}/"
        rec = it["record"]
        return {"k": k, "split": it["split"], "task": it["task"], "id": it["id"], "record": rec,
                "images": [base + urllib.parse.quote(p) for p in rec.get("image", [])],
                "gif": base + urllib.parse.quote(rec["gif"]) if rec.get("gif") else None,
                "decision": self.log.state.get(self.key(k))}


def page_html(token: str = "") -> bytes:
    page = resources.files("babyvlm.devcv.review").joinpath("page.html").read_bytes()
    return page.replace(TOKEN_PLACEHOLDER, token.encode("ascii"))


class Handler(BaseHTTPRequestHandler):
    state: ReviewState  # set on the subclass made by `make_server`
    server_version = "babyvlm-review"

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet: the terminal shows the URL only
        pass

    def _send(self, code: int, body: bytes, ctype: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, obj: Any, code: int = 200) -> None:
        self._send(code, json.dumps(obj).encode("utf-8"), "application/json")

    def _error(self, code: int, msg: str) -> None:
        self._json({"error": msg}, code)

    def _own_origins(self) -> set[str]:
        port = self.server.server_address[1]
        return {f"{HOST}:{port}", f"localhost:{port}"}

    def _refused(self, *, api: bool, post: bool = False) -> str | None:
        """Why a request is not from the served page (None: it is)."""
        if self.headers.get("Host", "") not in self._own_origins():
            return "wrong Host (this server answers only as " + " or ".join(sorted(self._own_origins())) + ")"
        if not api:
            return None
        if not hmac.compare_digest(self.headers.get(TOKEN_HEADER, ""), self.state.token):
            return f"missing or wrong {TOKEN_HEADER} (reload the review page)"
        if post:
            origin = self.headers.get("Origin")
            if origin is not None and origin not in {f"http://{o}" for o in self._own_origins()}:
                return f"cross-origin request from {origin}"
            if self.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
                return "cross-site request"
            if self.headers.get_content_type() != "application/json":
                return "Content-Type must be application/json"
        return None

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urllib.parse.urlsplit(self.path)
        why = self._refused(api=url.path.startswith("/api/"))
        if why:
            return self._error(HTTPStatus.FORBIDDEN, why)
        if url.path in ("/", "/index.html"):
            return self._send(200, page_html(self.state.token), "text/html; charset=utf-8")
        if url.path == "/api/items":
            return self._json(self.state.listing())
        if url.path == "/api/item":
            q = urllib.parse.parse_qs(url.query)
            try:
                return self._json(self.state.item(self.state.index(q.get("k", ["0"])[0])))
            except ValueError:
                return self._error(HTTPStatus.NOT_FOUND, "no such item")
        if url.path.startswith("/files/"):
            rel = urllib.parse.unquote(url.path[len("/files/"):])
            path = (self.state.root / rel).resolve()
            if self.state.root not in path.parents or not path.is_file():
                return self._error(HTTPStatus.NOT_FOUND, "no such file")
            ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return self._send(200, path.read_bytes(), ctype)
        return self._error(HTTPStatus.NOT_FOUND, "not found")

    def do_POST(self) -> None:  # noqa: N802
        if urllib.parse.urlsplit(self.path).path != "/api/decision":
            return self._error(HTTPStatus.NOT_FOUND, "not found")
        why = self._refused(api=True, post=True)
        if why:
            return self._error(HTTPStatus.FORBIDDEN, why)
        try:
            n = int(self.headers.get("Content-Length", "0"))
            if not 0 <= n <= MAX_BODY:
                raise ValueError(f"body of {n} bytes")
            body = json.loads(self.rfile.read(n) or b"{}")
            if not isinstance(body, dict):
                raise TypeError("the body must be a JSON object")
            it = self.state.items[self.state.index(body.get("k"))]
            row = self.state.log.record(it["split"], it["task"], it["id"], str(body.get("decision")),
                                        str(body.get("note", ""))[:500])
        except (ValueError, KeyError, IndexError, TypeError, json.JSONDecodeError) as e:
            return self._error(HTTPStatus.BAD_REQUEST, f"bad decision ({e})")
        self._json({"saved": row, "counts": self.state.log.counts()})


def make_server(toolbox: str | Path, *, port: int = 0, split: str | None = None,
                tasks: list[str] | None = None) -> ThreadingHTTPServer:
    """A review server bound to 127.0.0.1 (port 0: any free port; see `server.server_address`)."""
    state = ReviewState(Path(toolbox), split, tasks)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(toolbox: str | Path, **kw: Any) -> tuple[ThreadingHTTPServer, str]:
    """Start a server in a background thread; returns (server, base URL). Stop with `server.shutdown()`."""
    server = make_server(toolbox, **kw)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/"


def serve(toolbox: str | Path, *, port: int = 8765, split: str | None = None, tasks: list[str] | None = None,
          open_browser: bool = True, echo=print) -> None:
    server = make_server(toolbox, port=port, split=split, tasks=tasks)
    host, real_port = server.server_address[:2]
    url = f"http://{host}:{real_port}/"
    n = len(server.RequestHandlerClass.state.items)
    echo(f"reviewing {n} items of {Path(toolbox)}")
    echo(f"review page: {url}  (a accept, r reject, arrows move, u next undecided; Ctrl-C stops)")
    echo(f"decisions: {Path(toolbox) / 'review' / 'decisions.jsonl'}")
    if open_browser:
        import webbrowser

        threading.Timer(0.5, lambda: webbrowser.open(url)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
