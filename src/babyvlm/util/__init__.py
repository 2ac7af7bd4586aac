"""Small helpers shared by every step: deterministic files, rejects, progress, provenance."""
