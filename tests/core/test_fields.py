"""core.fields: a field declared once is read from every tag family, copied by the scan,
stored by the library (also into a library made before it existed) and carried by the
journal as data."""

from __future__ import annotations

import sqlite3

import mutagen
import pytest
from mutagen.id3 import ID3, TBPM
from mutagen.mp4 import MP4

from genre_desktop.core import fields, journal, tags
from genre_desktop.core.library import Library
from genre_desktop.core.records import BatchKind
from genre_desktop.core.scan import read_track, scan
from genre_desktop.core.session import WriteSession
from tests import audiofactory


def _set_bpm(path, bpm: int) -> None:
    """Written with mutagen directly, as another tagger would."""
    f = mutagen.File(path)
    if isinstance(f, MP4):
        f.tags["tmpo"] = [bpm]
        f.save()
    elif type(f).__name__ in ("FLAC", "OggVorbis", "OggOpus"):
        f.tags["bpm"] = [str(bpm)]
        f.save()
    elif type(f).__name__ in ("WAVE", "AIFF"):
        f.tags.add(TBPM(encoding=3, text=[str(bpm)]))
        f.save()
    else:
        id3 = ID3(path)
        id3.add(TBPM(encoding=3, text=[str(bpm)]))
        id3.save(path)


@pytest.mark.parametrize("variant", ["mp3", "flac", "ogg", "m4a-aac", "wav"])
def test_bpm_is_read_from_each_tag_family_and_copied_by_the_scan(tmp_path, variant):
    path = audiofactory.write(tmp_path / "a", variant, seconds=2)
    audiofactory.set_tags(path, {"title": "T", "genre": "Rock"})
    assert tags.read(path).extra.get("bpm", 0) == 0
    _set_bpm(path, 128)
    read = tags.read(path)
    assert read.extra["bpm"] == 128 and fields.value(read, "bpm") == 128
    t = read_track(str(path))
    assert t.extra["bpm"] == 128 and t.genres == ["Rock"] and t.title == "T"


def test_the_library_stores_extra_fields_and_rereads_an_older_library(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    path = folder / "a.flac"
    audiofactory.write(path, "flac", seconds=2)
    _set_bpm(path, 90)
    db = tmp_path / "lib.sqlite3"
    with Library(db) as lib:
        scan(lib, [folder])
        [t] = lib.tracks()
        assert t.extra == {"bpm": 90}
    # a library from before the field existed: its signature differs, every file is read again
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value='\"old\"' WHERE key='fields'")
    con.execute("UPDATE tracks SET extra='{}'")
    con.commit()
    con.close()
    with Library(db) as lib:
        assert lib.tracks()[0].mtime_ns == -1  # marked for a re-read
        scan(lib, [folder])
        assert lib.tracks()[0].extra == {"bpm": 90}


def test_the_journal_records_the_field_and_refuses_a_field_the_app_does_not_write(tmp_path):
    path = tmp_path / "a.flac"
    audiofactory.write(path, "flac", seconds=2)
    with Library(tmp_path / "lib.sqlite3") as lib, WriteSession(lib, BatchKind.TAGS) as s:
        res = s.write(str(path), ["Jazz"])
        assert res.state == "written"
        [change] = lib.changes(s.finish() or 0)
        assert change.field == fields.GENRE and change.new == ["Jazz"]
        with pytest.raises(ValueError, match="does not write the 'title' field"):
            journal.apply_change(lib, change.batch_id, str(path), "T", field="title")
    assert tags.read(path).genres == ["Jazz"]
