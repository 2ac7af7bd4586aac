"""The lmms-eval integration: a task folder written from DevCV data holds the harness's own items and
scores replies with babyvlm's scorers; with lmms-eval installed, the same tiny model gets the same
per-task scores from `lmms-eval --model babyvlm` as from `babyvlm eval` (the parity test skips where
lmms-eval is not installed: it is an optional extra, docs/evaluate.md)."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from babyvlm.errors import InputError
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.harness import evaluate, find_tasks, load_tasks, make_task
from babyvlm.evaluate.lmms import bridge
from babyvlm.evaluate.lmms.taskdir import lmms_task_name, write_task_dir
from babyvlm.tasks.base import ScoreContext
from babyvlm.util.rejects import RejectLog

TASKS = "picture_vocabulary,count,memory,compare_real,vdr_open,looking_while_listening"


class _Loader(yaml.SafeLoader):
    """Reads lmms-eval YAMLs here: `!function utils.x` becomes the string 'utils.x'."""


_Loader.add_constructor("!function", lambda loader, node: f"!function {loader.construct_scalar(node)}")


@pytest.fixture
def data(devcv_root, extra_tasks, tmp_path):
    """The official fixture tasks plus looking_while_listening (a likelihood task), in one folder."""
    root = tmp_path / "data"
    shutil.copytree(devcv_root, root)
    shutil.copytree(extra_tasks / "looking_while_listening", root / "looking_while_listening")
    return root


def test_task_folder_holds_the_harness_items_and_scores_like_it(data, tmp_path):
    cfg = EvalConfig(tasks=TASKS, limit=3, baselines=[])
    names = write_task_dir(tmp_path / "tasks", cfg, data=data)
    assert names == ["baby_pv", "baby_winoground", "baby_vdr_open", "baby_compare_real", "baby_count", "baby_memory"]
    tasks, _ = load_tasks(find_tasks(cfg, data, None), cfg, RejectLog(tmp_path / "rejects.jsonl"))
    assert [lmms_task_name(td.task) for td in tasks] == names
    for td, name in zip(tasks, names):
        spec = yaml.load((tmp_path / "tasks" / f"{name}.yaml").read_text(), Loader=_Loader)
        assert spec["task"] == name and spec["output_type"] == "generate_until"
        assert [m["metric"] for m in spec["metric_list"]] == list(td.task.metrics)  # babyvlm's metric keys
        docs = [json.loads(line) for line in open(spec["dataset_kwargs"]["data_files"]["test"])]
        assert [d["item_id"] for d in docs] == [item.id for item in td.items]
        for doc, item in zip(docs, td.items):
            task, same, _ = bridge.item_of(doc)
            assert same.id == item.id and task.name == td.task.name
            if task.kind == "generate":  # a plain reply from any lmms-eval model, scored as babyvlm scores it
                reply = "(B)"
                want = td.task.score(item, reply, ScoreContext(parser="default", seed=0, task=task.name))["metrics"]
                assert bridge.process_results(doc, [reply]) == {m: want.get(m) for m in task.metrics}
                assert bridge.doc_to_text(doc).count("<image>") == len(bridge.doc_to_visual(doc))
            else:  # rounds and likelihoods need the babyvlm model class: a plain reply is refused, clearly
                with pytest.raises(InputError, match="needs the babyvlm model class"):
                    bridge.process_results(doc, ["A"])
    group = yaml.safe_load((tmp_path / "tasks" / "babyvlm_devcv_generate.yaml").read_text())
    assert group["task"] == ["baby_pv", "baby_vdr_open", "baby_compare_real", "baby_count"]


def test_rewriting_a_task_folder_drops_tasks_of_the_old_data(data, tmp_path):
    write_task_dir(tmp_path / "tasks", EvalConfig(tasks=TASKS, limit=2), data=data)
    write_task_dir(tmp_path / "tasks", EvalConfig(tasks="count", limit=2), data=data)
    assert sorted(p.name for p in (tmp_path / "tasks").glob("*.yaml")) == [
        "baby_count.yaml", "babyvlm_devcv.yaml", "babyvlm_devcv_generate.yaml"]


def test_lmms_eval_scores_equal_babyvlm_eval(data, tiny_llava, tmp_path):
    pytest.importorskip("lmms_eval", reason="lmms-eval is an optional extra (docs/evaluate.md)")
    from lmms_eval.evaluator import simple_evaluate
    from lmms_eval.tasks import TaskManager

    from babyvlm.evaluate.lmms.model import BabyVLMLmms

    cfg = EvalConfig(tasks=TASKS, limit=4, baselines=[], bootstrap=0, plot=False)
    ours = evaluate(f"hf:{tiny_llava}", data, tmp_path / "babyvlm", cfg)
    names = write_task_dir(tmp_path / "tasks", cfg, data=data)
    manager = TaskManager(include_path=str(tmp_path / "tasks"), include_defaults=False, model_name="babyvlm")
    theirs = simple_evaluate(model=BabyVLMLmms(pretrained=str(tiny_llava), device="cpu"), tasks=names,
                             task_manager=manager, bootstrap_iters=0, log_samples=False)
    lmms_names = {task: lmms_task_name(make_task(task, cfg)) for task in ours["tasks"]}
    assert sorted(lmms_names.values()) == sorted(names)
    for task, name in lmms_names.items():
        (model,) = ours["tasks"][task]["models"].values()
        for metric, value in model["metrics"].items():
            assert theirs["results"][name][f"{metric},none"] == pytest.approx(value["value"], abs=1e-9), (name, metric)


def test_lmms_eval_finds_the_babyvlm_model_by_name():
    pytest.importorskip("lmms_eval", reason="lmms-eval is an optional extra (docs/evaluate.md)")
    from lmms_eval.models import get_model

    from babyvlm.evaluate.lmms.model import BabyVLMLmms

    assert get_model("babyvlm") is BabyVLMLmms
