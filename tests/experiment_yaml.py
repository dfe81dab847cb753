"""Experiment configs of the tests that run ``mke fit`` / ``mke test`` for real (tiny models, TensorBoard runs)."""

from __future__ import annotations


def trainer_yaml(root, name: str, callbacks: list[str], extra: str = "") -> str:
    """The ``trainer:`` block: CPU, one device, no progress bar, a TensorBoard logger writing ``root/name/version_N``,
    the ``callbacks`` (each ``"ClassPath: {init args}"``) and ``extra`` trainer lines (already indented)."""
    lines = ["trainer:", "  accelerator: cpu", "  devices: 1", "  enable_progress_bar: false"]
    lines += [line for line in extra.splitlines() if line.strip()]
    lines += ["  logger:", "    class_path: lightning.pytorch.loggers.TensorBoardLogger",
              f"    init_args: {{save_dir: {root}, name: {name}, default_hp_metric: false}}", "  callbacks:"]
    for callback in callbacks:
        class_path, _, init_args = callback.partition(": ")
        lines += [f"    - class_path: {class_path}", f"      init_args: {init_args or '{}'}"]
    return "\n".join(lines) + "\n"


def mke_test_yaml(root, name: str, editor: str, model: str, test_path, languages: str, metrics: str,
                         model_extra: str = "") -> str:
    """A whole ``mke test`` config: ``editor`` (a class of ``mke_lightning.editors``) on ``model``, evaluated with
    ``metrics`` (YAML list) on ``test_path`` in ``languages`` (YAML list), edits in en and zh."""
    return (trainer_yaml(root, name, [f"mke_lightning.evaluation.EditEvaluationCallback: {{metrics: {metrics}}}"])
            + f"model:\n  class_path: mke_lightning.editors.{editor}\n"
            + f"  init_args: {{model_name_or_path: {model}{model_extra}}}\n"
            + "data:\n  class_path: mke_lightning.data.EditDataModule\n"
            + f"  init_args: {{test_path: {test_path}, languages: {languages}, edit_languages: [en, zh]}}\n")
