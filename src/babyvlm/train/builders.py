"""Building each kind of stage: where its weights start, its data, its objective, its task.

`resolve_init` turns a stage's `init` (earlier stages of the run, or model folders) into loaded
models; `build_lm_task` (stage 0a), `build_ssl_task` (0b) and `build_vlm_task` (1-3) assemble the
model, read and check the data, and return the task the engine runs, where each part came from, and
a summary of the data for `done.json`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from babyvlm.errors import ConfigError, InputError
from babyvlm.model.build import assemble, build_lm, build_vision, build_vlm, load_lm, load_vision, load_vlm
from babyvlm.train.config import TrainConfig
from babyvlm.train.distributed import DistContext
from babyvlm.train.rundir import RunDir
from babyvlm.train.samples import (
    devcv_tasks,
    load_devcv_samples,
    load_pretrain_samples,
    read_text_lines,
    subset,
    utterances,
)
from babyvlm.util.io import read_json, write_jsonl

log = logging.getLogger("babyvlm")


def text_lines(pretrain: Path, split: str) -> list[str]:
    """The transcript corpus of a pretraining set: text/<split>.txt, else the answers of its samples."""
    p = pretrain / "text" / f"{split}.txt"
    if p.exists():
        return list(read_text_lines(p))
    formats = ["single_image", "video", "interleaved"]
    present = [f for f in formats if (pretrain / split / f"{f}.json").exists()]
    if not present:
        if split == "train":
            raise InputError(f"{pretrain}: neither text/train.txt nor train/*.json (is it a pretraining set?)")
        return []
    return list(utterances(load_pretrain_samples(pretrain, split, present)))


# --- where a stage starts from ---------------------------------------------------------------------------

def model_kind(path: Path) -> str:
    cfg_file = path / "config.json"
    if not cfg_file.exists():
        raise InputError(f"{path}: not a model folder (no config.json)")
    mt = read_json(cfg_file).get("model_type")
    kinds = {"llava": "vlm", "llama": "lm", "vit": "vision"}
    if mt not in kinds:
        raise InputError(f"{path}: model_type {mt!r} is none of llava (VLM), llama (LM), vit (vision tower)")
    return kinds[mt]


def resolve_init(rd: RunDir, stage: str, refs: list[str]) -> list[tuple[str, Path, str]]:
    """(kind, folder, reference) for each entry of the stage's `init`."""
    from babyvlm.train.config import STAGES

    out = []
    for ref in refs:
        path = rd.output(ref, needed_by=stage) if ref in STAGES else Path(ref)
        if not path.exists():
            raise InputError(f"stage {stage}: init {ref!r} is neither a stage of this run nor an existing folder")
        out.append((model_kind(path), path, ref))
    return out


def _describe(path: Path, ref: str, rd: RunDir) -> str:
    try:
        return str(path.resolve().relative_to(rd.root.resolve()))
    except ValueError:
        return str(path)


# --- building each kind of stage ----------------------------------------------------------------------

def use_fsdp(cfg: TrainConfig, ctx: DistContext, kind: str = "vlm") -> bool:
    return cfg.strategy == "fsdp" and ctx.enabled and kind not in ("vision_ssl", "vision_sup")


def build_lm_task(stage, scfg, cfg, rd, ctx, processor, sources):
    from babyvlm.train.data import TextData
    from babyvlm.train.objectives import LMObjective
    from babyvlm.train.tasks import LMTask

    tok = processor.tokenizer
    origin: dict[str, str] = {}
    lm = None
    for kind, path, ref in sources:
        if kind != "lm":
            raise InputError(f"stage {stage}: init {ref!r} is a {kind} model; a language-model stage needs a LLaMA")
        lm = load_lm(path)
        origin["language"] = _describe(path, ref, rd)
    if lm is None:
        lm = build_lm(cfg.model, tok, seed=cfg.seed)
        origin["language"] = "new"
    if lm.config.vocab_size != len(tok):
        raise InputError(f"stage {stage}: the model's vocabulary ({lm.config.vocab_size}) is not the run's "
                         f"tokenizer's ({len(tok)})")
    if cfg.pretrain is None:
        raise InputError(f"stage {stage} reads the transcripts of a pretraining set: pass --data DIR")
    block = scfg.max_length or min(cfg.model.text.max_length, 512)
    data = TextData(subset(text_lines(cfg.pretrain, "train"), scfg.max_samples, cfg.seed), tok, block=block)
    if len(data) == 0:
        raise InputError(f"{cfg.pretrain}: the transcripts are empty")
    val = None
    if scfg.val_samples:
        vl = text_lines(cfg.pretrain, "val")
        val = TextData(vl, tok, block=block) if vl else None
        if val is not None and len(val) > scfg.val_samples:
            val.blocks = val.blocks[: scfg.val_samples]
            val.lengths = val.lengths[: scfg.val_samples]
    task = LMTask(LMObjective(lm), data, val, scfg, cfg, ctx, tokenizer=tok, out_dir=rd.model_dir(stage),
                  fsdp=use_fsdp(cfg, ctx))
    info = {"train_blocks": len(data), "block_tokens": block, "train_tokens": data.n_tokens,
            "val_blocks": len(val) if val is not None else 0}
    return task, origin, info


