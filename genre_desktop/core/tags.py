"""Read and write tags with mutagen, one field table for every format, and a crash-safe
write of any writable field (core.fields: the genres, BPM) that never touches the audio.

`write(path, field, value)` is the one write: each tag family stores a field its own way
(`TagFamily.set`, as mediafile's StorageStyle per family) and says how it reads back
(`TagFamily.expected`); a field's value is what reading it gives (genres: a list of
strings; BPM: a whole number, 0 = none, so writing 0 removes it).

The write: copy the file beside itself, change the copy's tags, flush it, verify it (tags
read back, audio packets byte-identical), then atomically rename it over the original.
A kill at any moment leaves the old file or the new one, never a half-written one.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mutagen
from mutagen.aiff import AIFF
from mutagen.flac import FLAC
from mutagen.id3 import ID3, TCON, Frames
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from genre_desktop.core import atomic, audio, fields, formats
from genre_desktop.errors import DecodeError, TagReadError, TagWriteError, UnsupportedFormatError

# ID3v2.3 has no multi-value text frames: values are joined with this (Picard's default).
ID3V23_SEPARATOR = "/"
TMP_SUFFIX = ".gdtmp"


def _number(text: str) -> int:
    """'3', '3/12', '03' -> 3; '120.4' -> 120 (a BPM some taggers write with decimals);
    anything else -> 0."""
    head = str(text).split("/")[0].strip()
    if head.isdigit():
        return int(head)
    try:
        return max(0, int(round(float(head))))
    except (ValueError, OverflowError):
        return 0


def _texts(f: fields.Field, value: Any) -> list[str]:
    """A field's value as the text values a tag holds ([] = the field is removed)."""
    if f.kind == fields.Kind.LIST:
        return [str(v) for v in value if str(v)]
    if f.kind == fields.Kind.NUMBER:
        n = int(round(float(value or 0)))
        return [str(n)] if n > 0 else []
    if f.kind == fields.Kind.FLAG:
        return ["1"] if value else []
    return [str(value)] if value else []


class TagFamily:
    """One way of storing tags (as Picard's formats/ and mediafile's StorageStyles): the
    keys of every field we read or write, how a field is set and saved, and how a written
    value reads back."""

    name = ""

    @functools.cached_property
    def keys(self) -> dict[str, str]:
        """Field name -> this family's key, from the one table (core.fields)."""
        return {f.name: f.keys[self.name] for f in fields.FIELDS if self.name in f.keys}

    def value(self, tags: Any, f: fields.Field) -> Any:
        """A field's value as its kind says (core.fields.Kind)."""
        if self.name not in f.keys:
            return f.empty()
        if f.kind == fields.Kind.NUMBER:
            return self.number(tags, f.name)
        if f.kind == fields.Kind.FLAG:
            return self.flag(tags, f.name)
        found = self.text(tags, f.name)
        if f.kind == fields.Kind.LIST:
            return found
        if f.kind == fields.Kind.YEAR:
            return (found or [""])[0][:4]
        return "; ".join(found)

    def text(self, tags: Any, field: str) -> list[str]:
        raise NotImplementedError

    def number(self, tags: Any, field: str) -> int:
        values = self.text(tags, field)
        return _number(values[0]) if values else 0

    def flag(self, tags: Any, field: str) -> bool:
        values = self.text(tags, field)
        return bool(values) and values[0].strip().lower() in ("1", "true", "yes")

    def set(self, tags: Any, field: str, value: Any) -> None:
        """Replace a field's value (an empty value removes the field)."""
        key = self.keys[field]
        if key in tags:
            del tags[key]
        texts = _texts(fields.BY_NAME[field], value)
        if texts:
            tags[key] = texts

    def save(self, f: mutagen.FileType, path: str, id3_version: int) -> None:
        f.save(path)

    def expected(self, field: str, value: Any, id3_version: int) -> Any:
        """How `value` reads back after a write of `field` (as `value()` reads it)."""
        f = fields.BY_NAME[field]
        texts = _texts(f, value)
        if f.kind == fields.Kind.LIST:
            return texts
        if f.kind == fields.Kind.NUMBER:
            return _number(texts[0]) if texts else 0
        if f.kind == fields.Kind.FLAG:
            return bool(texts)
        if f.kind == fields.Kind.YEAR:
            return (texts or [""])[0][:4]
        return "; ".join(texts)


