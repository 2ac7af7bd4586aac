"""Evaluation throughput: batched requests against one item at a time (the official wrapper's way).

The same randomly initialised Llava (built from config, saved, loaded through the `hf:` adapter),
the same items, one run. Three ways:

- one at a time: one request per call, the processor run on every image of every call (what the
  official lmms-eval wrapper does);
- batched: --batch-size requests per call (sorted by length), the processor as it is;
- batched+cache: the harness's default, batched and each image preprocessed once, in threads.

Rows: every single-round DevCV item of the official fixtures (or of --data; --items repeats them
to a count) generated with --new-tokens greedy tokens; four log-likelihood requests per item
(two images x two phrases); the memory task's 15 rounds (lockstep over the items against one item
and one round at a time; here the one-at-a-time way keeps preprocessed images too, as the official
wrapper keeps each round's image tensors, so the memory row measures lockstep batching alone). Each way decodes its own images.

Memory rows "re-run" against "prefix cache": the same batched lockstep harness loop, re-running the
model over the whole conversation every round (hf.prefix_cache=false) against keeping each item's
key-value cache from round to round and feeding only the new tokens and images (the default), at
each of --memory-tokens reply lengths (8: a random model's full replies; 2: a letter and the
end-of-sequence, what a trained model writes). Replies must be identical. The ways alternate chunk by chunk, so a
change in a shared machine's load hits all of them alike. A random model rarely stops early, so
every way produces --new-tokens tokens per item. --hidden/--layers/--image-size set the model's size.

Family rows (`--families all`): the same three ways for a tiny random model of each family of
`babyvlm.evaluate.tiny_families` (width 32, one layer, so the processor's share of the time is
large), generation and log-likelihood, with whether the replies and log-likelihoods match and the
image cache's state at the end (on: batches built from cached parts; off: the processor each time).

    python benchmarks/bench_eval.py [--data DIR] [--batch-size 16] [--new-tokens 8] [--threads N]
    python benchmarks/bench_eval.py --families all --families-only
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from babyvlm.evaluate.adapters import AdapterOptions, load_adapter
from babyvlm.evaluate.tiny import build_tiny_llava
from babyvlm.tasks.conversation import Conversation, ImageRef
from babyvlm.tasks.devcv import DEVCV_TASKS

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "devcv-official" / "saycam" / "test"


def conversations(data: Path, n: int) -> list[Conversation]:
    """The single-round items (fresh ImageRefs on every call, so each side decodes its own images)."""
    convs = []
    for cls in DEVCV_TASKS.values():
        task = cls()
        if task.kind != "generate":
            continue
        path = task.locate(data)
        if path is None:
            continue
        items = task.load(path)
        task.setup(items)
        convs += [task.conversation(i) for i in items]
    if not convs:
        raise SystemExit(f"no DevCV task folders under {data}")
    return convs if n <= 0 else [convs[k % len(convs)] for k in range(n)]


def memory_items(data: Path):
    task = DEVCV_TASKS["memory"]()
    path = task.locate(data)
    return (task, task.load(path)) if path is not None else (task, [])


def play_memory(adapter, task, items, new_tokens: int, lockstep: bool, sessions: bool = False) -> list[list[str]]:
    """The memory rounds, each conversation holding the earlier replies: all items in lockstep (the
    harness) or one item and one round at a time (the official wrapper)."""
    replies = {i.id: [] for i in items}
    groups = [items] if lockstep else [[i] for i in items]
    for group in groups:
        for r in range(task.n_rounds(group[0])):
            convs = [task.round_conversation(i, r, replies[i.id]) for i in group]
            if sessions:  # as the harness marks them: the adapter may keep each item's cache across rounds
                for i, c in zip(group, convs):
                    c.meta.update(session=i.id, last_round=r == task.n_rounds(i) - 1)
            for i, out in zip(group, adapter.generate(convs, new_tokens)):
                replies[i.id].append(out)
    return [replies[i.id] for i in items]


def loglik_requests(convs: list[Conversation], n: int) -> list[tuple[Conversation, str]]:
    phrases = [("the ball", "the cup"), ("a red truck", "a dog"), ("see person", "touch pillow")]
    reqs = []
    for k in range(n):
        ims = [im for c in convs[k: k + 3] for im in c.images][:2]
        p = phrases[k % len(phrases)]
        for i in range(2):
            conv = Conversation.from_turns([("user", "<image>")], [ImageRef(ims[i % len(ims)].path)])
            reqs += [(conv, p[0]), (conv, p[1])]
    return reqs


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def time_ways(ways: dict, sets: dict[str, list[Conversation]], args):
    """Generation and log-likelihood through each way, alternating over chunks of one batch each so
    that a change in a shared machine's load hits all of them alike."""
    gen = {k: 0.0 for k in ways}
    outs: dict[str, list[str]] = {k: [] for k in ways}
    bs = args.batch_size
    n_items = len(next(iter(sets.values())))
    for s in range(0, n_items, bs):
        for name, a in ways.items():
            chunk = sets[name][s: s + bs]
            if name == "one at a time":
                dt, o = timed(lambda chunk=chunk, a=a: [a.generate([c], args.new_tokens)[0] for c in chunk])
            else:
                dt, o = timed(lambda chunk=chunk, a=a: a.generate(chunk, args.new_tokens))
            gen[name] += dt
            outs[name] += o
    reqs = {name: loglik_requests(sets[name], n_items) for name in ways}
    ll = {k: 0.0 for k in ways}
    lls: dict[str, list] = {k: [] for k in ways}
    for s in range(0, len(next(iter(reqs.values()))), bs):
        for name, a in ways.items():
            chunk = reqs[name][s: s + bs]
            if name == "one at a time":
                dt, o = timed(lambda chunk=chunk, a=a: [a.loglikelihood([r])[0] for r in chunk])
            else:
                dt, o = timed(lambda chunk=chunk, a=a: a.loglikelihood(chunk))
            ll[name] += dt
            lls[name] += o
    return gen, outs, ll, lls, reqs


