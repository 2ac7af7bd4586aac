"""One table of everyday names -> CDI items (`babyvlm.data.words`): the DevCV builder and the V1
caption simplifier read it, so they cannot disagree about what a word names (they once mapped
`settee` to sofa and to couch)."""

from __future__ import annotations

from babyvlm.data import cdi_categories, find_word
from babyvlm.data.words import SYNONYMS, plural, singular
from babyvlm.devcv.builder.vocab import Vocabulary
from babyvlm.v1.transform.simplify import SIMPLIFICATIONS
from babyvlm.v1.transform.simplify import SYNONYMS as V1_SYNONYMS


def test_every_synonym_names_a_cdi_item():
    missing = sorted(k for k, v in SYNONYMS.items() if find_word(v) is None)
    assert not missing, missing


def test_devcv_and_v1_read_a_name_as_the_same_thing():
    vocab = Vocabulary(categories=cdi_categories())
    checked = 0
    for name, item in SYNONYMS.items():
        word = find_word(item).word
        assert vocab.lookup(name).item == find_word(item).item, name
        if name in V1_SYNONYMS:  # V1 may simplify further (sofa -> couch), never name something else
            assert V1_SYNONYMS[name] == SIMPLIFICATIONS.get(word, word), name
            checked += 1
    assert checked > 40
    assert vocab.lookup("settee").word == "sofa" and V1_SYNONYMS["settee"] == SIMPLIFICATIONS["sofa"] == "couch"


def test_noun_number_round_trips():
    for word in ("cup", "box", "strawberry", "mouse", "person", "knife", "sheep", "keys", "glasses", "teddy bear"):
        assert singular(plural(word)) == word or plural(word) == word, word
    assert plural("baby") == "babies" and plural("french fries") == "french fries" and plural("people") == "people"
