"""The package's layering: lower layers never import higher ones, and no module imports itself back in a circle.

Layers, lowest first (a module belongs to the layer of the longest prefix it matches):

1. foundation: language codes and rules, the unified schema, subject spans, option ranges (``data.languages``,
   ``data.schema``, ``data.spans``, ``option_ranges``);
2. ``models``: loading causal LMs, the architecture adapter, the encoding contract, generation, hooks, context length;
3. ``data``: readers, datamodules, the synthetic world and its pretraining;
4. ``metrics`` and ``losses``;
5. ``evaluation``: the scoring seam, the batched scorer, the edit loop, the callback;
6. ``editors``;
7. ``analysis``;
8. ``experiment``: the LightningCLI experiment and the config helpers of the verbs;
9. ``commands``: one typed function per verb;
10. ``cli``, ``__main__`` and the package itself.

Imports inside functions count as much as those at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mke_lightning"
LAYERS = [
    ["mke_lightning.data.languages", "mke_lightning.data.schema", "mke_lightning.data.spans",
     "mke_lightning.option_ranges"],
    ["mke_lightning.models"],
    ["mke_lightning.data"],
    ["mke_lightning.metrics", "mke_lightning.losses"],
    ["mke_lightning.evaluation"],
    ["mke_lightning.editors"],
    ["mke_lightning.analysis"],
    ["mke_lightning.experiment"],
    ["mke_lightning.commands"],
    ["mke_lightning.cli", "mke_lightning.__main__", "mke_lightning"],
]


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` imports (relative imports resolved; ``from a import b`` counts ``a.b`` if it is a
    module, else ``a``)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
                break
    return found


def _layer(module: str) -> int:
    best, depth = None, -1
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and prefix.count(".") > depth:
                best, depth = i, prefix.count(".")
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def test_no_module_imports_a_higher_layer():
    upward = sorted(f"{src} -> {dst}" for src, targets in _graph().items() for dst in targets
                    if _layer(dst) > _layer(src))
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_no_import_circles():
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


def test_the_layer_check_sees_an_upward_import(tmp_path):
    """The checker itself: a ``models`` module importing ``editors`` is reported."""
    fake = tmp_path / "m.py"
    fake.write_text("from mke_lightning.editors.base import BaseEditor\n", encoding="utf-8")
    found = _imports("mke_lightning.models.m", fake, set(_modules()) | {"mke_lightning.models.m"})
    assert found == {"mke_lightning.editors.base"} and _layer("mke_lightning.editors.base") > _layer("mke_lightning.models.m")
