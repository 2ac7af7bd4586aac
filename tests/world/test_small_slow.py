"""The `small` preset (about an hour of video) meets the issue's statistical targets. Slow: ~1-2 min on 2 cores."""

from __future__ import annotations

import json

import pytest

from babyvlm.corpus import open_corpus
from babyvlm.world import generate_world

pytestmark = pytest.mark.slow


def test_small_world_statistics(tmp_path_factory, world_config):
    out = tmp_path_factory.mktemp("world") / "small"
    generate_world(world_config("small", audio="off"), out, workers=2)
    corpus = open_corpus(out)
    assert len(list(corpus.sessions())) == 24 and corpus.rejects == []
    s = json.loads((out / "corpus.json").read_text())["stats"]
    assert 0.85 <= s["hours"] <= 1.15
    # about a third of utterances are about nothing in view (routines, absent things, things gone)
    assert 0.30 <= s["nothing_in_view_share"] <= 0.40
    # counts of one category in view: every count from 1 to 12 occurs
    hist = {int(k): v for k, v in s["same_category_count_hist"].items()}
    assert all(hist.get(n, 0) > 0 for n in range(1, 13)), hist
    assert s["categories_in_domains"] >= 40 and len(s["categories_by_cdi_category"]) >= 7
    assert s["age_months_min"] <= 7 and s["age_months_max"] >= 30
    assert {"M", "F", "C"} <= set(s["speakers"])
    assert {"left", "right", "bottom", "top"} <= set(s["leaves_frame_sides"])
    assert min(s["quadrants"].values()) > 0.15 * sum(s["quadrants"].values())
    assert 0.2 <= s["partially_visible_share"] <= 0.8  # occlusion and partial views, but most things whole
    assert 10 <= s["utterances"] / (s["hours"] * 60) <= 25  # utterances per minute