def family_rows(args) -> list[tuple]:
    """(family, items/s per way for generation, requests/s per way for log-likelihood, identical,
    fast-path state, error) for each tiny random model of --families, on the same items."""
    from babyvlm.errors import InputError
    from babyvlm.evaluate.tiny_families import FAMILIES, build_tiny

    names = list(FAMILIES) if args.families == "all" else [f for f in args.families.split(",") if f]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for fam in names:
            path = build_tiny(fam, Path(tmp) / fam)
            opts = dict(device=args.device, dtype=args.dtype)
            try:
                ways = {"one at a time": load_adapter(f"hf:{path}", AdapterOptions(batch_size=1, image_cache=0, **opts)),
                        "batched": load_adapter(f"hf:{path}", AdapterOptions(batch_size=args.batch_size, image_cache=0,
                                                                              **opts)),
                        "batched+cache": load_adapter(f"hf:{path}", AdapterOptions(batch_size=args.batch_size, **opts))}
            except InputError as e:
                rows.append((fam, None, None, None, None, str(e)))
                continue
            for a in ways.values():  # warm-up (and the cached path's one-time checks)
                a.generate(conversations(args.data, 2), args.new_tokens)
                a.loglikelihood(loglik_requests(conversations(args.data, 4), 2))
            sets = {name: conversations(args.data, args.items) for name in ways}
            n = len(sets["batched"])
            gen, outs, ll, lls, reqs = time_ways(ways, sets, args)
            n_reqs = len(reqs["batched"])
            same = outs["one at a time"] == outs["batched+cache"] and all(
                abs(x[0] - y[0]) < 1e-4 for x, y in zip(lls["one at a time"], lls["batched+cache"]))
            rows.append((fam, {k: n / v for k, v in gen.items()}, {k: n_reqs / v for k, v in ll.items()}, same,
                         ways["batched+cache"].inputs.state, ""))
            for a in ways.values():
                a.close()
    return rows