def build_ssl_task(stage, scfg, cfg, rd, ctx, processor, sources):
    from babyvlm.train.data import FrameData, frames_from_samples
    from babyvlm.train.ssl import ContrastiveObjective, DinoObjective, DinoViews, PairViews
    from babyvlm.train.tasks import SSLTask

    origin: dict[str, str] = {}
    vision = None
    for kind, path, ref in sources:
        if kind == "vision":
            vision = load_vision(path)
        elif kind == "vlm":
            vision = load_vlm(path)[0].model.vision_tower
        else:
            raise InputError(f"stage {stage}: init {ref!r} is a {kind} model, not a vision tower")
        origin["vision"] = _describe(path, ref, rd)
    if vision is None:
        vision = build_vision(cfg.model, seed=cfg.seed)
        origin["vision"] = "new"
    if cfg.pretrain is None:
        raise InputError(f"stage {stage} reads the frames of a pretraining set: pass --data DIR")
    formats = scfg.formats or ["single_image"]
    samples = subset(load_pretrain_samples(cfg.pretrain, "train", formats), scfg.max_samples, cfg.seed)
    frames = frames_from_samples(samples)
    if not frames:
        raise InputError(f"{cfg.pretrain}: no frames in train/{formats[0]}.json")
    v = cfg.model.vision
    if scfg.ssl == "dino":
        objective = DinoObjective(vision, scfg.dino)
        data = FrameData(frames, DinoViews(scfg.dino, v.image_size, v.patch_size, v.image_mean, v.image_std),
                         seed=cfg.seed)
    else:
        emb = None
        if scfg.contrastive.text_from == "stage0a":
            if rd.done("0a") is None:
                raise InputError(f"stage {stage} (contrastive) starts its text tower from stage 0a, which "
                                 f"{rd.root} has not finished (or --set stage0b.contrastive.text_from=scratch)")
            emb = load_lm(rd.output("0a", needed_by=stage)).get_input_embeddings().weight.detach().clone()
            origin["text_tower"] = "stage0a/model embeddings"
        objective = ContrastiveObjective(vision, scfg.contrastive, vocab=len(processor.tokenizer), embeddings=emb)
        data = FrameData(frames, PairViews(v.image_size, v.image_mean, v.image_std), seed=cfg.seed,
                         tokenizer=processor.tokenizer)
    task = SSLTask(objective, data, scfg, cfg, ctx, out_dir=rd.model_dir(stage))
    return task, origin, {"frames": len(frames), "objective": scfg.ssl}


def build_warmup_task(stage, scfg, cfg, rd, ctx, processor, sources):
    """Stage 3v: the init VLM's tower trained on what the DevCV train split's images decide (vision_sup.py)."""
    from babyvlm.train.data import ImageTransform
    from babyvlm.train.tasks import WarmupTask
    from babyvlm.train.vision_sup import LabeledData, WarmupObjective, labeled_items

    vlms = [s for s in sources if s[0] == "vlm"]
    if len(vlms) != len(sources) or len(vlms) > 1:
        raise InputError(f"stage {stage} trains the tower of one VLM: set stage{stage}.init to one VLM stage or "
                         f"folder (e.g. [2]) or to [] for a fresh model, not {[s[2] for s in sources]}")
    if cfg.devcv is None:
        raise InputError(f"stage {stage} reads the DevCV train split: pass --devcv DIR")
    if vlms:
        vlm, _ = load_vlm(vlms[0][1])
        src = _describe(vlms[0][1], vlms[0][2], rd)
    else:
        vlm, src = build_vlm(cfg.model, processor.tokenizer, seed=cfg.seed), "new"
    items, heads, skipped = labeled_items(cfg.devcv, scfg.tasks or None)
    items = subset(items, scfg.max_samples, cfg.seed)
    for name, n in skipped.items():
        log.warning("stage %s: %s: %d train items left out (an answer that is not one of its images' options)",
                    stage, name, n)
    data = LabeledData(items, heads, ImageTransform(processor.image_processor))
    objective = WarmupObjective(vlm.model.vision_tower, heads)
    task = WarmupTask(objective, data, scfg, cfg, ctx, vlm=vlm, processor=processor, out_dir=rd.model_dir(stage))
    origin = {"vision": src, "connector": src, "language": src}
    info = {"items": len(items), "tasks": {h.task: h.shape for h in heads}, "skipped": skipped}
    return task, origin, info


