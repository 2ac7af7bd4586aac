"""`babyvlm v1 transform`: rewriting, the CDI filter, embeddings, Hungarian matching, pretraining-schema output.

The captioned set is generated here: "near" images are frames of the tiny world (mirrored, taken
between the infant frames' times), "far" images are saturated synthetic patterns; both carry
ordinary captions, a few far images carry captions with nothing of an infant's world. The infant
corpus is a folder of other world frames (and a pretraining-set-style folder over them).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw, ImageOps

from babyvlm.config import build_config
from babyvlm.corpus import VideoReader
from babyvlm.data import cdi_words
from babyvlm.errors import ConfigError, InputError
from babyvlm.pretrain.check import check_set
from babyvlm.v1.config import TransformConfig
from babyvlm.v1.transform import transform
from babyvlm.v1.transform.captions import read_captions
from babyvlm.v1.transform.embed import ColorHOG, colorhog
from babyvlm.v1.transform.llm import clean_reply
from babyvlm.v1.transform.match import hungarian_match, subset_similarity
from babyvlm.v1.transform.rules import RuleRewriter, plural
from babyvlm.v1.transform.simplify import SYNONYMS
from babyvlm.v1.transform.vocab import has_content_word, lexicon

CAPTIONS = [
    "A dog sitting on a couch next to a ball.", "A little girl eating a banana in the kitchen.",
    "Two cats sleeping on a bed.", "A red car parked on the street.", "A bowl of soup on a table.",
    "A man riding a horse in a field.", "A woman holding a cup of juice.", "Three ducks swimming in a pond.",
]
ADULT = ["A quarterly revenue chart of the company.", "An abstract diagram of algorithmic complexity."]
N_NEAR, N_FAR, N_INFANT = 20, 50, 15


@pytest.fixture(scope="session")
def data(tiny_world, tmp_path_factory) -> dict[str, Path]:
    """infant/ (world frames), infant_set/ (the same as a pretraining set), captions/ (near + far)."""
    root = tmp_path_factory.mktemp("v1_transform")
    videos = sorted((tiny_world / "videos").glob("*.mp4"))
    infant, near = root / "infant", root / "captions"
    infant.mkdir()
    near.mkdir()
    k_inf = k_near = 0
    for v in videos:
        r = VideoReader(v)
        times = [1.0 + 4.0 * i for i in range(7)]
        for j, fr in enumerate(r.frames_at([t for t in times] + [t + 2.0 for t in times])):
            if j % 2 == 0 and k_inf < N_INFANT:
                fr.image.save(infant / f"frame_{k_inf:03d}.jpg", quality=90)
                k_inf += 1
            elif j % 2 == 1 and k_near < N_NEAR:
                ImageOps.mirror(fr.image).resize((200, 150)).save(near / f"near_{k_near:03d}.jpg", quality=90)
                k_near += 1
    assert k_inf == N_INFANT and k_near == N_NEAR
    rng = np.random.default_rng(0)
    for k in range(N_FAR):
        im = Image.new("RGB", (200, 150), tuple(int(c) for c in rng.integers(0, 256, 3)))
        d = ImageDraw.Draw(im)
        for _ in range(12):
            x, y = rng.integers(0, 200), rng.integers(0, 150)
            d.ellipse([x, y, x + 30, y + 30], fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
        im.save(near / f"far_{k:03d}.png")
    with open(near / "captions.jsonl", "w") as f:
        for k in range(N_NEAR):
            f.write(json.dumps({"image": f"near_{k:03d}.jpg", "caption": CAPTIONS[k % len(CAPTIONS)]}) + "\n")
        for k in range(N_FAR):
            if k < 6:  # nothing of an infant's world: dropped
                f.write(json.dumps({"image": f"far_{k:03d}.png", "captions": [ADULT[k % 2]]}) + "\n")
            elif k < 10:  # the first caption fails the filter, the second is used
                f.write(json.dumps({"image": f"far_{k:03d}.png", "captions": [ADULT[k % 2], CAPTIONS[k % 8]]}) + "\n")
            else:
                f.write(json.dumps({"image": f"far_{k:03d}.png", "caption": CAPTIONS[k % len(CAPTIONS)]}) + "\n")
        f.write(json.dumps({"image": "missing.jpg", "caption": "a ball"}) + "\n")
        f.write("{not json\n")
    pset = root / "infant_set"
    (pset / "frames").mkdir(parents=True)
    samples = []
    for p in sorted(infant.glob("*.jpg")):
        (pset / "frames" / p.name).write_bytes(p.read_bytes())
        samples.append({"id": p.stem, "image": [f"frames/{p.name}"],
                        "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "look"}],
                        "meta": {"stem": f"S_20140101_0101_{len(samples) % 3:02d}"}})
    for split, rows in (("train", samples), ("val", [])):
        (pset / split).mkdir()
        for fmt in ("single_image", "mix_format"):
            (pset / split / f"{fmt}.json").write_text(json.dumps(rows))
        for fmt in ("video", "interleaved"):
            (pset / split / f"{fmt}.json").write_text("[]")
    (pset / "text").mkdir()
    (pset / "text" / "train.txt").write_text("look\n" * len(samples))
    (pset / "text" / "val.txt").write_text("")
    (pset / "stats.json").write_text("{}")
    assert check_set(pset)[0] == []
    return {"infant": infant, "infant_set": pset, "captions": near / "captions.jsonl", "folder": near}


def _cfg(*overrides: str) -> TransformConfig:
    return build_config(TransformConfig, section="transform", preset="v1/transform", overrides=list(overrides))


@pytest.fixture(scope="session")
def transformed(data, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("v1_tr") / "out"
    stats = transform(data["captions"], out, _cfg(), infant=data["infant_set"])
    return out, stats


# ------------------------------------------------------------------------------------------ rewriting

def test_synonym_table_only_leads_into_the_cdi_vocabulary():
    lex = lexicon()
    bad = sorted({v for v in SYNONYMS.values() if not lex.lookup(v)})
    assert not bad, f"not CDI words: {bad}"


def test_rule_rewriter_gives_short_child_directed_utterances():
    r = RuleRewriter(lexicon(), max_words=8, seed=0)
    out = {c: r.rewrite(c, key=c) for c in CAPTIONS}
    for c, u in out.items():
        assert u is not None and len(u.split()) <= 8, (c, u)
        assert has_content_word(u, lexicon()), u
    assert "dog" in out[CAPTIONS[0]]
    assert "cats" in out[CAPTIONS[2]] and "sleeping" in out[CAPTIONS[2]]
    assert "lady" in out[CAPTIONS[6]]  # woman -> lady
    assert "horse" in out[CAPTIONS[5]] and "riding" in out[CAPTIONS[5]]
    assert r.rewrite(ADULT[0]) is None and r.rewrite(ADULT[1]) is None
    # deterministic per key and seed; another seed may pick another frame, never another topic
    assert [r.rewrite(c, key=c) for c in CAPTIONS] == list(out.values())
    other = RuleRewriter(lexicon(), max_words=8, seed=5)
    assert all("dog" in other.rewrite(CAPTIONS[0], key=f"k{i}") for i in range(10))
    assert len({other.rewrite(CAPTIONS[0], key=f"k{i}") for i in range(20)}) > 1
    # a tight length cap falls back to a shorter frame
    short = RuleRewriter(lexicon(), max_words=3, seed=0)
    assert all(len(short.rewrite(c, key=c).split()) <= 3 for c in CAPTIONS)


def test_inflections_and_plurals():
    lex = lexicon()
    assert lex.base_form("riding") == "ride" and lex.base_form("puppies") == "puppy"
    assert lex.base_form("dishes") == "dish" and lex.base_form("quarterly") is None
    assert plural("foot") == "feet" and plural("bus") == "buses" and plural("puppy") == "puppies"
    assert lex.content_words("we ate ice cream in the high chair") == ["ice cream", "high chair"]
    loose = lexicon("WS", ("food_drink", "furniture_rooms", "action_words"))
    assert loose.content_words("we ate ice cream in the high chair") == ["eat", "ice cream", "high chair"]


def test_content_word_filter():
    lex = lexicon()
    assert has_content_word("look at the doggies", lex)
    assert not has_content_word("what is that over there?", lex)  # function words only
    assert not has_content_word("quarterly revenue", lex)
    assert not has_content_word("look, the numbers go up!", lex)  # CDI verbs name nothing in view
    nouns_only = lexicon("WS", ("animals",))
    assert has_content_word("a dog", nouns_only) and not has_content_word("a red car", nouns_only)
    assert all(w.word for w in cdi_words("WG"))


def test_llm_reply_cleaning():
    assert clean_reply('Utterance: "Look at the doggy!"\nMore text') == "Look at the doggy!"
    assert clean_reply("  \n see the ball?  ") == "see the ball?"


# ------------------------------------------------------------------------------------------ reading

def test_read_captions_jsonl_coco_and_folder(data, tmp_path):
    items, rejects = read_captions(data["captions"])
    assert len(items) == N_NEAR + N_FAR
    reasons = " | ".join(r.reason for r in rejects)
    assert "does not exist" in reasons and "not valid JSON" in reasons
    assert [r.line for r in rejects] == [N_NEAR + N_FAR + 1, N_NEAR + N_FAR + 2]
    assert items[25].captions == [ADULT[1]]
    # COCO: several captions per image are grouped, in order
    coco = {"images": [{"id": 7, "file_name": "near_000.jpg"}, {"id": 9, "file_name": "gone.jpg"}],
            "annotations": [{"image_id": 7, "caption": "a dog"}, {"image_id": 7, "caption": "a ball"},
                            {"image_id": 9, "caption": "x"}, {"image_id": 3, "caption": "y"}]}
    (tmp_path / "coco.json").write_text(json.dumps(coco))
    items, rejects = read_captions(tmp_path / "coco.json", images_root=data["folder"])
    assert [(i.id, i.captions) for i in items] == [("near_000", ["a dog", "a ball"])]
    assert len(rejects) == 2
    # a folder of images with .txt captions
    d = tmp_path / "txt"
    (d / "sub").mkdir(parents=True)
    Image.new("RGB", (8, 8)).save(d / "sub" / "a.jpg")
    (d / "sub" / "a.txt").write_text("a red ball\nthe ball\n")
    Image.new("RGB", (8, 8)).save(d / "b.png")
    items, rejects = read_captions(d)
    assert [(i.id, i.captions) for i in items] == [("sub_a", ["a red ball", "the ball"])]
    assert len(rejects) == 1 and "no caption file" in rejects[0].reason
    with pytest.raises(InputError):
        read_captions(tmp_path / "nowhere.jsonl")


# ------------------------------------------------------------------------------------------ embeddings, matching

def test_colorhog_is_unit_length_and_prefers_similar_images(data):
    a = Image.open(sorted(data["infant"].glob("*.jpg"))[0])
    near = ImageOps.mirror(a)
    far = Image.open(sorted(data["folder"].glob("far_*.png"))[0])
    ea, en, ef = colorhog(a), colorhog(near), colorhog(far)
    assert abs(np.linalg.norm(ea) - 1) < 1e-5
    assert ea @ en > ea @ ef + 0.1
    assert np.array_equal(ColorHOG().embed_images([a, far]), np.stack([ea, ef]))


def test_hungarian_matching_is_optimal_and_one_to_one():
    rng = np.random.default_rng(0)
    infant = rng.normal(size=(6, 4))
    infant /= np.linalg.norm(infant, axis=1, keepdims=True)
    cands = np.concatenate([infant + 0.05 * rng.normal(size=infant.shape), rng.normal(size=(30, 4))])
    cands /= np.linalg.norm(cands, axis=1, keepdims=True)
    res = hungarian_match(infant, cands, 0, seed=0)
    assert sorted(res.matched.tolist()) == list(range(6)) and res.exact  # each infant frame gets its twin
    assert len(set(res.random.tolist())) == 6
    # blockwise (memory-bounded) solution: still one-to-one, close to the exact objective
    blk = hungarian_match(infant, cands, 0, seed=0, max_cells=40)
    assert not blk.exact and len(set(blk.matched.tolist())) == 6
    assert blk.pair_sims.sum() >= 0.9 * res.pair_sims.sum()
    # sizes: fewer targets than infant frames, more (targets repeat), more than candidates (capped)
    assert len(hungarian_match(infant, cands, 3, seed=0).matched) == 3
    big = hungarian_match(infant, cands, 12, seed=0)
    assert len(set(big.matched.tolist())) == 12 and sorted(set(big.targets.tolist())) == list(range(6))
    capped = hungarian_match(infant, cands[:4], 0, seed=0)
    assert len(capped.matched) == 4 and capped.notes
    m = subset_similarity(cands[res.matched], infant, res.targets, max_cells=10**6)
    r = subset_similarity(cands[res.random], infant, res.targets, max_cells=10**6)
    assert m["pair"] > r["pair"] and m["nearest"] > r["nearest"]


# ------------------------------------------------------------------------------------------ end to end

def test_transform_writes_valid_pretraining_sets(transformed):
    out, stats = transformed
    for name in ("matched", "random"):
        problems, summary = check_set(out / name)
        assert problems == [], problems[:3]
        assert summary["samples"]["train/single_image"] == N_INFANT
    assert stats["check"]["matched"]["valid"] and stats["check"]["random"]["valid"]
    # the infant set with the matched pairs mixed in: valid, both kinds of samples, frames all there
    assert check_set(out / "mixed")[0] == [] and stats["check"]["mixed"]["valid"]
    mixed = json.loads((out / "mixed" / "train" / "single_image.json").read_text())
    assert len(mixed) == 2 * N_INFANT and sum(s["id"].startswith("v1_") for s in mixed) == N_INFANT
    assert stats["mixed"] == {"train": 2 * N_INFANT, "train_synthetic": N_INFANT, "val": 0, "val_synthetic": 0}
    assert len((out / "mixed" / "text" / "train.txt").read_text().splitlines()) == 2 * N_INFANT
    assert stats["rewrite"]["kept"] == N_NEAR + N_FAR - 6 and stats["rewrite"]["rejected"] == 6
    samples = json.loads((out / "matched" / "train" / "single_image.json").read_text())
    lex = lexicon()
    for s in samples:
        utt = s["conversations"][1]["value"]
        assert has_content_word(utt, lex) and len(utt.split()) <= 8
        assert s["meta"]["subset"] == "matched" and s["meta"]["caption"] in CAPTIONS
        assert (out / "matched" / s["image"][0]).is_file()
    mix = json.loads((out / "matched" / "train" / "mix_format.json").read_text())
    assert [s["id"] for s in mix] == [s["id"] for s in samples]
    text = (out / "matched" / "text" / "train.txt").read_text().splitlines()
    assert text == [s["conversations"][1]["value"] for s in samples]
    rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]
    assert sum("no utterance from any caption" in r["reason"] for r in rejects) == 6
    assert any("does not exist" in r["reason"] for r in rejects)
    # the four far images whose second caption passed are kept with that caption
    pairs = {json.loads(x)["id"]: json.loads(x) for x in (out / "pairs.jsonl").read_text().splitlines()}
    assert pairs["v1_far_007"]["caption"] == CAPTIONS[7]


def test_matched_subset_is_closer_to_the_infant_frames_than_the_random_one(transformed):
    out, stats = transformed
    s = stats["similarity_to_infant"]
    assert s["matched"]["n"] == s["random"]["n"] == N_INFANT
    for k in ("pair", "nearest", "centroid"):
        assert s["matched"][k] > s["random"][k] + 0.02, (k, s)
    ids = [x["id"] for x in json.loads((out / "matched" / "train" / "single_image.json").read_text())]
    rand = [x["id"] for x in json.loads((out / "random" / "train" / "single_image.json").read_text())]
    near_m = sum(i.startswith("v1_near") for i in ids)
    near_r = sum(i.startswith("v1_near") for i in rand)
    assert near_m >= 0.8 * N_INFANT and near_m > near_r + 4, (near_m, near_r)
    assert "| matched |" in (out / "report.md").read_text()


def test_transform_is_deterministic_and_resumes_from_its_caches(data, transformed, tmp_path):
    out, stats = transformed
    again = tmp_path / "again"
    stats2 = transform(data["captions"], again, _cfg(), infant=data["infant_set"])
    for f in ("matched/train/single_image.json", "random/train/single_image.json", "matched/text/train.txt"):
        assert (out / f).read_bytes() == (again / f).read_bytes(), f
    assert stats2["similarity_to_infant"] == stats["similarity_to_infant"]
    stats3 = transform(data["captions"], again, _cfg(), infant=data["infant_set"])
    assert stats3["rewrite"]["cached"] == stats3["rewrite"]["attempts"] > 0
    assert (out / "matched/train/single_image.json").read_bytes() == (again / "matched/train/single_image.json").read_bytes()


def test_size_option_image_folder_infant_and_all_set(data, tmp_path):
    stats = transform(data["captions"], tmp_path / "o", _cfg("match.size=8", "output.write_all=true",
                                                             "output.image_size=48"), infant=data["infant"])
    assert stats["infant"]["source"] == "image folder" and stats["matching"]["size"] == 8
    assert stats["sets"] == {"matched": 8, "random": 8, "all": N_NEAR + N_FAR - 6}
    assert check_set(tmp_path / "o" / "all")[0] == []
    with Image.open(next((tmp_path / "o" / "matched" / "frames").glob("*.jpg"))) as im:
        assert min(im.size) == 48


def test_bad_inputs_are_one_line_errors(data, tmp_path):
    with pytest.raises(InputError, match="pretraining set"):
        transform(data["captions"], tmp_path / "a", _cfg(), infant=tmp_path)
    with pytest.raises(ConfigError, match="max_words"):
        transform(data["captions"], tmp_path / "a", _cfg("rewrite.max_words=1"), infant=data["infant"])
    only_adult = tmp_path / "adult.jsonl"
    only_adult.write_text(json.dumps({"image": str(data["folder"] / "far_000.png"), "caption": ADULT[0]}) + "\n")
    with pytest.raises(InputError, match="no caption survived"):
        transform(only_adult, tmp_path / "b", _cfg(), infant=data["infant"])
    broken = tmp_path / "broken.jsonl"
    (tmp_path / "broken.jpg").write_bytes(b"not an image")
    broken.write_text(json.dumps({"image": "broken.jpg", "caption": "a dog"}) + "\n"
                      + json.dumps({"image": str(data["folder"] / "near_000.jpg"), "caption": "a dog"}) + "\n")
    stats = transform(broken, tmp_path / "c", _cfg(), infant=data["infant"])
    assert stats["embedding"]["unreadable"] == 1 and stats["sets"]["matched"] == 1


def test_cli_transform(data, tmp_path):
    from babyvlm.cli import cli

    r = CliRunner().invoke(cli, ["v1", "transform", str(data["captions"]), "--infant", str(data["infant_set"]),
                                 "--out", str(tmp_path / "cli"), "--size", "5"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "matched  similarity" in r.output and "matched set:" in r.output
    assert (tmp_path / "cli" / "config.yaml").read_text().startswith("transform:")
    from babyvlm.cli import main

    (tmp_path / "empty").mkdir()
    bad = ["v1", "transform", str(data["captions"]), "--infant", str(tmp_path / "empty"), "--out", str(tmp_path / "x")]
    assert main(bad) == 2 and not (tmp_path / "x" / "matched").exists()
    assert main(["pretrain", "check", str(tmp_path / "cli" / "matched")]) == 0


@pytest.mark.slow  # trains a tiny scorer on the tiny world (~30 s)
def test_baby_embedder_from_a_trained_scorer(data, tiny_world, tmp_path):
    from babyvlm.scoring.baby.config import ScorerTrainConfig
    from babyvlm.scoring.baby.train import train_baby_scorer

    cfg = build_config(ScorerTrainConfig, section="scorer", preset="scorer/tiny")
    train_baby_scorer(tiny_world, tmp_path / "scorer", cfg)
    stats = transform(data["captions"], tmp_path / "b", _cfg("embed.name=baby", f"embed.model={tmp_path / 'scorer'}"),
                      infant=data["infant"])
    assert stats["embedding"]["name"] == "baby" and stats["check"]["matched"]["valid"]
    assert stats["similarity_to_infant"]["matched"]["pair"] >= stats["similarity_to_infant"]["random"]["pair"]


def test_llm_mode_through_an_openai_compatible_server(data, tmp_path):
    """The instruction and caption reach the server; replies are cleaned and filtered; a rerun is free;
    the key is sent but never written."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[dict] = []
    auth: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(body)
            auth.append(self.headers.get("Authorization", ""))
            text = body["messages"][0]["content"][0]["text"]
            caption = text.rsplit("Caption:", 1)[1].strip()
            reply = "Sentence: the numbers go up" if "revenue" in caption else f'"look, {caption.split()[1].lower()}!"'
            data = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        caps = tmp_path / "caps.jsonl"
        caps.write_text("".join(json.dumps({"image": str(data["folder"] / n), "caption": c}) + "\n" for n, c in [
            ("near_000.jpg", "A dog on a couch."), ("near_001.jpg", "A revenue chart."),
            ("far_020.png", "The kitchen table."), ("far_021.png", "A quarterly report.")]))
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        cfg = _cfg("rewrite.mode=llm", "rewrite.model=fake-llm", f"rewrite.api_base={url}", "rewrite.concurrency=2")
        stats = transform(caps, tmp_path / "o", cfg, infant=data["infant"], api_key="sk-secret-123")
        assert len(seen) == 4 and all(a == "Bearer sk-secret-123" for a in auth)
        assert "two-year-old" in seen[0]["messages"][0]["content"][0]["text"]
        pairs = [json.loads(x) for x in (tmp_path / "o" / "pairs.jsonl").read_text().splitlines()]
        # "look, quarterly!" and "the numbers go up" name nothing of an infant's world: dropped
        assert sorted(p["utterance"] for p in pairs) == ["look, dog!", "look, kitchen!"]
        assert stats["rewrite"]["kept"] == 2 and stats["rewrite"]["rejected"] == 2
        stats2 = transform(caps, tmp_path / "o", cfg, infant=data["infant"], api_key="sk-secret-123")
        assert len(seen) == 4 and stats2["rewrite"]["cached"] == 4
        for f in (tmp_path / "o").rglob("*"):
            if f.is_file() and f.suffix in (".json", ".jsonl", ".yaml", ".md", ".txt"):
                assert "sk-secret-123" not in f.read_text(errors="replace"), f
        cfg.rewrite.model = ""
        with pytest.raises(Exception, match="rewrite.model"):
            transform(caps, tmp_path / "p", cfg, infant=data["infant"])
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_llm_rewriter_sends_the_body_the_openai_adapter_would():
    """V1's rewriter builds its own request on the shared client: the body (and so the response cache
    key) is exactly what the evaluation's `openai:` adapter sends for the same text-only turn."""
    from babyvlm.evaluate.adapters import AdapterOptions
    from babyvlm.evaluate.adapters.openai import OpenAIAdapter
    from babyvlm.tasks.conversation import Conversation
    from babyvlm.v1.transform.llm import LLMRewriter

    cfg = _cfg("rewrite.mode=llm", "rewrite.model=fake-llm").rewrite
    rewriter = LLMRewriter(cfg, cache_dir=None, api_key="")
    adapter = OpenAIAdapter("fake-llm", AdapterOptions(api_key=""))
    text = cfg.instruction.replace("{caption}", "A dog on a couch.")
    conv = Conversation.from_turns([("user", text)], [])
    assert rewriter.body("A dog on a couch.") == adapter._body(conv, cfg.max_tokens)
