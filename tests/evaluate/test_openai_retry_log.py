"""Retries of the API client are logged at debug level, which `babyvlm -v` shows (issue 17)."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("openai_test_helpers", Path(__file__).with_name("test_openai.py"))
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)


@pytest.fixture
def server():
    s = helpers.FakeServer()
    yield s
    s.close()


def test_each_retry_is_logged_with_its_reason_and_wait(server, tmp_path, caplog):
    log = logging.getLogger("babyvlm")
    extra = not log.propagate  # the CLI's logger (once set up) does not propagate to caplog's root handler
    if extra:
        log.addHandler(caplog.handler)
    old = log.level
    log.setLevel(logging.DEBUG)  # what -v sets
    try:
        server.plan = ["429", "500", "429:3"]
        assert helpers.adapter(server, sleeps=[]).generate([helpers.conv(tmp_path)]) == ["B"]
    finally:
        if extra:
            log.removeHandler(caplog.handler)
        log.setLevel(old)
    lines = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(lines) == 3, lines
    assert "HTTP 429; retry 1 of 4 in" in lines[0] and "HTTP 500; retry 2 of 4" in lines[1]
    assert lines[2].endswith("retry 3 of 4 in 3.0 s")  # the Retry-After wait
    assert all(r.levelno == logging.DEBUG for r in caplog.records if "retry" in r.getMessage())
    assert helpers.KEY not in " ".join(lines)
