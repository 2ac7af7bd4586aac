"""`openai:` adapter against a fake OpenAI-compatible server on 127.0.0.1 (stdlib, no network):
payload, retries with backoff on 429/5xx, timeouts, response cache, the key kept out of outputs."""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PIL import Image

from babyvlm.evaluate.adapters import AdapterOptions
from babyvlm.evaluate.adapters.openai import APIError, OpenAIAdapter
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.harness import evaluate
from babyvlm.tasks.conversation import Conversation, ImageRef

KEY = "sk-test-SECRET-123"


class FakeServer:
    """Answers POST /v1/chat/completions; `plan` is a list of behaviours consumed one per request
    ("429", "429:2" with Retry-After 2, "500", "400", "slow"), then "ok" (the reply is `reply(body)`)."""

    def __init__(self):
        self.plan: list[str] = []
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.reply = lambda body: "B"
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.requests.append(body)
                    server.headers.append(dict(self.headers))
                    step = server.plan.pop(0) if server.plan else "ok"
                if step == "slow":
                    time.sleep(0.6)
                    step = "ok"
                if step.startswith("429") or step in ("500", "400"):
                    code = int(step.split(":")[0])
                    self.send_response(code)
                    if ":" in step:
                        self.send_header("Retry-After", step.split(":")[1])
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "nope"}}')
                    return
                data = json.dumps({"choices": [{"message": {"role": "assistant", "content": server.reply(body)}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except BrokenPipeError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = FakeServer()
    yield s
    s.close()


def adapter(server, tmp_path=None, sleeps=None, **kw):
    opts = AdapterOptions(api_base=server.url, api_key=KEY, concurrency=kw.pop("concurrency", 3),
                          timeout=kw.pop("timeout", 5.0), max_retries=kw.pop("max_retries", 4), backoff=0.5,
                          cache_dir=str(tmp_path / "api") if tmp_path else "")
    return OpenAIAdapter("fake-vlm", opts, sleep=(sleeps.append if sleeps is not None else lambda s: None))


def conv(tmp_path, text="Which image has more? (A) <image> (B) <image>", n=2):
    refs = []
    for k in range(n):
        p = tmp_path / f"im{k}.jpg"
        Image.fromarray(np.full((8, 8, 3), 40 * k, np.uint8)).save(p)
        refs.append(ImageRef(p))
    return Conversation.from_turns([("user", text)], refs)


def test_payload_has_data_urls_in_order_and_the_key_in_the_header(server, tmp_path):
    c = conv(tmp_path)
    assert adapter(server).generate([c], max_new_tokens=7) == ["B"]
    body = server.requests[0]
    assert body["model"] == "fake-vlm" and body["max_tokens"] == 7 and body["temperature"] == 0
    parts = body["messages"][0]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url", "text", "image_url"]
    assert parts[0]["text"] == "Which image has more? (A) " and parts[2]["text"] == " (B) "
    url = parts[3]["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == (tmp_path / "im1.jpg").read_bytes()
    assert server.headers[0]["Authorization"] == f"Bearer {KEY}"


def test_multi_round_history_as_assistant_strings(server, tmp_path):
    im = conv(tmp_path).images
    c = Conversation.from_turns([("user", "<image> new?"), ("assistant", "A"), ("user", "<image> new?")], im)
    adapter(server).generate([c])
    msgs = server.requests[0]["messages"]
    assert [m["role"] for m in msgs] == ["user", "assistant", "user"] and msgs[1]["content"] == "A"


def test_retries_with_backoff_on_429_and_5xx(server, tmp_path):
    sleeps = []
    server.plan = ["429", "500", "429:3"]
    assert adapter(server, sleeps=sleeps).generate([conv(tmp_path)]) == ["B"]
    assert len(server.requests) == 4
    assert 0.5 <= sleeps[0] <= 0.625 and 1.0 <= sleeps[1] <= 1.25  # doubling, with at most 25% jitter
    assert sleeps[2] == 3.0  # Retry-After honoured


def test_timeout_is_retried_then_given_up(server, tmp_path):
    sleeps = []
    server.plan = ["slow"]
    assert adapter(server, sleeps=sleeps, timeout=0.2).generate([conv(tmp_path)]) == ["B"]
    assert len(sleeps) == 1
    server.plan = ["slow", "slow", "slow"]
    with pytest.raises(APIError, match="giving up after 3 attempts.*timeout"):
        adapter(server, timeout=0.2, max_retries=2).generate([conv(tmp_path)])


def test_client_errors_stop_at_once(server, tmp_path):
    server.plan = ["400"]
    with pytest.raises(APIError, match="HTTP 400.*nope"):
        adapter(server).generate([conv(tmp_path)])
    assert len(server.requests) == 1


def test_cache_makes_a_rerun_free_and_holds_no_key(server, tmp_path):
    server.reply = lambda body: body["messages"][0]["content"][0]["text"][-3:]
    convs = [conv(tmp_path, text=f"q{k} <image> <image>") for k in range(6)]
    first = adapter(server, tmp_path).generate(convs)
    n = len(server.requests)
    assert n == 6
    second = adapter(server, tmp_path).generate(convs)
    assert second == first and len(server.requests) == n
    for f in (tmp_path / "api").rglob("*.json"):
        assert KEY not in f.read_text()


def test_likelihood_is_not_offered(server):
    a = adapter(server)
    assert not a.supports_loglikelihood


def test_harness_with_the_api_model(server, devcv_root, extra_tasks, tmp_path, monkeypatch):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(devcv_root / "count", data / "count")
    shutil.copytree(extra_tasks / "looking_while_listening", data / "looking_while_listening")
    server.reply = lambda body: "There are 10."
    cfg = EvalConfig(tasks="count,looking_while_listening", baselines=["random"], bootstrap=20, plot=False)
    cfg.api.base_url = server.url
    cfg.api.backoff = 0.01
    server.plan = ["429", "500"]
    out = tmp_path / "o"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-should-not-be-used")
    res = evaluate("openai:fake-vlm", data, out, cfg, api_key=KEY)
    assert res["tasks"]["count"]["models"]["openai:fake-vlm"]["metrics"]["acc"]["value"] == 0.4  # two golds are 10
    assert res["unsupported"] == {"openai:fake-vlm": ["looking_while_listening"]}
    assert "cannot score likelihoods" in (out / "report.md").read_text()
    assert all(h["Authorization"] == f"Bearer {KEY}" for h in server.headers)
    for f in out.rglob("*"):
        if f.is_file():
            assert KEY.encode() not in f.read_bytes(), f
    n = len(server.requests)
    evaluate("openai:fake-vlm", data, out, cfg, api_key=KEY)
    assert len(server.requests) == n  # the rerun costs nothing


def test_system_prompt_image_cap_and_downscale(server, tmp_path):
    big = tmp_path / "big.png"
    Image.fromarray(np.zeros((40, 900, 3), np.uint8)).save(big)
    small = tmp_path / "small.png"
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(small)
    a = OpenAIAdapter("m", AdapterOptions(api_base=server.url, cache_dir="", max_images=2, max_image_side=300))
    conv = Conversation.from_turns([("user", "<image> <image> <image> Which is new?")],
                                   [ImageRef(small), ImageRef(small), ImageRef(big)])
    conv.system = "Respond only with the letter."
    a.generate([conv], 32)
    body = server.requests[-1]
    assert body["messages"][0] == {"role": "system", "content": "Respond only with the letter."}
    parts = body["messages"][1]["content"]
    assert parts[0] == {"type": "text", "text": "[image not shown]"}  # the earliest beyond the cap
    urls = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    assert len(urls) == 2 and urls[0].startswith("data:image/png") and urls[1].startswith("data:image/jpeg")
    sent = Image.open(__import__("io").BytesIO(base64.b64decode(urls[1].split(",", 1)[1])))
    assert max(sent.size) == 300 and a.stats["capped"] == 1 and body["max_tokens"] == 32
    from babyvlm.tasks.devcv import DEVCV_TASKS

    assert a.max_new_tokens(DEVCV_TASKS["count"]()) == 32  # the task's API limit, not its 16 local tokens