def build_vlm_task(stage, scfg, cfg, rd, ctx, processor, sources):
    from babyvlm.model.templates import TEMPLATES
    from babyvlm.train.data import ImageTransform, VLMData
    from babyvlm.train.encode import Encoder
    from babyvlm.train.objectives import VLMObjective
    from babyvlm.train.tasks import VLMTask

    if scfg.template not in TEMPLATES:
        raise ConfigError(f"stage{stage}.template: {scfg.template!r} is not one of {', '.join(TEMPLATES)}")
    tok = processor.tokenizer
    vlms = [s for s in sources if s[0] == "vlm"]
    if len(vlms) > 1:
        raise InputError(f"stage {stage}: init names two VLMs ({vlms[0][2]}, {vlms[1][2]}); give one")
    origin: dict[str, str] = {}
    if vlms:
        model, _ = load_vlm(vlms[0][1])
        src = _describe(vlms[0][1], vlms[0][2], rd)
        origin = {"vision": src, "connector": src, "language": src}
    else:
        loaded = tuple({"lm": "language", "vision": "vision"}[k] for k, _, _ in sources if k in ("lm", "vision"))
        model = build_vlm(cfg.model, tok, seed=cfg.seed, skip_init=loaded)
        origin = {"vision": "new", "connector": "new", "language": "new"}
    for kind, path, ref in sources:
        if kind == "lm":
            assemble(model, lm=load_lm(path))
            origin["language"] = _describe(path, ref, rd)
        elif kind == "vision":
            assemble(model, vision=load_vision(path))
            origin["vision"] = _describe(path, ref, rd)
    if model.config.text_config.vocab_size != len(tok):
        raise InputError(f"stage {stage}: the model's vocabulary ({model.config.text_config.vocab_size}) is not "
                         f"the run's tokenizer's ({len(tok)})")
    if scfg.grad_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    tpi = (model.config.vision_config.image_size // model.config.vision_config.patch_size) ** 2 + 1
    max_length = scfg.max_length or model.config.text_config.max_position_embeddings
    encoder = Encoder(tok, template=scfg.template, tokens_per_image=tpi, max_length=max_length)
    transform = ImageTransform(processor.image_processor)
    if scfg.data == "devcv":
        if cfg.devcv is None:
            raise InputError(f"stage {stage} trains on the DevCV train split: pass --data DEVCV_DIR")
        root = devcv_root(cfg.devcv)
        train = load_devcv_samples(root, "train", scfg.tasks)
        val = load_devcv_samples(root, "val", scfg.tasks) if scfg.val_samples else []
        where = f"{root}/train"
    else:
        if cfg.pretrain is None:
            raise InputError(f"stage {stage} trains on a pretraining set: pass --data DIR")
        train = load_pretrain_samples(cfg.pretrain, "train", scfg.formats)
        val = load_pretrain_samples(cfg.pretrain, "val", scfg.formats) if scfg.val_samples else []
        where = f"{cfg.pretrain}/train ({', '.join(scfg.formats)})"
    train = subset(train, scfg.max_samples, cfg.seed)
    val = subset(val, scfg.val_samples, cfg.seed)
    data = VLMData(train, encoder, transform, step=f"train stage {stage}")
    val_data = VLMData(val, encoder, transform, step=f"train stage {stage} (val)") if val else None
    if len(data) == 0:
        raise InputError(f"{where}: no usable training samples")
    rejects = data.rejects + (val_data.rejects if val_data else [])
    if rejects and ctx.main:
        write_jsonl(rd.stage_dir(stage) / "rejects.jsonl", [r.to_dict() for r in rejects])
        log.warning("stage %s: %d samples skipped (see %s)", stage, len(rejects), rd.stage_dir(stage) / "rejects.jsonl")
    task = VLMTask(VLMObjective(model), data, val_data, scfg, cfg, ctx, processor=processor,
                   out_dir=rd.model_dir(stage), max_length=max_length, fsdp=use_fsdp(cfg, ctx))
    info = {"data": where, "train_samples": len(data), "val_samples": len(val_data) if val_data else 0,
            "skipped": len(rejects), "truncated": data.n_truncated, "tokens_per_image": tpi,
            "max_length": max_length, "template": scfg.template}
    return task, origin, info


def devcv_root(path: Path) -> Path:
    """A DevCV folder with split folders (DIR/train/<task>), or a split folder itself (DIR/<task>)."""
    path = Path(path)
    if (path / "train").is_dir():
        return path
    if devcv_tasks(path.parent, path.name) and path.name == "train":
        return path.parent
    raise InputError(f"{path}: not a DevCV folder (expected {path}/train/<task>/data.json)")

