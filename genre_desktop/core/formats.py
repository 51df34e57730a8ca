"""The audio formats Genre Desktop reads and tags, declared once (as Picard's format
registry): the decoder's extensions, the tag family, the file dialog's filter, the desktop
file's MIME types, the macOS bundle's document types and the bundle FFmpeg's demuxers all
follow from this table or are tested against it.

Adding a format: a row here, its mutagen type in `tags.KINDS`, its demuxer in
packaging/ffmpeg/build.sh (a test holds the three together).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # what the code calls it ("m4a")
    display: str  # what a person reads ("M4A")
    extensions: tuple[str, ...]  # lower case, with the dot; the first is the usual one
    family: str  # the tag family that stores its genre: "id3", "vorbis" or "mp4"
    mime_types: tuple[str, ...]  # for the Linux .desktop file
    uti: str  # macOS uniform type identifier (the bundle's document types)
    demuxer: str  # FFmpeg's demuxer (the bundle builds only these)


FORMATS: tuple[Format, ...] = (
    Format("mp3", "MP3", (".mp3",), "id3", ("audio/mpeg",), "public.mp3", "mp3"),
    Format("flac", "FLAC", (".flac",), "vorbis", ("audio/flac",), "org.xiph.flac", "flac"),
    Format("ogg", "Ogg Vorbis", (".ogg", ".oga"), "vorbis", ("audio/ogg",), "public.ogg-audio", "ogg"),
    Format("opus", "Opus", (".opus",), "vorbis", ("audio/opus",), "public.ogg-audio", "ogg"),
    Format(
        "m4a", "M4A", (".m4a", ".mp4", ".aac", ".alac"), "mp4", ("audio/mp4", "audio/x-m4a"),
        "public.mpeg-4-audio", "mov",
    ),
    Format(
        "wav", "WAV", (".wav", ".wave"), "id3", ("audio/wav", "audio/x-wav"),
        "com.microsoft.waveform-audio", "wav",
    ),
    Format(
        "aiff", "AIFF", (".aiff", ".aif", ".aifc"), "id3", ("audio/aiff", "audio/x-aiff"),
        "public.aiff-audio", "aiff",
    ),
)  # fmt: skip

BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}
# extension -> format name; content sniffing (core/audio.py) decides when they disagree
EXTENSIONS: dict[str, str] = {ext: f.name for f in FORMATS for ext in f.extensions}


def dialog_filter() -> str:
    """The Add Files dialog's filter: every extension the app reads, then all files."""
    patterns = " ".join(f"*{ext}" for ext in EXTENSIONS)
    return f"Audio ({patterns});;All files (*)"
