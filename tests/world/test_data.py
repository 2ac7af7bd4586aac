"""babyvlm.data: the packaged CDI word lists and AoA norms."""

from __future__ import annotations

import pytest

from babyvlm.data import (
    aoa_rows,
    aoa_table,
    cdi_categories,
    cdi_citation,
    cdi_item,
    cdi_vocabulary,
    cdi_words,
    data_path,
    find_word,
    plain_word,
    word_aoa,
)


def test_word_lists_have_the_documented_sizes():
    ws, wg = cdi_words("WS"), cdi_words("WG")
    assert len(ws) == 680 and len(wg) == 396
    assert len(cdi_categories("WS")) == 22
    assert cdi_categories("WS")[:3] == ["sounds", "animals", "vehicles"]
    assert len(cdi_words("WS", "animals")) == 43
    assert {w.category for w in cdi_words("WS", ["toys", "vehicles"])} == {"toys", "vehicles"}


def test_items_and_plain_words():
    w = cdi_item("chicken.animal")
    assert w.category == "animals" and w.definition == "chicken (animal)" and w.word == "chicken"
    assert cdi_item("tv").word == "tv"
    assert plain_word("soda/pop") == "soda"
    assert plain_word("buttocks/bottom*") == "buttocks"
    with pytest.raises(KeyError):
        cdi_item("spaceship")
    with pytest.raises(ValueError):
        cdi_words("XX")


def test_aoa_norms():
    rows = aoa_rows()
    assert len(rows) == 780
    prod, und = aoa_table("produces"), aoa_table("understands")
    assert prod["ball"] == pytest.approx(14.011)
    assert und["ball"] < prod["ball"]  # comprehension comes first
    assert all(5 < v < 31 for v in prod.values())
    # lookups by lemma, CDI item name and plain word agree
    assert word_aoa("chicken (animal)") == word_aoa("chicken.animal") == pytest.approx(20.4405)
    assert word_aoa("ice_cream") == pytest.approx(20.0045)
    assert word_aoa("crayon") is None and word_aoa("crayon", default=24.0) == 24.0
    with pytest.raises(ValueError):
        aoa_table("babbles")
    prod["ball"] = 0.0  # a copy: the table itself is unchanged
    assert aoa_table()["ball"] == pytest.approx(14.011)


def test_files_and_citation_are_packaged():
    assert data_path("cdi", "english_ws_words.csv").exists()
    assert "Fenson" in cdi_citation() and "Wordbank" in cdi_citation()


def test_find_word_and_vocabulary():
    assert find_word("TV").item == "tv"
    assert find_word("teddy bear").item == "teddybear"
    assert find_word("chicken").category == "animals"  # the first item with that word
    assert find_word("high chair").category == "furniture_rooms"
    assert find_word("spaceship") is None
    vocab = cdi_vocabulary("WS", "food_drink")
    assert {"ice cream", "apple", "french fries"} <= vocab and "dog" not in vocab
    assert len(cdi_vocabulary("WG")) <= 396
