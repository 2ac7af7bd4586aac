"""DevCV Toolbox build time: two worker processes against one, same world, same config, one run.

Builds the toolbox from a world corpus three times into fresh folders: indexing alone (decoding the
1 FPS and clip frames into the cache), then the tasks with `workers=1` and with `workers=2` on the
cached index (so both task runs start from the same state), and a full fresh build with the
default `workers=2`. Prints wall and CPU seconds, items per second and the ratio. On a shared
machine, re-run when it is quiet: CPU seconds are the steadier number.

    python benchmarks/bench_devcv.py [--world DIR] [--config devcv/default]

Without --world the small world is generated into a temporary folder first (minutes).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from babyvlm.config import build_config
from babyvlm.devcv.builder import DevCVBuildConfig, build_toolbox


def cpu_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn):
    c0, t0 = cpu_seconds(), time.perf_counter()
    res = fn()
    return res, time.perf_counter() - t0, cpu_seconds() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--world", type=Path, default=None)
    ap.add_argument("--config", default="devcv/default")
    args = ap.parse_args()
    os.environ.setdefault("BABYVLM_QUIET", "1")
    tmp = Path(tempfile.mkdtemp(prefix="bench_devcv_"))
    try:
        world = args.world
        if world is None:
            from babyvlm.world import WorldConfig, generate_world

            world = tmp / "world"
            generate_world(build_config(WorldConfig, section="world", preset="world/small").check(), world, workers=2)

        def cfg(*over: str) -> DevCVBuildConfig:
            return build_config(DevCVBuildConfig, section="devcv", preset=args.config, overrides=list(over))

        rows = []
        res, wall, cpu = timed(lambda: build_toolbox(world, tmp / "index", cfg("tasks=[subitizing]", "items.train=1",
                                                                                 "items.val=1", "items.test=1")))
        rows.append(("index (decode + cache frames), workers=2", wall, cpu, None))
        for workers in (1, 2):
            out = tmp / f"w{workers}"
            shutil.copytree(tmp / "index" / "work" / "index", out / "work" / "index")
            shutil.copytree(tmp / "index" / "work" / "frames", out / "work" / "frames")
            res, wall, cpu = timed(lambda out=out, workers=workers: build_toolbox(world, out, cfg(f"workers={workers}")))
            items = sum(sum(c.values()) for c in res.counts.values())
            rows.append((f"tasks, workers={workers}", wall, cpu, items))
        res, wall, cpu = timed(lambda: build_toolbox(world, tmp / "fresh", cfg()))
        items = sum(sum(c.values()) for c in res.counts.values())
        rows.append(("full fresh build, workers=2 (default)", wall, cpu, items))
        print(f"world: {world}  config: {args.config}  cores: {os.cpu_count()}")
        print(f"{'step':44s} {'wall s':>8s} {'cpu s':>8s} {'items':>7s} {'items/s':>8s}")
        for name, wall, cpu, items in rows:
            ips = f"{items / wall:8.1f}" if items else f"{'':8s}"
            print(f"{name:44s} {wall:8.1f} {cpu:8.1f} {items or '':>7} {ips}")
        print(f"tasks: workers=2 is {rows[1][1] / rows[2][1]:.2f}x faster than workers=1 (wall)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