class ID3Tags(TagFamily):
    name = "id3"

    def text(self, tags: Any, field: str) -> list[str]:
        frame = tags.get(self.keys[field])
        if frame is None:
            return []
        if field == "genres" and isinstance(frame, TCON):
            return [g for g in frame.genres if g]  # resolves ID3v1 numeric '(17)' style
        return [str(t) for t in frame.text if str(t)]

    def set(self, tags: Any, field: str, value: Any) -> None:
        key = self.keys[field]
        tags.delall(key)
        texts = _texts(fields.BY_NAME[field], value)
        if texts:
            # v2.4 keeps a list (null-separated); v2.3 save joins with ID3V23_SEPARATOR
            tags.add(Frames[key](encoding=3, text=texts))

    def save(self, f: mutagen.FileType, path: str, id3_version: int) -> None:
        kwargs: dict[str, Any] = {"v2_version": id3_version}
        if id3_version == 3:
            kwargs["v23_sep"] = ID3V23_SEPARATOR
        if isinstance(f, MP3):
            id3: Any = f.tags
            id3.save(path, v1=1, **kwargs)  # an ID3v1 tag, if present, is kept in step
        else:
            f.save(path, **kwargs)

    def expected(self, field: str, value: Any, id3_version: int) -> Any:
        want = super().expected(field, value, id3_version)
        if isinstance(want, list) and id3_version == 3 and len(want) > 1:
            return [ID3V23_SEPARATOR.join(want)]  # v2.3 has no multi-value frames
        return want


class VorbisTags(TagFamily):
    name = "vorbis"

    def text(self, tags: Any, field: str) -> list[str]:
        return [v for v in tags.get(self.keys[field], []) if v]


class MP4Tags(TagFamily):
    name = "mp4"

    def text(self, tags: Any, field: str) -> list[str]:
        raw = tags.get(self.keys[field], [])
        if field in ("track_number", "disc_number"):
            return [str(v[0]) for v in raw if isinstance(v, tuple) and v and v[0]]
        if field == "compilation":
            return ["1"] if raw is True or (isinstance(raw, list) and any(raw)) else []
        values = [str(v) for v in raw if v]
        if field == "genres" and not values and "gnre" in tags:  # numeric iTunes genre
            values = [g for g in TCON(text=[f"({int(tags['gnre'][0]) - 1})"]).genres if g]
        return values

    def set(self, tags: Any, field: str, value: Any) -> None:
        key = self.keys[field]
        stale = ("gnre",) if field == fields.GENRE else ()  # no stale numeric iTunes genre
        for k in (key, *stale):
            if k in tags:
                del tags[k]
        f = fields.BY_NAME[field]
        texts = _texts(f, value)
        if not texts:
            return
        if key in ("trkn", "disk"):
            tags[key] = [(_number(texts[0]), 0)]
        elif f.kind == fields.Kind.NUMBER:  # tmpo: an integer atom
            tags[key] = [_number(texts[0])]
        elif f.kind == fields.Kind.FLAG:
            tags[key] = True
        else:
            tags[key] = texts


FAMILIES: dict[str, TagFamily] = {fam.name: fam for fam in (ID3Tags(), VorbisTags(), MP4Tags())}

# mutagen type (sniffed from the content) -> (our format name, its tag family); the family
# of each format is declared in core/formats.py
_MUTAGEN_TYPES: dict[type, str] = {
    MP3: "mp3",
    WAVE: "wav",
    AIFF: "aiff",
    FLAC: "flac",
    OggVorbis: "ogg",
    OggOpus: "opus",
    MP4: "m4a",
}
KINDS: dict[type, tuple[str, TagFamily]] = {
    cls: (name, FAMILIES[formats.BY_NAME[name].family]) for cls, name in _MUTAGEN_TYPES.items()
}

BY_FORMAT: dict[str, type] = {fmt: cls for cls, (fmt, _) in KINDS.items()}


@dataclass
class TrackTags:
    """What a file says about itself."""

    format: str
    title: str = ""
    artist: str = ""
    album: str = ""
    genres: list[str] = field(default_factory=list)
    duration: float = 0.0
    sample_rate: int = 0
    channels: int = 0
    codec: str = ""
    album_artist: str = ""
    track_number: int = 0
    disc_number: int = 0
    year: str = ""
    compilation: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # fields not named above (core.fields)

    @property
    def genre(self) -> str:
        """Genres joined for display ('' when none)."""
        return "; ".join(self.genres)


