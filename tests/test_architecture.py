"""Dependencies point one way: ui -> core, cli -> core. Core never imports Qt or
TensorFlow; the training code (genre_desktop.training) is the only importer of TensorFlow."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "genre_desktop"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_qt_ui_cli_or_tensorflow():
    for path in (PKG / "core").rglob("*.py"):
        found = imports(path)
        assert not {n for n in found if n.split(".")[0] in ("PySide6", "shiboken6")}, path
        assert not {n for n in found if n.startswith(("genre_desktop.ui", "genre_desktop.cli"))}, (
            path
        )
        assert not {n for n in found if n.split(".")[0] in ("tensorflow", "keras")}, path
        assert not {n for n in found if n.startswith("genre_desktop.training")}, path


def test_only_the_training_package_imports_tensorflow():
    for path in PKG.rglob("*.py"):
        if "training" in path.relative_to(PKG).parts:
            continue
        found = imports(path)
        assert not {n for n in found if n.split(".")[0] in ("tensorflow", "keras")}, path


def test_cli_imports_no_qt():
    for path in (PKG / "cli").rglob("*.py"):
        assert not {n for n in imports(path) if n.split(".")[0] == "PySide6"}, path


def test_a_classify_run_never_loads_tensorflow_or_qt():
    code = "import sys; import genre_desktop.cli.classify, genre_desktop.core.model, genre_desktop.core.pipeline; print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow','keras','PySide6')))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_only_core_decides_what_gets_written():
    """The front ends ask core.plan; the album pooling and the policy are core's business."""
    for path in PKG.rglob("*.py"):
        if "core" in path.relative_to(PKG).parts:
            continue
        found = imports(path)
        assert not found & {"genre_desktop.core.albums", "genre_desktop.core.policy"}, path
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "genre_desktop.core":
                assert not {a.name for a in node.names} & {"albums", "policy"}, path
