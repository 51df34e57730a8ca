"""One library row per file however its path is spelled: case-insensitive keys (Windows,
macOS), NFC/NFD names (macOS), a mapped drive and its UNC path (Windows), and a case-only
rename that leaves no old row. The other systems' rules are simulated here through
core.pathkey's PLATFORM seam on real files in a real library."""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata

import numpy as np
import pytest

from genre_desktop.core import pathkey, scan
from genre_desktop.core.library import Analysis, Library


def test_windows_keys_ignore_case_and_slashes():
    assert pathkey.key(r"C:\Music\Song.MP3", "win32") == pathkey.key("c:/music/song.mp3", "win32")
    assert pathkey.key(r"C:\Music\a.mp3", "win32") != pathkey.key(r"C:\Music\b.mp3", "win32")


def test_windows_keys_resolve_a_mapped_drive_to_its_unc_path():
    drives = {"z:": r"\\NAS\Music"}
    mapped = pathkey.key(r"Z:\Rock\a.flac", "win32", drive_map=drives.get)
    assert mapped == pathkey.key(r"\\nas\music\rock\A.flac", "win32", drive_map=drives.get)
    assert pathkey.key(r"C:\Rock\a.flac", "win32", drive_map=drives.get).startswith("c:")


def test_macos_keys_are_nfc_and_case_insensitive():
    nfd = unicodedata.normalize("NFD", "/Users/me/Música/Beyoncé.m4a")
    nfc = unicodedata.normalize("NFC", "/Users/me/música/beyoncé.M4A")
    assert nfd != nfc
    assert pathkey.key(nfd, "darwin") == pathkey.key(nfc, "darwin")


def test_linux_keys_are_the_path_itself():
    assert pathkey.key("/m/Song.flac", "linux") == "/m/Song.flac"
    assert pathkey.key("/m/Song.flac", "linux") != pathkey.key("/m/song.flac", "linux")


def test_is_under_by_key():
    assert pathkey.is_under(r"c:\music\rock\a.mp3", r"C:\Music", "win32")
    assert not pathkey.is_under(r"C:\Musical\a.mp3", r"C:\Music", "win32")
    assert pathkey.is_under("/Music/Ba\u0301/a.mp3", "/music/bá", "darwin")


REAL_INSENSITIVE = sys.platform in ("win32", "darwin")


@pytest.fixture
def darwin(monkeypatch):
    """A case-insensitive system's rules for the library's keys: macOS's simulated on
    Linux (case-insensitive, NFC == NFD), the real ones on Windows and macOS."""
    monkeypatch.setattr(pathkey, "PLATFORM", sys.platform if REAL_INSENSITIVE else "darwin")


def _folder(music_library, name: str):
    folder = next(iter(music_library.values())).parent
    target = folder.with_name(name)
    folder.rename(target)
    return target


def test_a_folder_typed_in_another_case_is_the_same_tracks(tmp_path, music_library, darwin):
    folder = _folder(music_library, "Music")
    # the same folder reached by a second spelling, as a case-insensitive disk allows
    if not os.path.exists(tmp_path / "music"):  # a case-insensitive disk has it already
        os.symlink(folder, tmp_path / "music")
    lib = Library(tmp_path / "lib.sqlite3")
    first = scan.scan(lib, [folder])
    n = lib.track_count()
    assert len(first.added) == n == 8
    again = scan.scan(lib, [tmp_path / "music"])
    assert lib.track_count() == n, "a second spelling became duplicate rows"
    assert again.added == [] and again.removed == [] and again.unchanged == n
    assert all(t.path.startswith(str(folder)) for t in lib.tracks())  # the stored spelling


def test_nfc_and_nfd_names_are_one_folder(tmp_path, music_library, darwin):
    nfd = unicodedata.normalize("NFD", "Música")
    folder = _folder(music_library, nfd)
    lib = Library(tmp_path / "lib.sqlite3")
    scan.scan(lib, [folder])
    n = lib.track_count()
    typed = tmp_path / unicodedata.normalize("NFC", "Música")  # as typed or pasted
    again = scan.scan(lib, [typed])
    assert again.errors == [] and again.unchanged == n == lib.track_count()


def test_a_case_only_rename_moves_the_row_and_keeps_its_analysis(tmp_path, music_library, darwin):
    path = music_library["flac"]
    lib = Library(tmp_path / "lib.sqlite3")
    scan.scan(lib, [path.parent])
    n = lib.track_count()
    before = lib.track(str(path))
    assert before is not None
    lib.save_analysis(
        before.id, Analysis("v1", "rock", 0.9, {"rock": 0.9}, [], np.zeros(4, np.float32), 1)
    )
    renamed = path.with_name(path.name.upper())
    path.rename(renamed)
    # a case-insensitive disk still answers to the old spelling (the bug: the old row was
    # never 'gone'); a second link to the same file under that name says so here
    if not os.path.exists(path):  # Windows and macOS: the disk itself answers to it
        os.link(renamed, path)
    result = scan.scan(lib, [path.parent])
    assert lib.track_count() == n, "the case-only rename left the old row"
    assert lib.track(str(path)) is None
    moved = lib.track(str(renamed))
    assert moved is not None and moved.id == before.id
    assert lib.analysis(moved.id, "v1") is not None
    assert (str(path), str(renamed)) in result.renamed


@pytest.mark.skipif(
    REAL_INSENSITIVE, reason="a case-insensitive disk: the two spellings are one file here"
)
def test_on_linux_two_spellings_stay_two_files(tmp_path, music_library, monkeypatch):
    monkeypatch.setattr(pathkey, "PLATFORM", "linux")
    path = music_library["flac"]
    shutil.copy(path, path.with_name(path.name.upper()))
    lib = Library(tmp_path / "lib.sqlite3")
    scan.scan(lib, [path.parent])
    assert lib.track_count() == 9
