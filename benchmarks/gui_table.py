"""The track table with 50,000 rows, offscreen: fill, sort, filter, and scroll repaints.

python benchmarks/gui_table.py [ROWS] -> JSON with medians in milliseconds
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from genre_desktop.core.library import Analysis, Track  # noqa: E402
from genre_desktop.ui.models import (  # noqa: E402
    COL_CONFIDENCE,
    COL_TITLE,
    ConfidenceDelegate,
    Row,
    TrackFilter,
    TrackTableModel,
)


def main(n: int = 50_000, runs: int = 3) -> dict[str, float]:
    app = QApplication.instance() or QApplication([])
    genres = ["rock", "pop", "jazz", "blues", "metal"]
    rows = [
        Row(
            Track(i, f"/music/artist{i % 900}/album{i % 3000}/track{i}.flac", 1, 1, duration=200 + i % 200, title=f"Track {i}", artist=f"Artist {i % 900}", album=f"Album {i % 3000}", genres=[genres[i % 5].title()] if i % 3 else []),
            Analysis("v", genres[(i * 7) % 5], 0.3 + (i % 70) / 100, dict.fromkeys(genres, 0.2)),
        )
        for i in range(n)
    ]  # fmt: skip
    model = TrackTableModel()
    proxy = TrackFilter()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.setItemDelegateForColumn(COL_CONFIDENCE, ConfidenceDelegate(model))
    view.resize(1000, 700)
    view.show()
    out: dict[str, list[float]] = {
        "fill_ms": [],
        "sort_ms": [],
        "filter_ms": [],
        "scroll_page_ms": [],
    }
    for _ in range(runs):
        t = time.perf_counter()
        model.set_rows(list(rows))
        app.processEvents()
        out["fill_ms"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        model.sort(COL_TITLE)
        app.processEvents()
        out["sort_ms"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        proxy.set_text("artist 42")
        app.processEvents()
        out["filter_ms"].append((time.perf_counter() - t) * 1000)
        proxy.set_text("")
        app.processEvents()
        bar = view.verticalScrollBar()
        times = []
        for step in range(20):
            t = time.perf_counter()
            bar.setValue(step * bar.maximum() // 20)
            view.viewport().repaint()
            times.append((time.perf_counter() - t) * 1000)
        out["scroll_page_ms"].append(statistics.median(times))
    result = {k: round(statistics.median(v), 1) for k, v in out.items()}
    result["rows"] = n
    return result


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)))
