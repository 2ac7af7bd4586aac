"""The world's settings (section `world` of the config; presets in configs/world/*.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from babyvlm.errors import ConfigError


@dataclass
class WorldConfig:
    RANGES = {"seed": "any", "sessions_per_child": ">=1", "session_seconds": "5..7200",
              "session_jitter": ">=0,<0.9", "age_min_months": "0..99", "age_max_months": "0..99",
              "first_birth_year": "1900..2100", "rooms": ">=0", "width": "64..1920", "height": "48..1080",
              "fps": "1..60", "annotation_rate": ">0", "hfov_deg": "30..120", "max_zoom": "1..3",
              "objects_per_session": "1..40", "talk": ">=0", "crf": "0..51", "keyframe_seconds": ">0"}

    seed: int = 0
    children: list[str] = field(default_factory=lambda: ["S", "A", "Y"])
    sessions_per_child: int = 8
    session_seconds: float = 150.0  # mean length of a session's video
    session_jitter: float = 0.2  # lengths vary by up to this fraction either way
    age_min_months: float = 6.0
    age_max_months: float = 32.0
    first_birth_year: int = 2013
    rooms: dict[str, float] = field(default_factory=lambda: {"living": 0.45, "kitchen": 0.25, "bedroom": 0.2, "bathroom": 0.1})
    width: int = 320
    height: int = 240
    fps: int = 10
    annotation_rate: float = 5.0  # annotation records per second of video (at least)
    hfov_deg: float = 70.0  # the head camera's horizontal field of view
    max_zoom: float = 1.6  # how close the child leans in (1 = no zoom)
    objects_per_session: tuple[int, int] = (10, 16)  # loose object categories put out per session
    talk: float = 1.0  # scales how often caregivers speak
    audio: str = "auto"  # auto (speak if espeak-ng is installed) | on (require it) | off
    crf: int = 23  # H.264 quality (lower is better and bigger)
    x264_preset: str = "superfast"
    keyframe_seconds: float = 2.0  # a keyframe at least this often (fast seeking for readers)

    def check(self) -> WorldConfig:
        if not self.children:
            raise ConfigError("world.children: at least one child id is needed")
        for c in self.children:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", c):
                raise ConfigError(f"world.children: {c!r} is not a valid child id (letters and digits, starting with a letter)")
        if len(set(self.children)) != len(self.children):
            raise ConfigError("world.children: ids must be distinct")
        if self.sessions_per_child < 1:
            raise ConfigError("world.sessions_per_child must be at least 1")
        if not 5.0 <= self.session_seconds <= 7200:
            raise ConfigError("world.session_seconds must be between 5 and 7200")
        if not 0 <= self.session_jitter < 0.9:
            raise ConfigError("world.session_jitter must be in [0, 0.9)")
        if not 0 <= self.age_min_months <= self.age_max_months <= 99:
            raise ConfigError("world ages: need 0 <= age_min_months <= age_max_months <= 99")
        if self.width % 2 or self.height % 2 or not (64 <= self.width <= 1920 and 48 <= self.height <= 1080):
            raise ConfigError("world.width/height must be even, 64..1920 x 48..1080")
        if not 1 <= self.fps <= 60:
            raise ConfigError("world.fps must be 1..60")
        if not 0 < self.annotation_rate <= self.fps:
            raise ConfigError("world.annotation_rate must be > 0 and at most fps")
        # YAML reads on/off as booleans; take them back
        self.audio = {"false": "off", "true": "on", "no": "off", "yes": "on"}.get(str(self.audio).lower(), str(self.audio).lower())
        if self.audio not in ("auto", "on", "off"):
            raise ConfigError("world.audio must be auto, on or off")
        if not 1.0 <= self.max_zoom <= 3.0:
            raise ConfigError("world.max_zoom must be 1..3")
        if not 30 <= self.hfov_deg <= 120:
            raise ConfigError("world.hfov_deg must be 30..120")
        lo, hi = self.objects_per_session
        if not 1 <= lo <= hi <= 40:
            raise ConfigError("world.objects_per_session must be 1 <= min <= max <= 40")
        if not self.rooms or any(k not in ("living", "kitchen", "bedroom", "bathroom") or v < 0 for k, v in self.rooms.items()) \
                or sum(self.rooms.values()) <= 0:
            raise ConfigError("world.rooms: weights >= 0 for living, kitchen, bedroom, bathroom (some > 0)")
        return self

    @property
    def annotation_step(self) -> int:
        """Annotate every n-th frame: the largest n that keeps at least `annotation_rate` records per second."""
        return max(1, int(self.fps // self.annotation_rate))
