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


def _module(path: Path) -> str:
    return ".".join(("genre_desktop", *path.relative_to(PKG).with_suffix("").parts))


def _ui_graph() -> dict[str, set[str]]:
    """ui module -> the ui modules it imports (any import: at the top, in a function, under
    TYPE_CHECKING; `from genre_desktop.ui import x` counts as importing ui.x)."""
    graph: dict[str, set[str]] = {}
    for path in (PKG / "ui").glob("*.py"):
        me = _module(path)
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names}
        graph[me] = {
            n
            for n in found
            if n.startswith("genre_desktop.ui.")
            and (PKG / "ui" / f"{n.split('.')[-1]}.py").exists()
        } - {me}
    return graph


def test_no_import_circle_within_ui():
    """The window owns its parts (history, learning, preview, analysis, actions); none of
    them imports the window back (they ask it through ui/host.Host)."""
    graph = _ui_graph()
    assert graph["genre_desktop.ui.mainwindow"] >= {
        "genre_desktop.ui.history",
        "genre_desktop.ui.actions",
    }, "the graph is read"

    def circle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    return [*path, nxt]
                if nxt not in path:
                    stack.append((nxt, [*path, nxt]))
        return None

    circles = [c for m in sorted(graph) if (c := circle_from(m))]
    assert not circles, " -> ".join(circles[0])
    nobody = [m for m, deps in graph.items() if "genre_desktop.ui.mainwindow" in deps]
    assert sorted(nobody) == ["genre_desktop.ui.app"], "only the app opens the window"


def test_the_package_imports_neither_tests_nor_developer_tools():
    """An installed wheel has no tests/ or tools/: nothing shipped may import them."""
    for path in PKG.rglob("*.py"):
        found = imports(path)
        assert not {n for n in found if n.split(".")[0] in ("tests", "tools", "benchmarks")}, path
    assert not (PKG / "ui" / "screenshots.py").exists()
    assert (PKG.parent / "tools" / "screenshots" / "screenshots.py").exists()


def test_the_window_only_wires_and_nobody_sets_its_attributes():
    """MainWindow stays small (its parts live beside it), and no part assigns to the window
    or the host it is given (ui/actions.install set 18 `w.act_*` attributes that way)."""
    window = PKG / "ui" / "mainwindow.py"
    assert len(window.read_text(encoding="utf-8").splitlines()) < 600
    for path in (PKG / "ui").glob("*.py"):
        if path == window:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for t in targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name):
                    assert t.value.id not in ("w", "window", "host", "h"), (
                        f"{path.name}:{node.lineno} sets {t.value.id}.{t.attr}"
                    )
