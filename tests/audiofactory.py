"""Real audio files from real encoders (soundfile/libsndfile and PyAV/FFmpeg), for tests and
benchmarks. Long files are written in blocks: one huge Vorbis/MP3 write crashes libsndfile."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import soundfile as sf

# variant -> (extension, soundfile format, subtype) ; None = PyAV
VARIANTS: dict[str, tuple[str, str | None, str | None]] = {
    "mp3": (".mp3", "MP3", "MPEG_LAYER_III"),
    "flac": (".flac", "FLAC", "PCM_16"),
    "ogg": (".ogg", "OGG", "VORBIS"),
    "opus": (".opus", "OGG", "OPUS"),
    "m4a-aac": (".m4a", None, "aac"),
    "m4a-alac": (".m4a", None, "alac"),
    "wav": (".wav", "WAV", "PCM_16"),
    "aiff": (".aiff", "AIFF", "PCM_16"),
}

BLOCK = 65536


def music(seconds: float, sr: int = 44100, channels: int = 2, seed: int = 0) -> np.ndarray:
    """A few seconds of something music-like: chords, a bass line and noise-burst drums."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    t = np.arange(n, dtype=np.float64) / sr
    bpm = rng.uniform(70, 160)
    beat = 60.0 / bpm
    root = rng.uniform(110, 220)
    y = np.zeros(n)
    for k, ratio in enumerate((1.0, 1.25, 1.5, 2.0)):
        y += 0.12 / (k + 1) * np.sin(2 * np.pi * root * ratio * t + rng.uniform(0, 6.28))
    y += 0.2 * np.sin(2 * np.pi * root / 2 * t) * (0.5 + 0.5 * np.sign(np.sin(np.pi * t / beat)))
    phase = (t % beat) / beat
    y += 0.3 * rng.standard_normal(n) * np.exp(-phase * 30)
    y *= 0.6
    out = np.stack([y * (1.0 - 0.1 * c) for c in range(channels)], axis=1)
    return out.astype(np.float32)


