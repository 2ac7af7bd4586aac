"""Training throughput, each number a ratio against the alternative measured in the same run.

1. The tiny preset in the stage-2 setting (connector + language train, vision frozen) on mixed
   formats (single images, 3-frame clips, 4-turn interleaved sequences): babyvlm's engine against a
   plain reference loop over the same model, samples and optimizer (`model(**batch, labels=...)`,
   the Hugging Face loss over full logits, padded batches of `--batch` samples in data order).
   tokens/s counts real (non-padding) tokens, samples/s conversations; tokens per CPU second (all
   threads of the process) is the steadier number on a shared machine; peak memory is each variant's
   own process (peak RSS on CPU, its increase over the process after setup in brackets; peak
   allocated on CUDA).
2. Packing against padding on the same mixed lengths (the engine both ways; padding grouped by
   length): tokens/s and the share of computed positions that are padding.
3. With CUDA only: the paper preset (ViT-L/16 at 224 + the TinyLlama-1.1B shape) in bf16, everything
   trainable: step time, tokens/s and model-FLOPs utilisation against --peak-tflops (989: dense bf16
   of an H100/H200), and whether a stage-3 step with a Memory-length conversation (29 images, about
   6,100 tokens) fits, with its peak memory.

Each variant runs in its own process (clean peak memory), alternating, best of --repeats.

    python benchmarks/bench_train.py [--data PRETRAIN_DIR] [--samples 256] [--batch 8] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

FORMATS = ["single_image", "video", "interleaved"]


def _cpu_s() -> float:
    """CPU seconds of this process (all threads): steadier than wall time on a shared machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load(data: Path, preset: str, n: int):
    from babyvlm.model.processor import build_processor
    from babyvlm.model.tokenizer import train_tokenizer
    from babyvlm.train.builders import text_lines
    from babyvlm.train.config import load_train_config
    from babyvlm.train.samples import load_pretrain_samples

    cfg = load_train_config(preset)
    tok = train_tokenizer(text_lines(data, "train"), vocab_size=cfg.model.text.vocab_size)
    proc = build_processor(tok, cfg.model)
    pool = [s for f in FORMATS for s in load_pretrain_samples(data, "train", [f])]
    order = np.random.default_rng(0).permutation(len(pool))
    samples = [pool[order[i % len(pool)]] for i in range(n)]
    return cfg, proc, samples


def _objective(cfg, proc, device):
    from babyvlm.model.build import UNUSED_IN_VLM, build_vlm
    from babyvlm.train.objectives import VLMObjective
    from babyvlm.train.tasks import apply_trainable, vlm_part

    model = build_vlm(cfg.model, proc.tokenizer, seed=0)
    obj = VLMObjective(model)
    apply_trainable(obj, vlm_part, {"connector", "language"}, frozen=UNUSED_IN_VLM)
    return obj.to(device)


def run_variant(name: str, args) -> dict:
    """One variant in this process: returns its measurements."""
    from babyvlm.train.data import ImageTransform, VLMData
    from babyvlm.train.encode import Encoder

    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    cfg, proc, samples = _load(Path(args.data), args.preset, args.samples)
    max_len = args.max_length
    enc = Encoder(proc.tokenizer, template="baby_plain", tokens_per_image=cfg.model.tokens_per_image, max_length=max_len)
    data = VLMData(samples, enc, ImageTransform(proc.image_processor), step="bench")
    obj = _objective(cfg, proc, device)
    setup_rss = _rss_mb()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    tokens = int(data.lengths.sum())

    if name == "reference":
        params = [p for p in obj.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-4)
        batches = [[[j] for j in range(i, min(i + args.batch, len(data)))] for i in range(0, len(data), args.batch)]

        def step(rows):
            b = {k: v.to(device) for k, v in data.collate(rows, packing=False).items()}
            out = obj.vlm(**b, use_cache=False)  # the Hugging Face loss: full logits, mean over labels
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            return int(b["input_ids"].numel())
    else:
        from babyvlm.train.config import StageConfig
        from babyvlm.train.distributed import DistContext
        from babyvlm.train.engine import Engine
        from babyvlm.train.tasks import VLMTask

        packing = name == "engine_packed"
        rows, row_len = args.batch, max_len
        if packing:  # one row per micro-batch holding the tokens a padded batch holds on average
            rows, row_len = 1, max(int(data.lengths.max()), int(args.batch * data.lengths.mean()))
        scfg = StageConfig(kind="vlm", trainable=["connector", "language"], lr=1e-4, batch_size=rows,
                           max_length=row_len, packing=packing, group_by_length=True, epochs=1.0, warmup_ratio=0.0)
        tcfg = cfg
        ctx = DistContext(device=device)
        tmp = Path(tempfile.mkdtemp())
        task = VLMTask(obj, data, None, scfg, tcfg, ctx, processor=proc, out_dir=tmp / "m", max_length=row_len,
                       fsdp=False)
        eng = Engine(task, scfg, tcfg, tmp, ctx)
        batches = [task.plan.epoch(0)[i] for i in range(len(task.plan.epoch(0)))]

        def step(rows):
            b = data.collate(rows, packing=packing)
            eng.forward_backward([b])
            eng.clip()
            eng.optimizer.step()
            eng.optimizer.zero_grad(set_to_none=True)
            return int(b["input_ids"].numel())

    for rows in batches[:2]:  # warm-up (not timed)
        step(rows)
    if device.type == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    c0 = _cpu_s()
    computed = 0
    for rows in batches:
        computed += step(rows)
    if device.type == "cuda":
        torch.cuda.synchronize()
    dt = time.perf_counter() - t
    cpu = _cpu_s() - c0
    peak = torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else _rss_mb()
    return {"variant": name, "seconds": dt, "cpu_seconds": cpu, "tokens_per_cpu_s": tokens / cpu,
            "tokens_per_s": tokens / dt, "samples_per_s": len(data) / dt,
            "steps": len(batches), "pad_share": 1 - tokens / computed, "peak_mb": peak,
            "peak_over_setup_mb": peak - setup_rss if device.type != "cuda" else peak, "device": device.type,
            "tokens": tokens, "samples": len(data)}


