"""Playlists (core/playlist.py): extended M3U8 that players read, paths relative to the
playlist where the music is near, absolute where it is far."""

from __future__ import annotations

from genre_desktop.core.playlist import write_playlist
from genre_desktop.core.records import Track


def test_near_files_are_relative_far_ones_absolute_and_names_and_lengths_are_given(tmp_path):
    lists = tmp_path / "a" / "b" / "c" / "d" / "e"
    lists.mkdir(parents=True)
    near = Track(
        1, str(lists / "Album" / "01 Song.flac"), 1, 1, duration=200.6, title="Song", artist="Band"
    )
    up = Track(2, str(tmp_path / "a" / "b" / "x.ogg"), 1, 1, duration=59.4)  # 3 levels up: relative
    far = Track(3, str(tmp_path / "a" / "other.mp3"), 1, 1)  # 4 levels up: absolute
    out = lists / "Like Song.m3u8"
    write_playlist(out, [near, up, far])
    raw = out.read_bytes()
    assert raw.decode("utf-8").endswith("\n") and b"\r" not in raw
    assert out.read_text(encoding="utf-8").splitlines() == [
        "#EXTM3U",
        "#EXTINF:201,Band - Song",
        "Album/01 Song.flac",
        "#EXTINF:59,x",
        "../../../x.ogg",
        "#EXTINF:-1,other",
        str(tmp_path / "a" / "other.mp3"),
    ]


def test_names_outside_ascii_are_written_as_utf8(tmp_path):
    t = Track(
        1, str(tmp_path / "Björk – Jóga.flac"), 1, 1, duration=1.0, title="Jóga", artist="Björk"
    )
    write_playlist(tmp_path / "l.m3u8", [t])
    assert "#EXTINF:1,Björk - Jóga\nBjörk – Jóga.flac\n" in (
        tmp_path / "l.m3u8"
    ).read_bytes().decode("utf-8")
