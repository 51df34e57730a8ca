"""`make screenshots`: PNGs of the empty window, a library mid-analysis, the details panel
and the apply dialog, rendered offscreen from the real app on generated music files."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SONGS = [
    ("Midnight Drive", "The Velvet Lines", "Neon Roads"), ("Slow River", "Mae Holloway", "Delta Nights"),
    ("Concrete Bloom", "K-Sera", "Street Psalms"), ("Fugue in Glass", "Aurora Strings", "Nocturnes"),
    ("Dancefloor Saints", "Starlight 77", "Mirrorball"), ("Blue Smoke", "Dexter Quartet", "Late Set"),
    ("Iron Tide", "Grave Harbor", "Undertow"), ("Summer Static", "Lila Moon", "Postcards"),
    ("Island Time", "Roots Collective", "One Love Road"), ("Open Highway", "Wade & the Hollow", "Dust"),
    ("Paper Planes", "The Velvet Lines", "Neon Roads"), ("Gravel Heart", "Wade & the Hollow", "Dust"),
]  # fmt: skip


def make_music(folder: Path, copies: int = 3) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests import audiofactory

    variants = ["mp3", "flac", "ogg", "m4a-aac"]
    for c in range(copies):
        for i, (title, artist, album) in enumerate(SONGS):
            v = variants[(i + c) % len(variants)]
            genre = {"mp3": "", "flac": "Rock"}.get(v, "")
            tags = {
                "title": title if c == 0 else f"{title} (take {c + 1})",
                "artist": artist,
                "album": album,
            }
            if genre and i % 3 == 0:
                tags["genre"] = genre
            audiofactory.write(
                folder / f"{artist} - {tags['title']}".replace("/", "-"),
                v,
                seconds=8.0,
                seed=i * 7 + c,
                tags=tags,
            )


def main(out_dir: str = "docs/screenshots") -> int:
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from genre_desktop import config
    from genre_desktop.ui.dialogs import ApplyDialog
    from genre_desktop.ui.mainwindow import MainWindow, app_icon

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="gd-shots-"))
    os.environ["GENRE_DESKTOP_CONFIG_DIR"] = str(tmp / "config")
    QCoreApplication.setOrganizationName("genre-desktop-screenshots")
    app = QApplication.instance() or QApplication(sys.argv)
    from PySide6.QtCore import QSettings

    QSettings().clear()  # the default layout, not the last run's
    app.setWindowIcon(app_icon())
    music = tmp / "Music"
    music.mkdir()
    make_music(music)

    def wait(cond, timeout=180.0):
        end = time.time() + timeout
        while not cond() and time.time() < end:
            app.processEvents()
            time.sleep(0.02)

    w = MainWindow(config.Settings(jobs=1, policy="keep"), data_dir=tmp / "data")
    w.resize(1280, 760)
    w.show()
    app.processEvents()
    w.grab().save(str(out / "empty.png"))

    w.add_paths([str(music)])
    wait(lambda: w.progress.maximum() > 1 and w.progress.value() >= w.progress.maximum() // 3)
    w.view.selectRow(0)
    app.processEvents()
    w.grab().save(str(out / "analysing.png"))
    wait(lambda: w.analysis is None)
    w.view.selectRow(2)
    app.processEvents()
    w.grab().save(str(out / "library.png"))
    w.details.grab().save(str(out / "details.png"))

    rows = [r for r in w.model.rows if r.target][:8]
    changes = [
        (r.track.path, r.track.genres, r.target, r.analysis.confidence if r.analysis else None)
        for r in rows
    ]
    dialog = ApplyDialog(changes, w)
    dialog.show()
    app.processEvents()
    QTimer.singleShot(0, dialog.close)
    dialog.grab().save(str(out / "apply-dialog.png"))
    w.close()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:2]))
