"""Config fingerprints (`babyvlm.util.digest`): resume markers and caches compare them across runs, so
the formula is a contract. Pinned to the one the modules used before they shared it (an earlier
run's markers still match), and checked to ignore key order and to see every value."""

import hashlib
from pathlib import Path

from babyvlm.util.digest import digest


def test_digest_is_the_hash_of_sorted_key_json():
    value = {"seed": 0, "set": ["stage3.epochs=3"], "p": "pretrain/default"}
    text = '{"p": "pretrain/default", "seed": 0, "set": ["stage3.epochs=3"]}'
    assert digest(value) == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert digest(value, length=24, algorithm="sha1") == hashlib.sha1(text.encode()).hexdigest()[:24]


def test_key_order_does_not_matter_and_every_value_does():
    assert digest({"a": 1, "b": [1, 2]}) == digest({"b": [1, 2], "a": 1})
    assert digest({"a": 1, "b": [1, 2]}) != digest({"a": 1, "b": [2, 1]})
    assert digest({"out": Path("runs/x")}) == digest({"out": "runs/x"})  # paths as their text
