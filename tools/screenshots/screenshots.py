"""`make screenshots` (`python -m tools.screenshots.screenshots docs/screenshots` from the
repository root): PNGs of the empty window, a library mid-analysis, the details panel
and the apply dialog, rendered offscreen from the real app on generated music files."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# title, artist, album, style of the generated music (tools/screenshots/demo_music.py)
SONGS = [
    ("Fugue in Glass", "Aurora Strings", "Nocturnes", "classical"),
    ("Winter Adagio", "Aurora Strings", "Nocturnes", "classical"),
    ("Concrete Bloom", "K-Sera", "Street Psalms", "hiphop"),
    ("Corner Store", "K-Sera", "Street Psalms", "hiphop"),
    ("Open Highway", "Wade & the Hollow", "Dust", "rock"),
    ("Gravel Heart", "Wade & the Hollow", "Dust", "rock"),
    ("Dancefloor Saints", "Starlight 77", "Mirrorball", "disco"),
    ("Blue Smoke", "Dexter Quartet", "Late Set", "jazz"),
    ("Iron Tide", "Grave Harbor", "Undertow", "metal"),
    ("Island Time", "Roots Collective", "One Love Road", "reggae"),
    ("Slow River", "Mae Holloway", "Delta Nights", "blues"),
    ("Summer Static", "Lila Moon", "Postcards", "pop"),
]


def make_music(folder: Path, copies: int = 2) -> None:
    """Album folders of genre-like generated songs in four formats, some with a genre."""
    import soundfile as sf

    # a developer tool beside the package, not in it: the repository's test factory tags
    # the files (an installed wheel has neither)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests import audiofactory
    from tools.screenshots.demo_music import SR, song

    variants = {"mp3": ("MP3", None), "flac": ("FLAC", "PCM_16"), "ogg": ("OGG", "VORBIS")}
    for c in range(copies):
        for i, (title, artist, album, style) in enumerate(SONGS):
            ext = list(variants)[(i + c) % len(variants)]
            title = title if c == 0 else f"{title} (Reprise)"
            album_dir = folder / artist / album
            album_dir.mkdir(parents=True, exist_ok=True)
            number = 1 + (i % 2) + 2 * c
            path = album_dir / f"{number:02d} - {title}.{ext}"
            fmt, subtype = variants[ext]
            sf.write(path, song(style, 20.0, seed=i * 7 + c), SR, format=fmt, subtype=subtype)
            tags = {"title": title, "artist": artist, "album": album}
            if i % 4 == 0:
                tags["genre"] = "Rock"
            audiofactory.set_tags(path, tags)


def main(out_dir: str = "docs/screenshots") -> int:
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from genre_desktop import config
    from genre_desktop.ui.dialogs import ApplyDialog
    from genre_desktop.ui.mainwindow import MainWindow, app_icon

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="gd-shots-"))
    if sys.platform.startswith("linux"):
        # the preview as a person sees it, with an audio output: ALSA's null device (a
        # private HOME whose .asoundrc makes it the default, before PortAudio loads)
        (tmp / ".asoundrc").write_text(
            "pcm.!default { type null }\nctl.!default { type hw card 0 }\n"
        )
        os.environ["HOME"] = str(tmp)
    os.environ["GENRE_DESKTOP_CONFIG_DIR"] = str(tmp / "config")
    QCoreApplication.setOrganizationName("genre-desktop-screenshots")
    app = QApplication.instance() or QApplication(sys.argv)
    # a fresh config folder: the default layout, not the last run's window state
    app.setWindowIcon(app_icon())
    music = tmp / "Music"
    music.mkdir()
    make_music(music)

    def wait(cond, timeout=180.0):
        end = time.time() + timeout
        while not cond() and time.time() < end:
            app.processEvents()
            time.sleep(0.02)

    w = MainWindow(config.Settings(jobs=1), data_dir=tmp / "data")
    w.resize(1200, 720)  # the default size: what a person sees first
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
    changes = w.model.plan.writes(r.track.id for r in rows)
    kept = [(r.track.path, r.plan()) for r in w.model.rows if not r.target][:6]
    dialog = ApplyDialog(changes, w, kept=kept)
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
