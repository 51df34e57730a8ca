"""Playlists: the similar songs of a track saved as an extended M3U8 file."""

from __future__ import annotations

import os
from pathlib import Path

from genre_desktop.core.records import Track


def write_playlist(path: Path, tracks: list[Track]) -> None:
    """An extended M3U8 playlist: `#EXTINF:seconds,Artist - Title` before each entry;
    paths relative to the playlist's folder where it is near, absolute otherwise."""
    base = path.parent
    lines = ["#EXTM3U"]
    for t in tracks:
        try:
            rel = os.path.relpath(t.path, base)
            entry = t.path if rel.startswith("..") and rel.count("..") > 3 else rel
        except ValueError:  # another drive on Windows
            entry = t.path
        name = f"{t.artist} - {t.display_title}" if t.artist else t.display_title
        lines.append(f"#EXTINF:{int(round(t.duration)) if t.duration else -1},{name}")
        lines.append(entry.replace(os.sep, "/") if not os.path.isabs(entry) else entry)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
