"""How long the window's main thread is ever busy while 200 files are analysed, offscreen.

python benchmarks/gui_gaps.py [FILES] -> JSON: the distribution of gaps between 10 ms timer
beats (median, p95, p99, max, count over 50 / 100 ms). Target: p99 under 50 ms and no gap
over 100 ms on an idle machine (a beat late by a frame is not felt; 100 ms is). A wall-clock
figure like this depends on what else the cores do, so it lives here, not in `make test`
(which asserts instead that no decoding, tag I/O or database write runs on the main thread).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from genre_desktop import config  # noqa: E402
from genre_desktop.ui.mainwindow import MainWindow  # noqa: E402
from tests import audiofactory  # noqa: E402


def main(n_files: int = 200) -> dict:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        sources = {
            ext: audiofactory.write(tmp_path / f"src.{ext}", ext, seconds=20, seed=1)
            for ext in ("mp3", "ogg")
        }
        folder = tmp_path / "lib"
        folder.mkdir()
        for i in range(n_files):
            ext = "ogg" if i % 2 else "mp3"
            shutil.copy(sources[ext], folder / f"track{i:03d}.{ext}")
        os.environ["GENRE_DESKTOP_CONFIG_DIR"] = str(tmp_path / "config")
        window = MainWindow(config.Settings(jobs=os.cpu_count() or 2), data_dir=tmp_path / "data")
        window.ask_before_quit = False
        window.show()
        gaps: list[float] = []
        last = [time.perf_counter()]

        def beat() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(beat)
        timer.start()
        t0 = time.perf_counter()
        window.add_paths([str(folder)])
        last[0] = time.perf_counter()
        while window.analysis is not None and time.perf_counter() - t0 < 600:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        took = time.perf_counter() - t0
        window.close()
    ms = sorted(g * 1000 for g in gaps)

    def pct(q: float) -> float:
        return ms[min(len(ms) - 1, int(q * len(ms)))]

    return {
        "files": n_files,
        "seconds": round(took, 2),
        "beats": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(ms[-1], 1),
        "over_50ms": sum(g > 50 for g in ms),
        "over_100ms": sum(g > 100 for g in ms),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)))
