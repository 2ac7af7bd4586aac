"""Packaged data: CDI word lists and age-of-acquisition norms (and, later, reference results).

Imports nothing else of the package, so every part (world, DevCV, V1) can use it.
"""

from babyvlm.data.cdi import (
    AoARow,
    CDIWord,
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

__all__ = [
    "AoARow", "CDIWord", "aoa_rows", "aoa_table", "cdi_categories", "cdi_citation", "cdi_item", "cdi_vocabulary",
    "cdi_words", "data_path", "find_word", "plain_word", "word_aoa",
]
