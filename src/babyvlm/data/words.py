"""Everyday names of things and English noun number: one table for the whole package.

`SYNONYMS` maps a name that denotes the same thing as a CDI item (a detector's `dining table`, a
caregiver's `doggy`, a caption's `settee`) onto that item. The DevCV builder maps object labels
with it and the V1 caption simplifier starts from it (adding its own looser simplifications), so
the two never disagree about what a word names. `singular` and `plural` inflect nouns, with the
irregular forms (and the words that exist only as plurals) in `IRREGULAR_PLURALS`.

Imports nothing else of the package.
"""

from __future__ import annotations

import re

# Detector (COCO, LVIS, Objects365) and everyday names -> CDI items (same referent, not a looser
# word). Labels that are already a CDI word or its plural need no entry.
SYNONYMS: dict[str, str] = {
    "dining table": "table", "diningtable": "table", "desk": "table",
    "television": "tv", "tvmonitor": "tv", "tv monitor": "tv",
    "cell phone": "telephone", "mobile phone": "telephone", "phone": "telephone", "cellphone": "telephone",
    "teddy bear": "teddybear", "teddy": "teddybear", "stuffed animal": "teddybear",
    "sports ball": "ball", "football": "ball", "soccer ball": "ball", "basketball": "ball",
    "potted plant": "plant", "pottedplant": "plant", "houseplant": "plant",
    "bike": "bicycle", "motorbike": "motorcycle", "aeroplane": "airplane", "plane": "airplane",
    "kitten": "kitty", "doggy": "dog", "doggie": "dog", "rabbit": "bunny", "bunny rabbit": "bunny",
    "fridge": "refrigerator", "wine glass": "glass", "drinking glass": "glass", "mug": "cup", "sippy cup": "cup",
    "toilet": "potty", "handbag": "purse", "doughnut": "donut", "carrot": "carrots", "grape": "grapes",
    "boot": "boots", "glove": "gloves", "mitten": "mittens", "key": "keys", "stair": "stairs",
    "couch": "couch", "settee": "sofa", "bathtub": "bathtub", "tub": "bathtub", "bath": "bathtub",
    "baby bottle": "bottle", "water bottle": "bottle", "trash can": "garbage", "garbage can": "garbage",
    "bin": "garbage", "sneakers": "sneaker", "lamp": "lamp", "light bulb": "light",
    "picture frame": "picture", "painting": "picture", "photo": "picture", "blocks": "block",
    "toy car": "car", "toy truck": "truck", "orange": "orange.food", "fish": "fish.animal",
    "chicken": "chicken.animal", "water": "water.beverage", "can": "can.object", "watch": "watch.object",
    "slide": "slide.object", "swing": "swing.object", "drink": "drink.beverage", "highchair": "high_chair",
    "high chair": "high_chair", "crib": "crib", "cot": "crib", "pram": "stroller", "buggy": "stroller",
}

IRREGULAR_PLURALS = {
    "mouse": "mice", "foot": "feet", "tooth": "teeth", "goose": "geese", "sheep": "sheep", "fish": "fish",
    "deer": "deer", "moose": "moose", "knife": "knives", "leaf": "leaves", "shelf": "shelves", "wolf": "wolves",
    "person": "people", "child": "children", "man": "men", "woman": "women", "glasses": "glasses",
    "scissors": "scissors", "pants": "pants", "shorts": "shorts", "tights": "tights", "jeans": "jeans",
    "pajamas": "pajamas", "underpants": "underpants", "keys": "keys", "stairs": "stairs",
    "people": "people", "fries": "fries", "scarf": "scarves", "lady": "ladies", "baby": "babies", "puppy": "puppies", "kitty": "kitties",
    "bunny": "bunnies", "mittens": "mittens", "gloves": "gloves", "boots": "boots", "bubbles": "bubbles",
    "beans": "beans", "grapes": "grapes", "carrots": "carrots", "noodles": "noodles", "nuts": "nuts",
    "peas": "peas", "vitamins": "vitamins", "beads": "beads", "cheerios": "cheerios",
}
# plural -> singular; a word that is its own plural (sheep, glasses, keys) stays itself, unless it
# is also another word's plural (people: person)
SINGULAR_OF = {v: k for k, v in IRREGULAR_PLURALS.items() if k == v} | {
    v: k for k, v in IRREGULAR_PLURALS.items() if k != v}


def singular(word: str) -> str:
    w = word.strip().lower()
    if w in SINGULAR_OF:
        return SINGULAR_OF[w]
    if re.search(r"[^aeiou]ies$", w):
        return w[:-3] + "y"
    if re.search(r"(ches|shes|sses|xes|zes|oes)$", w):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def plural(word: str) -> str:
    """`cup` -> `cups`, `box` -> `boxes`, `strawberry` -> `strawberries`, `mouse` -> `mice`."""
    w = word.strip().lower()
    head, _, last = w.rpartition(" ")
    if last in IRREGULAR_PLURALS:
        out = IRREGULAR_PLURALS[last]
    elif re.search(r"[^aeiou]y$", last):
        out = last[:-1] + "ies"
    elif re.search(r"(ch|sh|ss|x|z|s)$", last) or last in ("potato", "tomato"):
        out = last + "es"
    else:
        out = last + "s"
    return f"{head} {out}" if head else out
