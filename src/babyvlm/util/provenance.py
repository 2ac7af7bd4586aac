"""Where a result came from: package versions, git revision, date."""

from __future__ import annotations

import datetime as _dt
import platform
import subprocess
from pathlib import Path

import babyvlm


def git_revision(start: Path | None = None) -> str | None:
    """The git revision of the babyvlm checkout (or None for an installed wheel)."""
    here = Path(start or Path(babyvlm.__file__).resolve().parent)
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=here, capture_output=True, text=True, timeout=5
        ).stdout.strip()
        return out + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, str]:
    out = {"babyvlm": babyvlm.__version__, "python": platform.python_version()}
    for name in ("torch", "transformers", "numpy", "av"):
        try:
            mod = __import__(name)
            out[name] = getattr(mod, "__version__", "?")
        except ImportError:
            pass
    return out


def run_info() -> dict[str, object]:
    """Provenance for results files (not for data files, which must stay byte-identical across runs)."""
    return {
        "versions": versions(),
        "git_revision": git_revision(),
        "date": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "host": platform.node(),
    }
