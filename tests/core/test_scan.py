"""Scanning folders into the library."""

from __future__ import annotations

import os
import shutil

from genre_desktop.core.library import Library
from genre_desktop.core.scan import Progress, scan, walk
from tests import audiofactory


def lib(tmp_path) -> Library:
    return Library(tmp_path / "db" / "lib.sqlite3")


def test_scan_finds_every_format_recursively_with_tags(tmp_path, music_library):
    root = next(iter(music_library.values())).parent
    sub = root / "deeper" / "still"
    sub.mkdir(parents=True)
    shutil.copy(music_library["flac"], sub / "copy.flac")
    library = lib(tmp_path)
    result = scan(library, [root])
    assert len(result.added) == 9 and not result.errors
    t = library.track(str(sub / "copy.flac"))
    assert (
        t is not None
        and t.title == "Song flac"
        and t.genres == ["Old Genre"]
        and t.format == "flac"
    )


def test_audio_is_recognised_by_content(tmp_path, music_library):
    root = tmp_path / "odd"
    root.mkdir()
    shutil.copy(music_library["flac"], root / "no_extension")
    shutil.copy(music_library["flac"], root / "flac.mp3")
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 100)
    (root / "readme.dat").write_text("hello")
    library = lib(tmp_path)
    result = scan(library, [root])
    assert sorted(os.path.basename(p) for p in result.added) == ["flac.mp3", "no_extension"]
    assert library.track(str(root / "flac.mp3")).format == "flac"


def test_unchanged_files_are_skipped_and_changes_noticed(tmp_path, music_library):
    root = music_library["flac"].parent
    library = lib(tmp_path)
    scan(library, [root])
    again = scan(library, [root])
    assert again.unchanged == 8 and not again.added and not again.updated
    audiofactory.set_tags(music_library["ogg"], {"genre": "Changed"})
    music_library["mp3"].unlink()
    third = scan(library, [root])
    assert third.updated == [str(music_library["ogg"])]
    assert third.removed == [str(music_library["mp3"])]
    assert library.track(str(music_library["ogg"])).genres == ["Changed"]


def test_a_renamed_file_keeps_its_track(tmp_path, music_library):
    root = music_library["flac"].parent
    library = lib(tmp_path)
    scan(library, [root])
    old = library.track(str(music_library["wav"]))
    new_path = root / "renamed.wav"
    os.rename(music_library["wav"], new_path)
    result = scan(library, [root])
    assert result.renamed == [(str(music_library["wav"]), str(new_path))]
    assert library.track(str(new_path)).id == old.id


def test_hostile_folder_is_reported_file_by_file(tmp_path, music_library):
    bad = tmp_path / "bad"
    hostile = audiofactory.make_hostile(bad, good=music_library["ogg"])
    shutil.copy(music_library["flac"], bad / "good.flac")
    library = lib(tmp_path)
    result = scan(library, [bad])  # the symlink loop must not hang this
    errors = dict(result.errors)
    assert str(hostile["dangling"]) in errors
    for key in ("zero", "random", "text_m4a", "id3_only"):
        assert str(hostile[key]) in errors, key
        assert errors[str(hostile[key])]
    good = library.track(str(bad / "good.flac"))
    assert good is not None and good.error is None
    assert library.track(str(hostile["zero"])).error


def test_symlinked_folders_are_followed_once(tmp_path, music_library):
    root = tmp_path / "links"
    root.mkdir()
    os.symlink(music_library["flac"].parent, root / "a")
    os.symlink(music_library["flac"].parent, root / "b")
    os.symlink(root, root / "a_loop")
    files = list(walk([root]))
    assert len(files) == 8


def test_progress_and_cancel(tmp_path, music_library):
    root = music_library["flac"].parent
    for i in range(120):
        shutil.copy(music_library["flac"], root / f"copy{i}.flac")
    seen = []
    result = scan(lib(tmp_path), [root], Progress(on_progress=lambda d, t, p: seen.append((d, t))))
    assert seen[-1] == (128, 128) and len(result.added) == 128
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 20

    result = scan(lib(tmp_path / "other"), [root], Progress(is_cancelled=cancel))
    assert result.cancelled and len(result.added) < 128
