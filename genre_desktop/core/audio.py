"""Audio files -> mono float32 at a requested rate, reading only the excerpts asked for.

PyAV (FFmpeg) demuxes and decodes every format we support, M4A included; soxr resamples.
Decoding an excerpt seeks to it, so a 10-minute file costs no more than the seconds read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np
import soxr

from genre_desktop.core import formats
from genre_desktop.errors import DecodeError, UnsupportedFormatError

# declared once in core/formats.py: extension -> format name, format name -> its name for people
EXTENSIONS: dict[str, str] = formats.EXTENSIONS
FORMAT_NAMES: dict[str, str] = {f.name: f.display for f in formats.FORMATS}

_MAX_BAD_PACKETS = 100


@dataclass(frozen=True)
class AudioInfo:
    """What a file holds, read from its headers without decoding."""

    format: str  # one of FORMAT_NAMES
    codec: str
    duration: float  # seconds
    sample_rate: int
    channels: int


def sniff(head: bytes) -> str | None:
    """Recognise an audio container from its first bytes (at least 12); None if not audio."""
    if len(head) < 4:
        return None
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "opus" if b"OpusHead" in head else "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"RF64") or head.startswith(b"BW64"):
        return "wav"
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"ID3"):
        return "mp3"  # may hold no audio at all; decoding says so
    if head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) != 0:
        return "mp3"
    return None


def sniff_file(path: str | os.PathLike[str]) -> str | None:
    """Format by content, for a file whose extension may lie. Raises OSError if unreadable."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
        if head.startswith(b"ID3") and len(head) >= 10:
            # skip the ID3v2 tag: what follows says what the file is (MP3, or a mis-tagged FLAC)
            size = (
                (head[6] & 0x7F) << 21
                | (head[7] & 0x7F) << 14
                | (head[8] & 0x7F) << 7
                | (head[9] & 0x7F)
            )
            fh.seek(10 + size + (10 if head[5] & 0x10 else 0))
            after = fh.read(4096)
            inner = sniff(after)
            if inner is not None:
                return inner
            return "mp3" if after else None
    fmt = sniff(head)
    if fmt == "ogg" and b"OpusHead" in head:
        fmt = "opus"
    return fmt


CORRUPT = "cannot decode: file is corrupt or truncated"


def _describe_av_error(exc: Exception) -> str:
    if isinstance(exc, (av.error.InvalidDataError, av.error.EOFError)):
        return CORRUPT
    if isinstance(exc, FileNotFoundError):
        return "file not found (moved or deleted?)"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not an audio file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return str(exc) or type(exc).__name__