def drums(
    bpm: float,
    seconds: float,
    sr: int = 44100,
    channels: int = 2,
    seed: int = 0,
    eighths: bool = True,
) -> np.ndarray:
    """A drum pattern at a known tempo over a held chord: kick on beats 1 and 3, snare on 2
    and 4, a closed hi-hat on every beat and (`eighths`) between (samples x channels)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    t = np.arange(n, dtype=np.float64) / sr
    y = 0.05 * np.sin(2 * np.pi * 110.0 * t) + 0.03 * np.sin(2 * np.pi * 164.8 * t)
    beat = 60.0 / bpm

    def hit(at: float, sound: np.ndarray) -> None:
        i = int(at * sr)
        m = min(len(sound), n - i)
        if m > 0:
            y[i : i + m] += sound[:m]

    k = np.arange(int(0.25 * sr)) / sr
    kick = 0.8 * np.sin(2 * np.pi * (50 + 100 * np.exp(-k * 30)) * k) * np.exp(-k * 12)
    snare = 0.4 * rng.standard_normal(len(k)) * np.exp(-k * 25)
    h = np.arange(int(0.05 * sr)) / sr
    hat = np.diff(rng.standard_normal(len(h) + 1)) * 0.12 * np.exp(-h * 80)
    for i in range(int(seconds / beat) + 1):
        hit(i * beat, kick if i % 2 == 0 else snare)
        hit(i * beat, hat)
        if eighths:
            hit((i + 0.5) * beat, hat * 0.6)
    y *= 0.7
    out = np.stack([y * (1.0 - 0.1 * c) for c in range(channels)], axis=1)
    return np.clip(out, -1, 1).astype(np.float32)


def write(
    path: Path,
    variant: str,
    seconds: float = 3.0,
    sr: int = 44100,
    channels: int = 2,
    seed: int = 0,
    tags: dict[str, str] | None = None,
    data: np.ndarray | None = None,
) -> Path:
    """Encode `seconds` of music (or `data`, samples x channels) as `variant` at `path`."""
    ext, fmt, subtype = VARIANTS[variant]
    if variant == "opus":
        sr = 48000
    path = Path(path)
    if path.suffix == "":
        path = path.with_suffix(ext)
    if data is None:
        data = music(seconds, sr, channels, seed)
    if fmt is not None:
        with sf.SoundFile(
            path, "w", samplerate=sr, channels=data.shape[1], format=fmt, subtype=subtype
        ) as fh:
            for i in range(0, len(data), BLOCK):
                fh.write(data[i : i + BLOCK])
    else:
        _write_m4a(path, data, sr, subtype or "aac")
    if tags:
        set_tags(path, tags)
    return path


def _write_m4a(path: Path, data: np.ndarray, sr: int, codec: str) -> None:
    channels = data.shape[1]
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w", format="ipod") as out:
        stream = out.add_stream(codec, rate=sr, layout=layout)
        fmt = "fltp" if codec == "aac" else "s16p"
        frame_size = 1024 if codec == "aac" else 4096
        pcm = data.T.copy()
        if fmt == "s16p":
            pcm = (np.clip(pcm, -1, 1) * 32767).astype(np.int16)
        pts = 0
        for i in range(0, pcm.shape[1], frame_size):
            chunk = np.ascontiguousarray(pcm[:, i : i + frame_size])
            frame = av.AudioFrame.from_ndarray(chunk, format=fmt, layout=layout)
            frame.sample_rate = sr
            frame.pts = pts
            pts += chunk.shape[1]
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def set_tags(path: Path, tags: dict[str, str]) -> None:
    """Write starting tags with mutagen directly (independent of the code under test)."""
    import mutagen
    from mutagen.id3 import ID3, TALB, TCON, TIT2, TPE1, ID3NoHeaderError
    from mutagen.mp4 import MP4

    path = Path(path)
    f = mutagen.File(path)
    if isinstance(f, MP4):
        keys = {"title": "\xa9nam", "artist": "\xa9ART", "album": "\xa9alb", "genre": "\xa9gen"}
        if f.tags is None:
            f.add_tags()
        for k, v in tags.items():
            f.tags[keys[k]] = [v]
        f.save()
    elif (
        f is not None
        and hasattr(f, "tags")
        and type(f).__name__ in ("FLAC", "OggVorbis", "OggOpus")
    ):
        if f.tags is None:
            f.add_tags()
        for k, v in tags.items():
            f.tags[k] = [v]
        f.save()
    else:
        frames = {"title": TIT2, "artist": TPE1, "album": TALB, "genre": TCON}
        if type(f).__name__ in ("WAVE", "AIFF"):
            if f.tags is None:
                f.add_tags()
            id3 = f.tags
        else:
            try:
                id3 = ID3(path)
            except ID3NoHeaderError:
                id3 = ID3()
        for k, v in tags.items():
            id3.add(frames[k](encoding=3, text=[v]))
        if type(f).__name__ in ("WAVE", "AIFF"):
            f.save()
        else:
            id3.save(path)


def make_library(folder: Path, seconds: float = 3.0, tags: bool = True) -> dict[str, Path]:
    """One file of each of the eight variants, with starting tags."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for i, variant in enumerate(VARIANTS):
        name = variant.replace("-", "_")
        t = (
            {
                "title": f"Song {name}",
                "artist": f"Artist {i}",
                "album": "Test Album",
                "genre": "Old Genre",
            }
            if tags
            else None
        )
        out[variant] = write(folder / name, variant, seconds=seconds, seed=i, tags=t)
    return out


def make_hostile(folder: Path, good: Path | None = None) -> dict[str, Path]:
    """The hostile files of the core issue (a symlink loop and dangling link included)."""
    import os

    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    out["zero"] = folder / "zero.mp3"
    out["zero"].write_bytes(b"")
    out["random"] = folder / "random.flac"
    out["random"].write_bytes(
        np.random.default_rng(1).integers(0, 256, 20000, dtype=np.uint8).tobytes()
    )
    out["text_m4a"] = folder / "notes.m4a"
    out["text_m4a"].write_text("this is not audio\n" * 50)
    out["id3_only"] = folder / "id3only.mp3"
    from mutagen.id3 import ID3, TIT2

    tag = ID3()
    tag.add(TIT2(encoding=3, text=["nothing here"]))
    tag.save(out["id3_only"])
    out["folder_mp3"] = folder / "x.mp3"
    out["folder_mp3"].mkdir()
    loop = folder / "loop"
    loop.mkdir()
    os.symlink(folder, loop / "back-to-top")
    out["loop"] = loop
    out["dangling"] = folder / "dangling.ogg"
    os.symlink(folder / "does-not-exist.ogg", out["dangling"])
    if good is not None:
        data = good.read_bytes()
        out["truncated"] = folder / ("truncated" + good.suffix)
        out["truncated"].write_bytes(data[: len(data) // 3])
    return out
