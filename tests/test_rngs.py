"""Keyed random streams (`babyvlm.util.rngs`): every module draws from them, so the derivation is a
contract. These pin it to the formulas the modules used before they shared it (same seed, same
outputs across the refactor), and check that names keep streams apart."""

import random
import zlib

import numpy as np

from babyvlm.util.rngs import joined_seed, py_stream, stream


def _crc(s: str) -> int:
    return zlib.crc32(s.encode("utf-8"))


def test_stream_is_numpy_seeded_by_the_seed_and_each_names_crc():
    got = stream(3, "compare_synthetic", "train").integers(1 << 30, size=5)
    want = np.random.default_rng([3, _crc("compare_synthetic"), _crc("train")]).integers(1 << 30, size=5)
    assert got.tolist() == want.tolist()


def test_int_names_are_taken_as_they_are_numpy_ints_too():
    want = np.random.default_rng([5, 2, 11]).random(4).tolist()
    assert stream(5, 2, 11).random(4).tolist() == want
    assert stream(5, np.int64(2), 11).random(4).tolist() == want
    assert stream(5, "2", 11).random(4).tolist() != want  # the text "2" is a name, not the number


def test_names_and_their_order_keep_streams_apart():
    draws = {names: tuple(stream(0, *names).random(3)) for names in [("a",), ("b",), ("a", "b"), ("b", "a"), ()]}
    assert len(set(draws.values())) == len(draws)
    assert tuple(stream(0, "a").random(3)) == draws[("a",)]  # and each is reproducible


def test_py_stream_is_random_seeded_by_the_joined_parts():
    assert joined_seed(0, "subitizing", "item_3", 1) == _crc("0:subitizing:item_3:1")
    assert py_stream(0, "subitizing", "item_3").random() == random.Random(_crc("0:subitizing:item_3")).random()
