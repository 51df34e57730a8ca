"""Tags: read every format, write the genre safely, keep everything else, never touch audio."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import mutagen
import numpy as np
import pytest
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3
from mutagen.mp4 import MP4, MP4Cover

from genre_desktop.core import audio, tags
from genre_desktop.errors import GenreDesktopError, TagWriteError
from tests import audiofactory

VARIANTS = list(audiofactory.VARIANTS)
ID3_VARIANTS = {"mp3", "wav", "aiff"}


def decoded(path):
    return audio.decode_native(path)[0]


@pytest.mark.parametrize("variant", VARIANTS)
def test_read_title_artist_album_genre_duration(music_library, variant):
    t = tags.read(music_library[variant])
    assert t.title.startswith("Song ")
    assert t.artist.startswith("Artist ")
    assert t.album == "Test Album"
    assert t.genres == ["Old Genre"]
    assert abs(t.duration - 4.0) < 0.1


@pytest.mark.parametrize("variant", VARIANTS)
def test_genre_write_keeps_audio_and_other_tags(music_library, variant):
    path = music_library[variant]
    before_audio = decoded(path)
    before_digest = audio.payload_digest(path)
    before = tags.read(path)
    tags.write_genres(path, ["Hip-Hop"])
    after = tags.read(path)
    assert after.genres == ["Hip-Hop"]
    assert (after.title, after.artist, after.album) == (before.title, before.artist, before.album)
    np.testing.assert_array_equal(decoded(path), before_audio)
    assert audio.payload_digest(path) == before_digest


@pytest.mark.parametrize("variant", VARIANTS)
def test_pictures_survive_a_genre_write(music_library, variant):
    path = music_library[variant]
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(64)
    f = mutagen.File(path)
    if variant in ID3_VARIANTS:
        f.tags.add(APIC(encoding=3, mime="image/png", type=3, desc="cover", data=png))
        f.save()
    elif variant == "flac":
        pic = Picture()
        pic.data, pic.type, pic.mime = png, 3, "image/png"
        f.add_picture(pic)
        f.save()
    elif variant.startswith("m4a"):
        f.tags["covr"] = [MP4Cover(png, imageformat=MP4Cover.FORMAT_PNG)]
        f.save()
    else:  # Ogg: base64 METADATA_BLOCK_PICTURE, as players store it
        import base64

        pic = Picture()
        pic.data, pic.type, pic.mime = png, 3, "image/png"
        f.tags["metadata_block_picture"] = [base64.b64encode(pic.write()).decode()]
        f.save()
    tags.write_genres(path, ["Jazz"])
    f = mutagen.File(path)
    if variant in ID3_VARIANTS:
        assert f.tags.getall("APIC")[0].data == png
    elif variant == "flac":
        assert FLAC(path).pictures[0].data == png
    elif variant.startswith("m4a"):
        assert bytes(MP4(path).tags["covr"][0]) == png
    else:
        assert f.tags["metadata_block_picture"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_multiple_genres_the_way_each_format_intends(music_library, variant):
    path = music_library[variant]
    tags.write_genres(path, ["Rock", "Pop"])
    assert tags.read(path).genres == ["Rock", "Pop"]
    f = mutagen.File(path)
    if variant in ID3_VARIANTS:
        assert f.tags["TCON"].text == ["Rock", "Pop"]  # v2.4: one frame, two values
        assert f.tags.version[:2] == (2, 4)
    elif variant.startswith("m4a"):
        assert f.tags["\xa9gen"] == ["Rock", "Pop"]
    else:
        assert f.tags["genre"] == ["Rock", "Pop"]  # two GENRE= fields


@pytest.mark.parametrize("variant", sorted(ID3_VARIANTS))
def test_id3v23_on_request_joins_values(music_library, variant):
    path = music_library[variant]
    tags.write_genres(path, ["Rock", "Pop"], id3_version=3)
    f = mutagen.File(path)
    raw = f.tags if variant == "mp3" else f.tags
    assert raw.version[:2] == (2, 3)
    assert tags.read(path).genres == ["Rock/Pop"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_removing_the_genre(music_library, variant):
    path = music_library[variant]
    tags.write_genres(path, [])
    t = tags.read(path)
    assert t.genres == [] and t.title.startswith("Song ")


def test_numeric_id3v1_style_genre_is_read_as_a_name(music_library):
    path = music_library["mp3"]
    id3 = ID3(path)
    id3["TCON"].text = ["(17)"]
    id3.save(path)
    assert tags.read(path).genres == ["Rock"]


def test_read_only_file_is_refused_and_unchanged(music_library):
    path = music_library["flac"]
    data = path.read_bytes()
    path.chmod(0o444)
    try:  # the check is on the permission bits (root may write anything)
        with pytest.raises(TagWriteError, match="read-only"):
            tags.write_genres(path, ["Rock"])
        assert path.read_bytes() == data
    finally:
        path.chmod(0o644)


def test_changed_since_scan_is_refused(music_library):
    path = music_library["ogg"]
    st = path.stat()
    audiofactory.set_tags(path, {"title": "edited elsewhere"})
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    data = path.read_bytes()
    with pytest.raises(TagWriteError, match="changed since"):
        tags.write_genres(path, ["Rock"], expect=(st.st_size, st.st_mtime_ns))
    assert path.read_bytes() == data


def test_vanished_file(music_library):
    path = music_library["mp3"]
    path.unlink()
    with pytest.raises(TagWriteError, match="vanished"):
        tags.write_genres(path, ["Rock"])


def test_write_keeps_permissions_and_leaves_no_temp_files(music_library):
    path = music_library["m4a-aac"]
    mode = 0o666 if sys.platform == "win32" else 0o640  # Windows: only a read-only flag
    path.chmod(mode)
    tags.write_genres(path, ["Blues"])
    assert (path.stat().st_mode & 0o777) == mode
    assert not [p for p in path.parent.iterdir() if p.name.endswith(tags.TMP_SUFFIX)]


def test_hostile_files_give_errors_not_crashes(tmp_path, music_library):
    hostile = audiofactory.make_hostile(tmp_path / "bad", good=music_library["mp3"])
    # a truncated MP3 is still MP3 (players play what is there): tagging it is allowed,
    # as long as what audio it has stays byte-identical
    cut = hostile["truncated"]
    digest = audio.payload_digest(cut)
    tags.write_genres(cut, ["Rock"])
    assert tags.read(cut).genres == ["Rock"] and audio.payload_digest(cut) == digest
    for key in ("zero", "random", "text_m4a", "id3_only", "folder_mp3", "dangling"):
        path = hostile[key]
        before = path.read_bytes() if path.is_file() else None
        with pytest.raises(GenreDesktopError) as err:
            tags.write_genres(path, ["Rock"])
        assert err.value.reason
        if before is not None:
            assert path.read_bytes() == before


_WRITER = """
import sys
from genre_desktop.core import tags
path = sys.argv[1]
i = 0
while True:
    tags.write_genres(path, ["Rock"] if i % 2 else ["Jazz", "Blues"])
    i += 1