class _Source:
    """An open container and its first audio stream."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise DecodeError("is a folder, not an audio file", self.path)
        try:
            if self.path.stat().st_size == 0:
                raise DecodeError("empty file (0 bytes)", self.path)
            self.container = av.open(str(self.path), mode="r")
        except DecodeError:
            raise
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            raise DecodeError(_describe_av_error(exc), self.path) from exc
        if not self.container.streams.audio:
            self.container.close()
            raise UnsupportedFormatError("contains no audio stream", self.path)
        self.stream = self.container.streams.audio[0]
        self.stream.codec_context.thread_type = "AUTO"
        rate = self.stream.codec_context.sample_rate or self.stream.sample_rate
        if not rate:
            self.container.close()
            raise DecodeError("not a readable audio file (no valid audio stream)", self.path)
        self.sample_rate = int(rate)
        self.decoded_samples = 0  # how much was decoded: seeking keeps this small

    def close(self) -> None:
        self.container.close()

    def __enter__(self) -> _Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def duration(self) -> float:
        s = self.stream
        if s.duration is not None and s.time_base is not None:
            return float(s.duration * s.time_base)
        if self.container.duration is not None:
            return self.container.duration / 1_000_000
        return 0.0

    def frames(self) -> Iterator[tuple[float | None, np.ndarray]]:
        """(start time in seconds or None, mono float32 samples) for each decoded frame."""
        bad = 0
        try:
            for packet in self.container.demux(self.stream):
                try:
                    decoded = packet.decode()
                except (av.error.InvalidDataError, av.error.UndefinedError, ValueError):
                    bad += 1
                    if bad > _MAX_BAD_PACKETS:
                        raise DecodeError("too many corrupt audio packets", self.path) from None
                    continue
                for frame in decoded:
                    t = (
                        float(frame.pts * frame.time_base)
                        if frame.pts is not None and frame.time_base
                        else None
                    )
                    self.decoded_samples += frame.samples
                    yield t, _to_mono(frame)
        except av.error.EOFError:
            return
        except (av.error.FFmpegError, OSError) as exc:
            why = _describe_av_error(exc)
            raise DecodeError(
                why if why == CORRUPT else f"decoding failed: {why}", self.path
            ) from exc

    def read(self, start: float = 0.0, end: float | None = None) -> np.ndarray:
        """Mono samples at the source rate from `start` to `end` seconds (None: to the end)."""
        sr = self.sample_rate
        # a second read from the start of the file seeks back too (a first one needs no seek)
        if (start > 0 or self.decoded_samples) and self.stream.time_base is not None:
            try:
                self.container.seek(int(start / self.stream.time_base), stream=self.stream)
            except (av.error.FFmpegError, OverflowError) as exc:
                # FFmpeg says EPERM ('Operation not permitted') when a damaged file has no
                # frame to seek to: a corrupt file, not a permissions problem
                raise DecodeError(f"{CORRUPT} (no audio at {start:.1f} s)", self.path) from exc
        chunks: list[np.ndarray] = []
        position = 0.0  # used only where frames carry no timestamps
        for t, mono in self.frames():
            if t is None:
                t = position
            n = len(mono)
            position = t + n / sr
            if t + n / sr <= start:
                continue
            if end is not None and t >= end:
                break
            a = max(0, int(round((start - t) * sr)))
            b = n if end is None else min(n, int(round((end - t) * sr)))
            if b > a:
                chunks.append(mono[a:b])
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(chunks)


def _to_mono(frame: av.AudioFrame) -> np.ndarray:
    """Any FFmpeg sample format -> mono float32 in [-1, 1] (channel mean)."""
    arr = frame.to_ndarray()
    channels = len(frame.layout.channels)
    if not frame.format.is_planar:
        arr = arr.reshape(-1, channels).T
    if arr.dtype == np.float32:
        data = arr
    elif arr.dtype == np.float64:
        data = arr.astype(np.float32)
    elif arr.dtype == np.int16:
        data = arr.astype(np.float32) / 32768.0
    elif arr.dtype == np.int32:
        data = (arr.astype(np.float64) / 2147483648.0).astype(np.float32)
    elif arr.dtype == np.uint8:
        data = (arr.astype(np.float32) - 128.0) / 128.0
    elif arr.dtype == np.int64:
        data = (arr.astype(np.float64) / 9223372036854775808.0).astype(np.float32)
    else:  # pragma: no cover - FFmpeg has no other sample formats
        raise DecodeError(f"unsupported sample format {frame.format.name}")
    if channels == 1:
        return np.ascontiguousarray(data[0], dtype=np.float32)
    return data.mean(axis=0, dtype=np.float32)


def _resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    if sr_in == sr_out or len(x) == 0:
        return x.astype(np.float32, copy=False)
    return np.asarray(soxr.resample(x, sr_in, sr_out, quality="HQ"), dtype=np.float32)


def probe(path: str | os.PathLike[str]) -> AudioInfo:
    """Format, codec, duration, sample rate and channels from the headers (no decoding)."""
    fmt = _format_of(path)
    with _Source(path) as src:
        ctx = src.stream.codec_context
        return AudioInfo(
            format=fmt,
            codec=ctx.name or "unknown",
            duration=src.duration,
            sample_rate=src.sample_rate,
            channels=int(ctx.channels or len(ctx.layout.channels) or 1),
        )


def _format_of(path: str | os.PathLike[str]) -> str:
    try:
        if os.path.getsize(path) == 0:
            raise DecodeError("empty file (0 bytes)", path)
        fmt = sniff_file(path)
    except IsADirectoryError as exc:
        raise DecodeError("is a folder, not an audio file", path) from exc
    except FileNotFoundError as exc:
        raise DecodeError("file not found (moved or deleted?)", path) from exc
    except OSError as exc:
        raise DecodeError(f"cannot read: {exc.strerror or exc}", path) from exc
    if fmt is None:
        raise UnsupportedFormatError(unknown_reason(path), path)
    return fmt


def unknown_reason(path: str | os.PathLike[str]) -> str:
    """Why a file whose content we do not recognise is not audio, in words."""
    try:
        with open(path, "rb") as fh:
            start = fh.read(3)
    except OSError:
        start = b""
    if start == b"ID3":
        return "has an ID3 tag but no audio after it"
    return "not an audio file this app reads (unknown content)"


def load(
    path: str | os.PathLike[str],
    sr: int,
    offset: float = 0.0,
    duration: float | None = None,
) -> np.ndarray:
    """Mono float32 at `sr` Hz: the whole file, or `duration` seconds from `offset`."""
    _format_of(path)
    with _Source(path) as src:
        end = None if duration is None else offset + duration
        x = src.read(offset, end)
        if len(x) == 0:
            raise DecodeError(f"{CORRUPT} (no audio in it)", path)
        return _resample(x, src.sample_rate, sr)


def load_excerpts(
    path: str | os.PathLike[str],
    sr: int,
    spans: Sequence[tuple[float, float]],
) -> list[np.ndarray]:
    """Several (start, length) excerpts from one open file, each mono float32 at `sr`."""
    _format_of(path)
    out: list[np.ndarray] = []
    with _Source(path) as src:
        for start, length in spans:
            x = src.read(start, start + length)
            out.append(_resample(x, src.sample_rate, sr))
    if not any(len(x) for x in out):
        raise DecodeError(f"{CORRUPT} (no audio in it)", path)
    return out


def decode_native(path: str | os.PathLike[str]) -> tuple[np.ndarray, int]:
    """Every channel of the whole file at its own rate (for comparisons: no resampling).

    Returns (samples x channels float32 array, sample rate).
    """
    _format_of(path)
    with _Source(path) as src:
        chunks = []
        for packet in src.container.demux(src.stream):
            for frame in packet.decode():
                arr = frame.to_ndarray()
                ch = len(frame.layout.channels)
                arr = arr.T if frame.format.is_planar else arr.reshape(-1, ch)
                chunks.append(arr)
        if not chunks:
            raise DecodeError(f"{CORRUPT} (no audio in it)", path)
        return np.concatenate(chunks), src.sample_rate


def payload_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the audio stream's packets as stored (tags excluded): it changes only
    when the audio itself does, so a tag write can prove it left the audio alone."""
    h = hashlib.sha256()
    with _Source(path) as src:
        try:
            for packet in src.container.demux(src.stream):
                if packet.size:
                    h.update(bytes(packet))
        except (av.error.FFmpegError, OSError) as exc:
            raise DecodeError(
                f"cannot read audio packets: {_describe_av_error(exc)}", path
            ) from exc
    return h.hexdigest()
