"""The world: a procedurally generated, longitudinal, egocentric "home" corpus.

`generate_world(cfg, out, workers=N)` writes a SAYCam-like corpus (videos, transcripts,
ground-truth annotations, corpus.json) that `babyvlm.corpus.open_corpus` reads. Three children
are filmed by a head camera at home from 6 to 32 months: rooms with furniture and the child's
toys, food and clothes (CDI categories), caregivers talking about what the child looks at (and
about things out of view), balls rolling away, pets walking through, toys held up to the face.

The package imports nothing of babyvlm but `babyvlm.data` and the generic config/util/errors.
"""

from babyvlm.world.config import WorldConfig
from babyvlm.world.generate import generate_world
from babyvlm.world.preview import contact_sheet

__all__ = ["WorldConfig", "contact_sheet", "generate_world"]