"""


@pytest.mark.parametrize("variant", ["flac", "mp3", "m4a-aac"])
def test_killing_a_writer_at_random_moments_never_damages_the_file(music_library, variant):
    path = music_library[variant]
    reference = decoded(path)
    digest = audio.payload_digest(path)
    rng = np.random.default_rng(7)
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], cwd=os.getcwd())
        time.sleep(float(rng.uniform(0.6, 1.4)))
        proc.kill()  # portable: SIGKILL on POSIX, TerminateProcess on Windows
        proc.wait()
        assert tags.read(path).genres in (["Rock"], ["Jazz", "Blues"], ["Old Genre"])
        assert audio.payload_digest(path) == digest
    np.testing.assert_array_equal(decoded(path), reference)
    # the next write cleans up temp copies a killed writer left behind
    tags.write_genres(path, ["Pop"])
    assert not [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.")]


@pytest.mark.parametrize("variant", VARIANTS)
def test_truncated_files_are_refused_or_tagged_without_touching_their_audio(
    tmp_path, music_library, variant
):
    data = music_library[variant].read_bytes()
    path = tmp_path / ("cut" + music_library[variant].suffix)
    path.write_bytes(data[: int(len(data) * 0.5)])
    try:
        digest = audio.payload_digest(path)
    except GenreDesktopError:
        digest = None
    before = path.read_bytes()
    try:
        tags.write_genres(path, ["Rock"])
    except GenreDesktopError as exc:
        assert exc.reason and path.read_bytes() == before
    else:
        assert digest is not None and audio.payload_digest(path) == digest