def paper_gpu(args) -> dict:
    """The paper preset on one GPU: stage-3 steps (everything trainable, bf16 autocast).

    `--paper-model tiny --paper-device cpu` runs the same code on a small model, to check it runs."""
    from transformers import LlavaForConditionalGeneration

    from babyvlm.model.build import _construct, init_weights
    from babyvlm.model.config import load_model_config, to_hf_config
    from babyvlm.train.objectives import VLMObjective

    dev = torch.device(args.paper_device)
    cuda = dev.type == "cuda"

    def sync():
        if cuda:
            torch.cuda.synchronize()

    cfg = load_model_config(args.paper_model)
    hf = to_hf_config(cfg, vocab_size=cfg.text.vocab_size, image_token_id=4, bos=1, eos=2, pad=0)
    hf._attn_implementation = "sdpa"
    model = _construct(LlavaForConditionalGeneration, hf)
    init_weights(model, std=0.02, n_layers=cfg.text.layers)
    if args.grad_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    obj = VLMObjective(model).to(dev)
    opt = torch.optim.AdamW(obj.parameters(), lr=1e-5, **({"fused": True} if cuda else {}))
    tpi = cfg.tokens_per_image
    bf16 = cuda and torch.cuda.is_bf16_supported()

    def batch(n_rows: int, length: int, images_per_row: int):
        ids = torch.randint(10, cfg.text.vocab_size, (n_rows, length))
        for r in range(n_rows):
            for k in range(images_per_row):
                ids[r, 8 + k * (tpi + 4): 8 + k * (tpi + 4) + tpi] = 4
        labels = ids.clone()
        labels[ids == 4] = -100
        pix = torch.randn(n_rows * images_per_row, 3, cfg.vision.image_size, cfg.vision.image_size)
        return {"input_ids": ids.to(dev), "labels": labels.to(dev), "pixel_values": pix.to(dev)}

    def step(b):
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bf16):
            loss, n = obj(**b)
            (loss / n).backward()
        torch.nn.utils.clip_grad_norm_(obj.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    n_lm = sum(p.numel() for p in model.model.language_model.parameters()) + model.lm_head.weight.numel()
    n_lm -= model.model.language_model.embed_tokens.weight.numel()  # a lookup, not a matmul
    n_vit = sum(p.numel() for p in model.model.vision_tower.parameters())
    rows, length, imgs = args.paper_rows, args.paper_length, 4
    b = batch(rows, length, imgs)
    for _ in range(2):
        step(b)
    sync()
    t = time.perf_counter()
    for _ in range(args.paper_steps):
        step(b)
    sync()
    dt = (time.perf_counter() - t) / args.paper_steps
    T = rows * length
    L, d = cfg.text.layers, cfg.text.hidden_size
    flops = 6 * n_lm * T + 6 * L * d * length * T  # dense matmuls + causal attention (half the square), 3 passes
    n_img = rows * imgs
    flops += 6 * n_vit * tpi * n_img + 12 * cfg.vision.layers * cfg.vision.hidden_size * tpi * tpi * n_img
    out = {"step_s": dt, "tokens_per_s": T / dt, "mfu": flops / dt / (args.peak_tflops * 1e12), "rows": rows,
           "length": length, "model": args.paper_model, "device": str(dev)}
    # a Memory item: 29 images in one conversation (about 6,100 tokens with the paper's 197 per image), one row
    mem_len = 29 * (tpi + 4) + 400
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    try:
        step(batch(1, mem_len, 29))
        sync()
        out["memory_item"] = {"fits": True, "tokens": mem_len,
                              "peak_gb": torch.cuda.max_memory_allocated() / 2**30 if cuda else float("nan")}
    except torch.OutOfMemoryError:
        out["memory_item"] = {"fits": False, "tokens": mem_len}
    return out


def _spawn(name: str, args) -> dict:
    # passive OpenMP waiting: on a shared CPU, spinning threads slow each other down several times over
    cmd = [sys.executable, __file__, "--variant", name, "--data", str(args.data), "--samples", str(args.samples),
           "--batch", str(args.batch), "--threads", str(args.threads), "--preset", args.preset,
           "--max-length", str(args.max_length)]
    env = {**os.environ, "BABYVLM_QUIET": "1"}
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"variant {name} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="a pretraining set (default: a generated toy set)")
    ap.add_argument("--samples", type=int, default=256)
    ap.add_argument("--batch", type=int, default=8, help="samples per padded batch (packing: the same tokens)")
    ap.add_argument("--max-length", type=int, default=512)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--preset", default="tiny")
    ap.add_argument("--variant", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--peak-tflops", type=float, default=989.0)
    ap.add_argument("--paper-rows", type=int, default=4)
    ap.add_argument("--paper-length", type=int, default=2048)
    ap.add_argument("--paper-steps", type=int, default=10)
    ap.add_argument("--grad-checkpointing", action="store_true")
    ap.add_argument("--paper-model", default="paper", help=argparse.SUPPRESS)  # tiny: a code check on CPU
    ap.add_argument("--paper-device", default="cuda", help=argparse.SUPPRESS)
    ap.add_argument("--paper-only", action="store_true", help="only part 3")
    args = ap.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args)))
        return
    if args.paper_only:
        if args.paper_device == "cuda" and not torch.cuda.is_available():
            raise SystemExit("no CUDA device here")
        print(json.dumps(paper_gpu(args)))
        return
    if args.data is None:
        from babyvlm.train.toyset import write_pretrain_set

        args.data = write_pretrain_set(Path(tempfile.mkdtemp()) / "toy", n_train=96, n_val=4)
    names = ["reference", "engine_padded", "engine_packed"]
    best: dict[str, dict] = {}
    for _ in range(args.repeats):
        for n in names:
            r = _spawn(n, args)
            if n not in best or r["tokens_per_s"] > best[n]["tokens_per_s"]:
                best[n] = r
    ref = best["reference"]
    dev = ref["device"]
    print(f"tiny preset, stage-2 setting, {ref['samples']} mixed-format samples ({ref['tokens']} tokens), "
          f"batch {args.batch}, max_length {args.max_length}, {args.threads} threads, {dev}; best of {args.repeats}")
    print(f"{'variant':<32}{'tokens/s':>10}{'samples/s':>11}{'x ref':>7}{'tok/CPU-s':>11}{'x ref':>7}{'pad':>6}"
          f"{'peak MB':>16}")
    labels = {"reference": "reference loop (HF loss, padded)", "engine_padded": "engine, padded (length-grouped)",
              "engine_packed": "engine, packed"}
    for n in names:
        r = best[n]
        mem = f"{r['peak_mb']:.0f}" + (f" (+{r['peak_over_setup_mb']:.0f})" if dev == "cpu" else "")
        print(f"{labels[n]:<32}{r['tokens_per_s']:>10.0f}{r['samples_per_s']:>11.1f}"
              f"{r['tokens_per_s'] / ref['tokens_per_s']:>7.2f}{r['tokens_per_cpu_s']:>11.0f}"
              f"{r['tokens_per_cpu_s'] / ref['tokens_per_cpu_s']:>7.2f}{r['pad_share']:>6.0%}{mem:>16}")
    p, q = best["engine_packed"], best["engine_padded"]
    print(f"packing vs padding (engine): {p['tokens_per_s'] / q['tokens_per_s']:.2f}x tokens/s, "
          f"{p['tokens_per_cpu_s'] / q['tokens_per_cpu_s']:.2f}x tokens per CPU second; "
          f"padding share {q['pad_share']:.0%} -> {p['pad_share']:.0%}; steps {q['steps']} -> {p['steps']}")
    if torch.cuda.is_available():
        r = paper_gpu(args)
        print(f"{r['model']} preset on {torch.cuda.get_device_name()}: {r['rows']}x{r['length']} tokens/step, "
              f"step {r['step_s']:.3f} s, {r['tokens_per_s']:.0f} tokens/s, MFU {r['mfu']:.1%}")
        m = r["memory_item"]
        print("memory item (29 images): " + (f"fits, peak {m['peak_gb']:.1f} GiB ({m['tokens']} tokens)" if m["fits"]
                                             else f"out of memory ({m['tokens']} tokens)"))
    else:
        print("paper preset: no CUDA device here; not measured")


if __name__ == "__main__":
    main()
