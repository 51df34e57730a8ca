"""One format table (core/formats.py): the decoder, the tag code, the file dialog, the
packaging spec, the .desktop file and the bundle's FFmpeg all agree with it."""

from __future__ import annotations

import re
from pathlib import Path

from genre_desktop.core import audio, formats, tags
from tests import audiofactory

ROOT = Path(__file__).resolve().parents[2]


def test_every_format_is_read_tagged_and_offered():
    names = {f.name for f in formats.FORMATS}
    assert set(audio.FORMAT_NAMES) == names
    assert {fmt for fmt, _ in tags.KINDS.values()} == names  # a mutagen type for each
    for f in formats.FORMATS:
        fmt, family = next(v for v in tags.KINDS.values() if v[0] == f.name)
        assert family.name == f.family
        for ext in f.extensions:
            assert audio.EXTENSIONS[ext] == f.name
            assert f"*{ext}" in formats.dialog_filter()


def test_files_of_every_extension_family_are_recognised(tmp_path):
    """The format a real file is sniffed as is the one its extension declares."""
    for variant, (ext, _, _) in audiofactory.VARIANTS.items():
        path = audiofactory.write(tmp_path / variant, variant, seconds=1.0)
        assert audio.sniff_file(path) == audio.EXTENSIONS[ext], variant
        assert tags.read(path).format == audio.EXTENSIONS[ext], variant


def test_the_desktop_file_and_the_bundle_follow_the_table():
    desktop = (ROOT / "packaging" / "linux" / "genre-desktop.desktop").read_text()
    mime = set(re.search(r"^MimeType=(.*)$", desktop, re.M).group(1).strip(";").split(";"))
    declared = {m for f in formats.FORMATS for m in f.mime_types}
    assert mime - {"inode/directory"} == declared
    build = (ROOT / "packaging" / "ffmpeg" / "build.sh").read_text()
    demuxers = set(re.search(r"^DEMUXERS=(\S+)", build, re.M).group(1).split(","))
    assert {f.demuxer for f in formats.FORMATS} <= demuxers
    spec = (ROOT / "packaging" / "genre_desktop.spec").read_text()
    assert "from genre_desktop.core.formats import" in spec  # extensions and UTIs from it
