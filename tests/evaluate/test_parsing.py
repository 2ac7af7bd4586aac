"""Answer parsing on adversarial responses, in the default and the official mode."""

from __future__ import annotations

import pytest

from babyvlm.tasks.parsing import adjacent_directions, parse_choice, parse_direction, parse_number

ABCD = ["A", "B", "C", "D"]
QUADRANTS = {"A": "top left or", "B": "top right or", "C": "bottom left or", "D": "bottom right of the image?"}
ORDINALS = {"A": "the first image", "B": "the second image", "C": "the third image", "D": "the fourth image."}


@pytest.mark.parametrize(
    "response,default,official",
    [
        ("B", "B", "B"),
        ("(b)", "B", "B"),  # the official parser reads either case
        ("**C**", "C", "C"),
        ("b.", "B", "B"),
        ("The answer is B.", "B", "B"),
        ("The answer is: (b)", "B", "B"),
        ("Final answer - C", "C", "C"),
        ("A dog is on the left.", None, "A"),  # the article is not option A
        ("A cup sits near (C).", "C", "A"),
        ("A is correct", "A", "A"),
        ("(A) top left or (B) top right", None, "A"),  # an echo of the options commits to nothing
        ("Between A and B, I pick B", None, "A"),
        ("I think the image is a cat", None, "A"),  # officially the article "a" is option A
        ("Option c", "C", "C"),
        ("Answer: A cat.", None, "A"),
        ("I'd choose (D)", "D", "D"),
        ("E", None, None),
        ("", None, None),
    ],
)
def test_choice_letters(response, default, official):
    assert parse_choice(response, ABCD, mode="default").value == default
    assert parse_choice(response, ABCD, mode="official").value == official


def test_choice_option_texts_and_numbers():
    assert parse_choice("It is in the top left.", ABCD, QUADRANTS).value == "A"
    assert parse_choice("bottom right corner", ABCD, QUADRANTS).value == "D"
    assert parse_choice("It is in the top left.", ABCD, QUADRANTS, mode="official").value is None
    assert parse_choice("the second image", ABCD, ORDINALS).value == "B"
    assert parse_choice("The third one.", ABCD[:3], {}).value == "C"
    # leftright asks "Answer with a number" over letter options: "2" means the second option
    assert parse_choice("2", ABCD[:3], {}).value == "B"
    assert parse_choice("2", ABCD[:3], {}, mode="official").value is None
    assert parse_choice("7", ABCD[:3], {}).value is None
    amb = parse_choice("top left or bottom right", ABCD, QUADRANTS)
    assert amb.value is None and amb.status == "ambiguous"


@pytest.mark.parametrize(
    "response,default,official",
    [
        ("7", "7", "7"),
        ("Seven.", "7", "7"),
        ("I count twelve cups", "12", None),  # official words stop at ten
        ("eleven", "11", None),
        ("There are 5 cabinets, each one brown.", "5", "5"),  # "each one" is not a count
        ("1, 2, 3, 4, 5. There are 5.", "5", "1"),  # official takes the first number
        ("3 red and 4 blue, 7 in total", "7", "3"),
        ("Answer: 3", "3", "3"),
        ("2.5 apples", None, "2"),
        ("none", "0", None),
        ("I see a lot of them", None, None),
        ("10.", "10", "10"),
        ("there are ten", "10", "10"),
    ],
)
def test_numbers(response, default, official):
    assert parse_number(response).value == default
    assert parse_number(response, mode="official").value == official


@pytest.mark.parametrize(
    "response,default",
    [
        ("left", "left"),
        ("Left.", "left"),
        ("LEFT!", "left"),
        ("top-left", "top left"),
        ("Upper Left corner", "top left"),
        ("left top", "top left"),
        ("It leaves through the left side of the frame.", "left"),
        ("bottom_right", "bottom right"),
        ("right or left", None),  # an echo of the question
        ("it goes up", "top"),
        ("no idea", None),
    ],
)
def test_directions_default(response, default):
    assert parse_direction(response).value == default


def test_directions_official_is_exact_string():
    # officially the prediction is lowercased and compared with the stripped gold, not stripped itself
    assert parse_direction(" left \n", mode="official").value == " left \n"
    assert parse_direction("Left", mode="official").value == "left"
    assert parse_direction("Left.", mode="official").value == "left."  # then compared exactly with the gold
    assert parse_direction("", mode="official").value is None


def test_adjacency():
    assert adjacent_directions("left") == {"left", "top left", "bottom left"}
    assert adjacent_directions("top left") == {"top left", "top", "left"}
    assert adjacent_directions("top") == {"top", "top left", "top right"}
    assert "right" not in adjacent_directions("left")


def test_unknown_mode():
    with pytest.raises(ValueError):
        parse_choice("A", ABCD, mode="lenient")


# ---------------------------------------------------------------------------------------------- the doc's table

DOC = __import__("pathlib").Path(__file__).resolve().parents[2] / "docs" / "evaluate.md"


def doc_table_rows() -> list[tuple[str, str, str, str]]:
    """(response, kind, official, default) rows between the parser-table markers of docs/evaluate.md."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split("<!-- parser-table -->")[1].split("<!-- /parser-table -->")[0]
    rows = []
    for line in body.strip().splitlines()[2:]:  # header and rule
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(tuple(c[1:-1] if c.startswith("`") and c.endswith("`") else c for c in cells))
    return rows


def reading(response: str, kind: str, mode: str) -> str:
    if kind == "letter":
        p = parse_choice(response, ABCD, mode=mode)
    elif kind == "number":
        p = parse_number(response, mode=mode)
    else:  # "vdr, gold X": exact / adjacent / wrong
        gold = kind.split("gold ")[1]
        p = parse_direction(response, mode=mode)
        if p.value == gold:
            return "exact"
        return "adjacent" if p.value in adjacent_directions(gold) else "wrong"
    return p.value if p.value is not None else p.status


def test_the_documented_table_of_tricky_answers():
    rows = doc_table_rows()
    assert len(rows) >= 25
    for response, kind, official, default in rows:
        response = response.replace("\\n", "\n").replace("␣", " ")
        assert reading(response, kind, "official") == official, (response, kind, "official")
        assert reading(response, kind, "default") == default, (response, kind, "default")