def _open(path: str | os.PathLike[str]) -> mutagen.FileType:
    p = Path(path)
    try:
        if p.is_dir():
            raise TagReadError("is a folder, not an audio file", p)
        if p.stat().st_size == 0:
            raise TagReadError("empty file (0 bytes)", p)
        fmt = audio.sniff_file(p)
        if fmt is None:
            raise UnsupportedFormatError(audio.unknown_reason(p), p)
        # the content decides the tag format, never the extension (a FLAC named .mp3
        # must get Vorbis comments, not an ID3 tag)
        f = BY_FORMAT[fmt](p)
    except (TagReadError, UnsupportedFormatError):
        raise
    except FileNotFoundError as exc:
        raise TagReadError("file not found (moved or deleted?)", p) from exc
    except PermissionError as exc:
        raise TagReadError("permission denied", p) from exc
    except (mutagen.MutagenError, OSError, ValueError, EOFError) as exc:
        reason = str(exc) or type(exc).__name__
        raise TagReadError(f"not a readable audio file ({reason})", p) from exc
    if type(f) not in KINDS:
        raise UnsupportedFormatError(f"unsupported format ({type(f).__name__})", p)
    return f


def _family(f: mutagen.FileType) -> TagFamily:
    return KINDS[type(f)][1]


def _id3(f: mutagen.FileType) -> ID3 | None:
    tags = f.tags
    return tags if isinstance(tags, ID3) else None


def read(path: str | os.PathLike[str]) -> TrackTags:
    """Title, artist, album, genres and stream info of any supported file."""
    f = _open(path)
    fmt = KINDS[type(f)][0]
    info = f.info
    codec = ""
    if fmt == "m4a":
        codec = "ALAC" if "alac" in str(getattr(info, "codec", "")).lower() else "AAC"
    fam = _family(f)
    t: Any = f.tags if f.tags is not None else {}
    own, extra = fields.split(
        {f.name: fam.value(t, f) for f in fields.FIELDS}, set(TrackTags.__dataclass_fields__)
    )
    tags = TrackTags(
        format=fmt,
        duration=float(getattr(info, "length", 0.0) or 0.0),
        sample_rate=int(getattr(info, "sample_rate", 0) or 0),
        channels=int(getattr(info, "channels", 0) or 0),
        codec=codec,
        extra=extra,
        **own,
    )
    if tags.duration <= 0:
        raise TagReadError("no audio in file (length 0)", path)
    return tags


def _stat_sig(st: os.stat_result) -> tuple[int, int]:
    return st.st_size, st.st_mtime_ns


