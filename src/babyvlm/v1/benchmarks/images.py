"""Decode only the frames the benchmarks use and write them as JPEGs, one session at a time.

Builders first choose their items from the annotations alone and register each image they need
(`want(stem, t, path)`); `write_all` then opens each session's video once, decodes the registered
times in order and writes every requested file (a frame used by two tasks is encoded once and
written to both places). Frames that cannot be decoded are reported back so that the items using
them can be dropped before any CSV is written.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from PIL import Image

from babyvlm.corpus import VideoError, VideoReader
from babyvlm.util.images import encode_image
from babyvlm.util.io import write_bytes
from babyvlm.util.progress import progress


class FrameRequests:
    def __init__(self) -> None:
        self.by_session: dict[str, dict[float, set[Path]]] = defaultdict(lambda: defaultdict(set))
        self.videos: dict[str, Path] = {}

    def want(self, stem: str, video: Path, t: float, path: Path) -> None:
        self.videos[stem] = video
        self.by_session[stem][round(float(t), 6)].add(Path(path))

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_session.values())

    def write_all(self, *, size: int = 0, quality: int = 90) -> tuple[int, dict[Path, str]]:
        """(files written, {path: reason} for frames that could not be decoded)."""
        failed: dict[Path, str] = {}
        written = 0
        for stem in progress(sorted(self.by_session), desc="writing frames", unit="session"):
            times = self.by_session[stem]
            order = sorted(times)
            try:
                reader = VideoReader(self.videos[stem], resize=None)
                frames = list(zip(order, reader.frames_at(order)))
            except VideoError as e:
                for t in order:
                    for p in times[t]:
                        failed[p] = str(e)
                continue
            got = {t for t, _ in frames}
            for t in order:
                if t not in got:
                    for p in times[t]:
                        failed[p] = f"{self.videos[stem]}: no frame at {t:.3f} s"
            for t, frame in frames:
                data = encode(frame.image, size=size, quality=quality)
                for p in sorted(times[t]):
                    write_bytes(p, data)
                    written += 1
        return written, failed


def encode(image: Image.Image, *, size: int = 0, quality: int = 90) -> bytes:
    im = image.convert("RGB")
    if size > 0 and min(im.size) != size:
        w, h = im.size
        s = size / min(w, h)
        im = im.resize((max(1, round(w * s)), max(1, round(h * s))), Image.BICUBIC)
    return encode_image(im, "jpeg", quality=quality)
