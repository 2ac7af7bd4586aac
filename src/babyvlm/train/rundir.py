"""The run directory: every stage's output in a fixed place, so stages find each other by name.

```
RUN/
  run.json            the model config, data folders and tokenizer of the run (written by its first stage)
  processor/          tokenizer (trained on the transcripts), image processor, chat templates
  stage0a/ ... stage3/
    config.yaml       the resolved config of this stage's last run
    trainable.txt     every parameter that trains (name, shape), and the counts per part
    metrics.jsonl     one row per step (loss, lr, grad norm, tokens, samples, throughput) and per evaluation
    tb/               TensorBoard events
    checkpoints/      resumable state (model, optimizer, scheduler, data position, random states)
    model/            the stage's output (Hugging Face format)
    done.json         written last: the output folder, where the start came from, final losses
```
A later stage names an earlier one in its `init` (stage 1: `[0a, 0b]`, stage 2: `[1]`, stage 3: `[2]`)
and reads `RUN/stage<S>/done.json`; it refuses to start from a stage that has not finished.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babyvlm.errors import InputError
from babyvlm.util.io import read_json, write_json


class RunDir:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def run_json(self) -> Path:
        return self.root / "run.json"

    @property
    def processor_dir(self) -> Path:
        return self.root / "processor"

    def stage_dir(self, stage: str) -> Path:
        return self.root / f"stage{stage}"

    def checkpoints(self, stage: str) -> Path:
        return self.stage_dir(stage) / "checkpoints"

    def model_dir(self, stage: str) -> Path:
        return self.stage_dir(stage) / "model"

    def info(self) -> dict[str, Any] | None:
        return read_json(self.run_json) if self.run_json.exists() else None

    def write_info(self, info: dict[str, Any]) -> None:
        write_json(self.run_json, info)

    def done(self, stage: str) -> dict[str, Any] | None:
        p = self.stage_dir(stage) / "done.json"
        return read_json(p) if p.exists() else None

    def mark_done(self, stage: str, record: dict[str, Any]) -> None:
        write_json(self.stage_dir(stage) / "done.json", record)

    def clear_done(self, stage: str) -> None:
        p = self.stage_dir(stage) / "done.json"
        if p.exists():
            p.unlink()

    def output(self, stage: str, *, needed_by: str) -> Path:
        """The finished output of `stage`, or a one-line error saying how to produce it."""
        rec = self.done(stage)
        if rec is None:
            raise InputError(
                f"stage {needed_by} starts from stage {stage}, which {self.root} has not finished: run "
                f"`babyvlm train --stage {stage} --run {self.root}` first (or change stage{needed_by}.init)"
            )
        out = self.stage_dir(stage) / rec["output"]
        if not out.exists():
            raise InputError(f"{self.stage_dir(stage)}/done.json names {rec['output']}, which is missing")
        return out

    def finished(self) -> list[str]:
        from babyvlm.train.config import STAGES

        return [s for s in STAGES if self.done(s) is not None]