def remove_stale_temps(path: Path) -> None:
    """Temp copies left by a write that was killed before its rename."""
    for stale in path.parent.glob(f".{path.name}.*{TMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()


def write(
    path: str | os.PathLike[str],
    field: str,
    value: Any,
    *,
    expect: tuple[int, int] | None = None,
    id3_version: int = 4,
    before: TrackTags | None = None,
) -> tuple[int, int]:
    """Replace one writable field of the file (core.fields) with `value` (an empty value
    removes it). Everything else in the file stays as it was. `expect` = (size, mtime_ns)
    seen at scan time: a file changed since is refused. `before`: the file's tags as the
    caller just read them (the journal does), so they are not read again. Returns the new
    (size, mtime_ns). Raises TagWriteError, file unchanged; ValueError for a field the app
    does not write.
    """
    writable(field)
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError as exc:
        raise TagWriteError("file has vanished (moved or deleted since it was scanned)", p) from exc
    except OSError as exc:
        raise TagWriteError(f"cannot access file: {exc.strerror or exc}", p) from exc
    if stat.S_ISDIR(st.st_mode):
        raise TagWriteError("is a folder, not an audio file", p)
    if expect is not None and _stat_sig(st) != tuple(expect):
        raise TagWriteError("file changed since it was scanned; scan again before writing", p)
    if not os.access(p, os.W_OK) or not (st.st_mode & stat.S_IWUSR):
        raise TagWriteError("file is read-only", p)
    if not os.access(p.parent, os.W_OK):
        raise TagWriteError(
            "folder is read-only (a safe write needs a temporary copy beside the file)", p
        )

    try:
        before_tags = before if before is not None else read(p)
        before_audio = audio.payload_digest(p)
    except (TagReadError, UnsupportedFormatError, DecodeError) as exc:
        raise TagWriteError(f"cannot write tags: {exc.reason}", p) from exc

    remove_stale_temps(p)
    tmp: Path | None = None
    try:
        # inside the try: on Windows os.access says yes to a read-only folder, and a path
        # near 260 characters fails only here (core.atomic says which, per file)
        tmp = atomic.make_temp(p, TMP_SUFFIX)
        atomic.copy_file(p, tmp)  # with xattrs / Finder tags / alternate data streams
        f = _open(tmp)
        if f.tags is None:
            f.add_tags()
        fam = _family(f)
        fam.set(f.tags, field, value)
        fam.save(f, str(tmp), id3_version)
        atomic.sync_file(tmp)  # F_FULLFSYNC on macOS
        _verify(tmp, p, before_tags, before_audio, field, value, id3_version)
        if _stat_sig(p.stat()) != _stat_sig(st):
            raise TagWriteError("file changed by another program during the write", p)
        atomic.replace(tmp, p)  # retried while Windows reports the file in use
        atomic.sync_dir(p.parent)
    except TagWriteError:
        atomic.discard(tmp)
        raise
    except PermissionError as exc:
        atomic.discard(tmp)
        raise TagWriteError("file is locked or in use by another program", p) from exc
    except (
        OSError,
        mutagen.MutagenError,
        TagReadError,
        UnsupportedFormatError,
        DecodeError,
    ) as exc:
        atomic.discard(tmp)
        raise TagWriteError(f"write failed: {exc}", p) from exc
    except BaseException:
        atomic.discard(tmp)
        raise
    return _stat_sig(p.stat())


def write_genres(
    path: str | os.PathLike[str],
    genres: list[str],
    *,
    expect: tuple[int, int] | None = None,
    id3_version: int = 4,
) -> tuple[int, int]:
    """`write(path, "genres", genres)`: replace the file's genre(s) ([] removes them)."""
    return write(path, fields.GENRE, genres, expect=expect, id3_version=id3_version)


def family_of(fmt: str) -> TagFamily:
    """The tag family of one of our format names ('mp3', 'flac', ...)."""
    return next(fam for f, fam in KINDS.values() if f == fmt)


def writable(field_name: str) -> fields.Field:
    """The declaration of a field the app writes; ValueError for any other."""
    f = fields.BY_NAME.get(field_name)
    if f is None or not f.writable or any(fam not in f.keys for fam in FAMILIES):
        raise ValueError(f"the app does not write the {field_name!r} field")
    return f


def expected(field_name: str, value: Any, fam: TagFamily, id3_version: int) -> Any:
    """How `value` of a field reads back after a write (ID3v2.3 holds one joined value)."""
    return fam.expected(field_name, value, id3_version)


def reads_as_written(now: Any, values: Any, fam: TagFamily, field_name: str = fields.GENRE) -> bool:
    """Whether a file's field reads as a write of `values` leaves it, in either ID3 version."""
    return now in (fam.expected(field_name, values, 4), fam.expected(field_name, values, 3))


def _verify(
    tmp: Path,
    original: Path,
    before: TrackTags,
    before_audio: str,
    field_name: str,
    value: Any,
    id3_version: int,
) -> None:
    after = read(tmp)
    fam = family_of(after.format)
    want = fam.expected(field_name, value, id3_version)
    got = fields.value(after, field_name)
    if got != want:
        what = fields.BY_NAME[field_name].word
        raise TagWriteError(
            f"verification failed: {what} reads back as {got!r}, not {want!r}", original
        )
    for name in ("title", "artist", "album"):
        if name != field_name and getattr(after, name) != getattr(before, name):
            raise TagWriteError(f"verification failed: {name} changed", original)
    # writing another field leaves the genre as it was (an ID3v2.3 save joins a list)
    if field_name != fields.GENRE and not reads_as_written(
        after.genres, before.genres, fam, fields.GENRE
    ):
        raise TagWriteError("verification failed: genre changed", original)
    if audio.payload_digest(tmp) != before_audio:
        raise TagWriteError("verification failed: the audio data would change", original)
