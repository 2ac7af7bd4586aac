"""Human review of a built DevCV Toolbox: a local page to accept or reject items, and the export
of what was accepted (the paper's quality-control step)."""

from babyvlm.devcv.review.decisions import DecisionLog, load_decisions
from babyvlm.devcv.review.export import export

__all__ = ["DecisionLog", "export", "load_decisions"]
