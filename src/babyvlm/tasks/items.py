"""The DevCV item schema: exactly the official format, read and written.

A task folder is `<task>/data.json` (a list of items) + `<task>/images/`; image paths in the json
are relative to the json's folder:

    {"id": "count_131", "image": ["images/count_0000_0.jpeg"],
     "conversations": [{"from": "human", "value": "<image> How many cabinets do you see?"},
                       {"from": "gpt", "value": "10"}]}

Optional fields: `bb` (localize box, [x, y, w, h] in pixels), `notes` (who-has-more counts),
`labels` (memory: the object label of each option, per round), `gif` (VDR animation),
`phrases` (looking_while_listening: phrase k describes image k). Other fields are kept as they
are. `conversations` alternate human / gpt; every `<image>` in the human turns takes the next path
of `image`, in order.

`Item` is the loaded form (absolute image paths); `item_to_dict` writes it back in the official
form, so the DevCV builder and the evaluation harness share one schema.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError
from babyvlm.util.io import write_json
from babyvlm.util.rejects import Reject, RejectLog

log = logging.getLogger("babyvlm")

IMAGE_TOKEN = "<image>"
CORE_FIELDS = ("id", "image", "conversations")
OPTIONAL_FIELDS = ("bb", "notes", "labels", "gif", "phrases")


class ItemError(InputError):
    """An item that cannot be evaluated; the message names the item."""


@dataclass
class Item:
    id: str
    images: list[Path]  # absolute (or as given, for in-memory items)
    conversations: list[dict[str, str]]  # official [{"from": "human"|"gpt", "value": ...}]
    extra: dict[str, Any] = field(default_factory=dict)  # optional official fields and any others
    root: Path | None = None  # folder the relative paths were resolved against
    index: int = 0  # position in data.json

    @property
    def turns(self) -> list[tuple[str, str]]:
        """(human text, gpt text) pairs in order; gpt text is "" where the item has none."""
        out: list[tuple[str, str]] = []
        convs = self.conversations
        i = 0
        while i < len(convs):
            if i + 1 < len(convs) and convs[i + 1]["from"] == "gpt":
                out.append((convs[i]["value"], convs[i + 1]["value"]))
                i += 2
            else:
                out.append((convs[i]["value"], ""))
                i += 1
        return out

    def relative_images(self) -> list[str]:
        if self.root is None:
            return [str(p) for p in self.images]
        return [Path(p).relative_to(self.root).as_posix() if Path(p).is_absolute() else str(p) for p in self.images]


def count_image_tokens(text: str) -> int:
    return text.count(IMAGE_TOKEN)


def item_from_dict(raw: Any, root: Path, index: int = 0, *, check_files: bool = True) -> Item:
    """Validate one official record and resolve its image paths; raises ItemError naming the item."""
    if not isinstance(raw, dict):
        raise ItemError(f"item #{index}: not a JSON object")
    item_id = raw.get("id")
    name = f"item {item_id!r}" if item_id is not None else f"item #{index}"
    if not isinstance(item_id, (str, int)):
        raise ItemError(f"{name}: missing 'id'")
    images = raw.get("image", [])
    if isinstance(images, str):
        images = [images]  # some LLaVA files give a single path as a string
    if not isinstance(images, list) or not all(isinstance(p, str) for p in images):
        raise ItemError(f"{name}: 'image' must be a list of paths")
    convs = raw.get("conversations")
    if not isinstance(convs, list) or not convs:
        raise ItemError(f"{name}: missing 'conversations'")
    for k, turn in enumerate(convs):
        if not isinstance(turn, dict) or turn.get("from") not in ("human", "gpt") or not isinstance(turn.get("value"), str):
            raise ItemError(f"{name}: conversation turn {k} is not {{'from': 'human'|'gpt', 'value': str}}")
    if convs[0]["from"] != "human":
        raise ItemError(f"{name}: the first turn must be from 'human'")
    for k in range(1, len(convs)):
        if convs[k]["from"] == "gpt" and convs[k - 1]["from"] == "gpt":
            raise ItemError(f"{name}: two 'gpt' turns in a row at turn {k}")
    n_tokens = sum(count_image_tokens(t["value"]) for t in convs if t["from"] == "human")
    if n_tokens != len(images):
        raise ItemError(f"{name}: {n_tokens} <image> tokens but {len(images)} images")
    paths = [(root / p) for p in images]
    if check_files:
        for p in paths:
            if not p.is_file():
                raise ItemError(f"{name}: missing image {p}")
    extra = {k: v for k, v in raw.items() if k not in CORE_FIELDS}
    return Item(id=str(item_id), images=paths, conversations=convs, extra=extra, root=root, index=index)


def item_to_dict(item: Item) -> dict[str, Any]:
    """The official record of an item (image paths relative to its folder), fields in the official order."""
    out: dict[str, Any] = {}
    if "bb" in item.extra:
        out["bb"] = item.extra["bb"]
    out["id"] = item.id
    for k, v in item.extra.items():
        if k not in ("bb", "gif"):
            out[k] = v
    out["conversations"] = item.conversations
    out["image"] = item.relative_images()
    if "gif" in item.extra:
        out["gif"] = item.extra["gif"]
    return out


def load_items(
    folder: str | Path,
    *,
    skip_bad: bool = False,
    rejects: RejectLog | None = None,
    check_files: bool = True,
    unique_ids: bool = False,
) -> tuple[list[Item], list[Reject]]:
    """All items of a task folder (`data.json` + images). A bad item is an error naming it, or with
    `skip_bad` a Reject (also appended to `rejects`), the other items still loaded. A second item
    with an id already seen is an error, or with `unique_ids` kept under `<id>#<k>` (k = 2, 3, ...)
    with a warning (official files have such ids: `count_6` twice in a compare_synthetic file)."""
    folder = Path(folder)
    path = folder / "data.json" if folder.is_dir() else folder
    if not path.is_file():
        raise InputError(f"{folder}: no data.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of items")
    items: list[Item] = []
    bad: list[Reject] = []
    seen: set[str] = set()
    for i, raw in enumerate(data):
        try:
            item = item_from_dict(raw, path.parent, i, check_files=check_files)
            if item.id in seen:
                if not unique_ids:
                    raise ItemError(f"item {item.id!r}: duplicate id")
                k = 2
                while f"{item.id}#{k}" in seen:
                    k += 1
                log.warning("%s: item #%d has the id %r of an earlier item; kept as %r", path, i, item.id, f"{item.id}#{k}")
                item.extra.setdefault("source_id", item.id)
                item.id = f"{item.id}#{k}"
            seen.add(item.id)
            items.append(item)
        except ItemError as e:
            if not skip_bad:
                raise ItemError(f"{path}: {e}") from None
            r = Reject(source=str(path), reason=str(e), line=None, step="eval",
                       record={"index": i, "id": raw.get("id") if isinstance(raw, dict) else None})
            bad.append(r)
            if rejects is not None:
                rejects.add(r)
    return items, bad


def write_items(folder: str | Path, items: Iterable[Item | dict[str, Any]]) -> Path:
    """Write `folder/data.json` (deterministic json) from items or official records."""
    rows = [item_to_dict(x) if isinstance(x, Item) else x for x in items]
    return write_json(Path(folder) / "data.json", rows)