def print_family_rows(rows, args) -> None:
    print(f"model families (tiny random models, width 32, 1 layer; batch {args.batch_size}, "
          f"{args.new_tokens} new tokens, {torch.get_num_threads()} threads): items/s | requests/s")
    ways = ["one at a time", "batched", "batched+cache"]
    print(f"{'family':18s}" + "".join(f"{'gen ' + w:>22s}" for w in ways) + f"{'ratio':>7s}"
          + "".join(f"{'ll ' + w:>21s}" for w in ways) + f"{'ratio':>7s}  same  fast path")
    for fam, gen, ll, same, state, err in rows:
        if gen is None:
            print(f"{fam:18s}  not run: {err}")
            continue
        print(f"{fam:18s}" + "".join(f"{gen[w]:22.1f}" for w in ways) + f"{gen[ways[2]] / gen[ways[0]]:6.1f}x"
              + "".join(f"{ll[w]:21.1f}" for w in ways) + f"{ll[ways[2]] / ll[ways[0]]:6.1f}x  {str(same):5s} {state}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--items", type=int, default=0, help="items (0: every single-round item once; more repeats them)")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory task rows")
    ap.add_argument("--memory-tokens", default="8,2", help="reply lengths of the prefix-cache memory rows")
    ap.add_argument("--memory-only", action="store_true", help="only the prefix-cache memory rows")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--new-tokens", type=int, default=8)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--image-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--families", default="", help="also a row per tiny random model family: 'all' or "
                    "comma-separated names of babyvlm.evaluate.tiny_families.FAMILIES")
    ap.add_argument("--families-only", action="store_true", help="only the --families rows")
    ap.add_argument("--device", default="cpu", help="cpu | cuda | auto")
    ap.add_argument("--dtype", default="float32", help="float32 | bfloat16 | auto")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.families_only:
        print_family_rows(family_rows(args), args)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = build_tiny_llava(Path(tmp) / "model", hidden=args.hidden, layers=args.layers,
                                image_size=args.image_size, vocab=400)
        if not args.no_memory:
            prefix_rows = memory_prefix_rows(path, args)
        if args.memory_only:
            print_prefix_rows(prefix_rows, args)
            return
        # the official wrapper's way: one request per call, the processor on every image every time
        single = load_adapter(f"hf:{path}", AdapterOptions(batch_size=1, device=args.device, dtype=args.dtype, image_cache=0))
        plain = load_adapter(f"hf:{path}", AdapterOptions(batch_size=args.batch_size, device=args.device, dtype=args.dtype,
                                                          image_cache=0))
        batched = load_adapter(f"hf:{path}", AdapterOptions(batch_size=args.batch_size, device=args.device, dtype=args.dtype))
        ways = {"one at a time": single, "batched": plain, "batched+cache": batched}
        # memory: the official wrapper keeps each round's preprocessed images, so its one-at-a-time
        # way gets the image cache too; the rows then differ only in lockstep batching
        single_cached = load_adapter(f"hf:{path}", AdapterOptions(batch_size=1, device=args.device, dtype=args.dtype))
        sets = {name: conversations(args.data, args.items) for name in ways}  # each way decodes its own images
        n_items = len(sets["batched"])
        n_images = sum(len(c.images) for c in sets["batched"])
        for a in [*ways.values(), single_cached]:  # warm-up (and the cached path's one-time check)
            a.generate(conversations(args.data, 2), args.new_tokens)
            a.loglikelihood(loglik_requests(conversations(args.data, 4), 2))
        gen, outs, ll, lls, reqs = time_ways(ways, sets, args)
        mem = {k: 0.0 for k in ways}
        mem_out: dict[str, list] = {}
        task, _ = memory_items(args.data)
        n_mem = 0
        if not args.no_memory:
            for name, a in {"one at a time": single_cached, "batched": plain, "batched+cache": batched}.items():
                _, items = memory_items(args.data)  # fresh images for each way
                n_mem = len(items)
                mem[name], mem_out[name] = timed(lambda a=a, items=items, name=name: play_memory(
                    a, task, items, args.new_tokens, lockstep=name != "one at a time"))
        same = sum(a == b for a, b in zip(outs["one at a time"], outs["batched+cache"]))
        maxdiff = max(abs(a[0] - b[0]) for a, b in zip(lls["one at a time"], lls["batched+cache"]))
        n_reqs = len(reqs["batched"])

    print(f"model: tiny random Llava, hidden {args.hidden}, {args.layers} layers, {args.image_size} px images; "
          f"{torch.get_num_threads()} torch threads; {n_items} items ({n_images} images), {args.new_tokens} new tokens, "
          f"batch {args.batch_size}")
    names = list(ways)
    print(f"{'':30s}" + "".join(f"{n:>15s}" for n in names) + f"{'ratio':>8s}")

    def row(label, n, times):
        rates = [n / times[k] if times[k] else float("nan") for k in names]
        print(f"{label:30s}" + "".join(f"{r:15.1f}" for r in rates) + f"{rates[-1] / rates[0]:7.1f}x")

    row("generate, items/s", n_items, gen)
    row("loglikelihood, requests/s", n_reqs, ll)
    if n_mem:
        row("memory (15 rounds), items/s", n_mem, mem)
    print(f"ratio = batched+cache against one at a time. Identical replies {same}/{n_items}; "
          f"largest log-likelihood difference {maxdiff:.2e}"
          + (f"; memory replies identical: {mem_out['one at a time'] == mem_out['batched+cache']}" if n_mem else ""))
    if not args.no_memory:
        print_prefix_rows(prefix_rows, args)


def memory_prefix_rows(path: Path, args) -> list[tuple[int, float, float, bool, int]]:
    """(reply tokens, re-run s, prefix-cache s, identical, items) per --memory-tokens, alternating the two."""
    opts = dict(batch_size=args.batch_size, device=args.device, dtype=args.dtype)
    rerun = load_adapter(f"hf:{path}", AdapterOptions(**opts, prefix_cache=False))
    cached = load_adapter(f"hf:{path}", AdapterOptions(**opts, prefix_cache=True))
    out = []
    for n_tok in [int(x) for x in args.memory_tokens.split(",") if x]:
        times = {"re-run": 0.0, "prefix": 0.0}
        replies = {}
        for _ in range(2):  # twice, alternating, so that load changes hit both alike; the first warms up
            for name, a in (("re-run", rerun), ("prefix", cached)):
                task, items = memory_items(args.data)
                dt, replies[name] = timed(lambda a=a, task=task, items=items, n_tok=n_tok: play_memory(
                    a, task, items, n_tok, lockstep=True, sessions=True))
                times[name] = dt
        out.append((n_tok, times["re-run"], times["prefix"], replies["re-run"] == replies["prefix"], len(items)))
    return out


def print_prefix_rows(rows, args) -> None:
    print(f"memory, prefix KV cache (hidden {args.hidden}, {args.layers} layers, {args.image_size} px, "
          f"batch {args.batch_size}, {torch.get_num_threads()} threads)")
    print(f"{'':30s}{'re-run':>15s}{'prefix cache':>15s}{'ratio':>8s}  identical")
    for n_tok, rerun, prefix, same, n in rows:
        print(f"{f'memory, {n_tok}-token replies, items/s':30s}{n / rerun:15.2f}{n / prefix:15.2f}"
              f"{rerun / prefix:7.1f}x  {same}")

if __name__ == "__main__":
    main()
