"""Adult caption words -> the words caregivers use with toddlers (all CDI items).

A hand-made table for the rule-based rewriter: general-purpose captions (COCO, Conceptual Captions)
say "woman", "automobile", "kitten", "large"; a parent says "lady", "car", "kitty", "big". Keys are
single lower-case words or two-word phrases; values must be CDI Words & Sentences words (a test
checks this), so every substitution moves a caption towards the infant's vocabulary.
"""

from __future__ import annotations

from babyvlm.data import find_word
from babyvlm.data.words import SYNONYMS as SAME_THING

SIMPLIFICATIONS: dict[str, str] = {
    # people
    "woman": "lady", "women": "lady", "guy": "man", "gentleman": "man", "kid": "child", "kids": "child",
    "toddler": "baby", "infant": "baby", "mother": "mommy", "mom": "mommy", "father": "daddy", "dad": "daddy",
    "grandmother": "grandma", "grandfather": "grandpa", "player": "man", "skier": "man", "surfer": "man",
    "skateboarder": "boy", "rider": "man", "chef": "man", "officer": "police", "policeman": "police",
    "firefighter": "fireman", "adult": "person", "someone": "person", "family": "people", "crowd": "people",
    "group": "people", "couple": "people",
    # animals
    "kittens": "kitty", "rabbits": "bunny", "hare": "bunny",
    "calf": "cow", "cattle": "cow", "bull": "cow", "cows": "cow", "lamb": "lamb", "ewe": "sheep",
    "foal": "pony", "stallion": "horse", "mare": "horse", "bear cub": "bear", "cub": "bear", "seagull": "bird",
    "pigeon": "bird", "parrot": "bird", "puppy dog": "puppy",
    # vehicles
    "automobile": "car", "vehicle": "car", "taxi": "car", "cab": "car", "suv": "car", "van": "car",
    "jeep": "car", "sedan": "car", "bikes": "bicycle",
    "scooter": "motorcycle", "jet": "airplane", "aircraft": "airplane",
    "airliner": "airplane", "ship": "boat", "sailboat": "boat", "canoe": "boat", "kayak": "boat",
    "lorry": "truck", "pickup": "truck", "locomotive": "train", "tram": "train", "trolley": "train",
    "fire truck": "firetruck", "fire engine": "firetruck", "carriage": "stroller",
    # household / furniture
    "sofa": "couch",

    "smartphone": "telephone", "teacup": "cup", "vase": "jar",
    "photograph": "picture", "poster": "picture",
    "armchair": "chair", "stool": "chair", "counter": "table",
    "countertop": "table", "doorway": "door", "cabinet": "drawer", "cupboard": "drawer", "dresser": "drawer",
    "rubbish": "trash", "suitcase": "box", "luggage": "box", "bag": "purse",
    "backpack": "purse", "cushion": "pillow", "quilt": "blanket",
    "comforter": "blanket", "sheets": "blanket", "lantern": "lamp", "flashlight": "light", "kite": "toy",
    "frisbee": "toy", "skateboard": "toy",
    "surfboard": "toy", "racket": "bat", "racquet": "bat",
    "remote": "telephone", "clock tower": "clock",
    # food
    "biscuit": "cookie", "burger": "hamburger", "fries": "french fries",
    "hot dog": "sandwich", "hotdog": "sandwich", "sub": "sandwich", "broccoli": "food", "vegetables": "food",
    "veggies": "food", "meal": "food", "dish": "dish", "dessert": "cake", "cupcake": "cake", "pie": "cake",
    "fruit": "food", "fruits": "food", "soda": "soda", "beverage": "drink", "wine": "drink", "beer": "drink",
    "tea": "drink", "pasta": "noodles", "spaghetti": "spaghetti", "oranges": "orange", "bananas": "banana",
    "apples": "apple", "sandwiches": "sandwich", "pizzas": "pizza", "eggs": "egg",
    # clothing
    "trousers": "pants", "jumper": "sweater", "trainers": "sneaker", "cap": "hat",
    "helmet": "hat", "tie": "shirt", "t-shirt": "shirt", "tshirt": "shirt", "skirt": "dress",
    "gown": "dress", "suit": "jacket", "vest": "shirt", "uniform": "shirt",
    # outside / places
    "ocean": "water", "sea": "water", "lake": "water", "river": "water", "pond": "water", "wave": "water",
    "waves": "water", "shore": "beach", "field": "grass", "meadow": "grass", "yard": "yard",
    "lawn": "grass", "road": "street", "highway": "street", "pavement": "sidewalk", "path": "sidewalk",
    "forest": "woods", "hill": "outside", "mountain": "outside", "bush": "tree", "bushes": "tree",
    "plants": "plant", "flowers": "flower", "stone": "rock", "boulder": "rock", "shop": "store",
    "market": "store", "restaurant": "store", "building": "house", "home": "home", "kitchen": "kitchen",
    "bedroom": "bedroom", "snowy": "snow", "sunny": "sun",
    # adjectives
    "large": "big", "huge": "big", "giant": "big", "tall": "big", "enormous": "big", "small": "little",
    "young": "little", "baby": "baby", "tiny": "tiny", "beautiful": "pretty", "lovely": "pretty",
    "colorful": "pretty", "cute": "cute", "messy": "dirty", "muddy": "dirty", "smiling": "happy", "cheerful": "happy", "angry": "mad", "upset": "sad", "quick": "fast",
    "empty": "empty", "wooden": "brown", "golden": "yellow", "dark": "dark",
    # verbs
    "sitting": "sit", "seated": "sit", "standing": "stand", "walking": "walk", "running": "run",
    "riding": "ride", "eating": "eat", "drinking": "drink", "holding": "hold", "playing": "play",
    "looking": "look", "watching": "watch", "sleeping": "sleep", "laying": "sleep", "lying": "sleep",
    "resting": "sleep", "flying": "go", "grazing": "eat", "surfing": "play", "skiing": "play",
    "skating": "skate", "skateboarding": "skate", "cutting": "cut", "cooking": "cook", "reading": "read",
    "driving": "drive", "swimming": "swim", "jumping": "jump", "throwing": "throw", "catching": "catch",
    "kicking": "kick", "hitting": "hit", "carrying": "carry", "pulling": "pull", "pushing": "push",
    "talking": "talk", "smiling at": "look", "posing": "stand", "parked": "stay", "waiting": "wait",
    "crossing": "go", "traveling": "go", "heading": "go", "leaning": "stand", "hanging": "stay",
    "perched": "sit", "floating": "swim", "brushing": "wash", "washing": "wash",
}



def _renames() -> dict[str, str]:
    """The shared synonyms that rename a word (not those that only pin a CDI sense), in V1's words."""
    out = {}
    for name, item in SAME_THING.items():
        found = find_word(item)
        word = found.word if found is not None else item
        if word != name:
            out[name] = SIMPLIFICATIONS.get(word, word)
    return out


# The table the rewriter reads: the package's same-referent synonyms (`babyvlm.data.words`) that
# rename a word, each carried on through a simplification where there is one (settee -> sofa ->
# couch), then the looser simplifications above; so V1 and the DevCV builder never disagree about
# what a word names. Entries that only pin a word to one CDI sense (`orange` -> the fruit, `can` ->
# the object) are left out: in a caption those words are as often a colour or a verb.
SYNONYMS: dict[str, str] = {**_renames(), **SIMPLIFICATIONS}
