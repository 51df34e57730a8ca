"""Decoding: every format, excerpts by seeking, stream info without decoding, bad input."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import soundfile as sf

from genre_desktop.core import audio
from genre_desktop.errors import DecodeError, GenreDesktopError, UnsupportedFormatError
from tests import audiofactory


@pytest.mark.parametrize("variant", list(audiofactory.VARIANTS))
def test_every_format_decodes_to_mono_float32_at_the_requested_rate(music_library, variant):
    path = music_library[variant]
    y = audio.load(path, 16000)
    assert y.dtype == np.float32 and y.ndim == 1
    assert abs(len(y) / 16000 - 4.0) < 0.06  # codec priming/padding only
    assert 0.05 < float(np.sqrt(np.mean(y**2))) < 1.0
    info = audio.probe(path)
    assert abs(info.duration - 4.0) < 0.06
    assert info.channels == 2
    assert info.sample_rate == (48000 if variant == "opus" else 44100)


@pytest.mark.parametrize("variant", ["flac", "wav", "aiff", "m4a-alac"])
def test_an_excerpt_is_exactly_that_part_of_the_whole_decode(music_library, variant):
    path = music_library[variant]
    whole = audio.load(path, 44100)
    part = audio.load(path, 44100, offset=1.5, duration=1.0)
    start = int(1.5 * 44100)
    assert len(part) == 44100
    np.testing.assert_array_equal(part, whole[start : start + 44100])


def test_excerpts_of_a_long_file_seek_instead_of_decoding_everything(tmp_path):
    # one hour of 8 kHz mono FLAC, written in blocks
    path = tmp_path / "hour.flac"
    sr = 8000
    with sf.SoundFile(path, "w", samplerate=sr, channels=1, format="FLAC") as fh:
        block = audiofactory.music(60.0, sr, 1, seed=3)
        for _ in range(60):
            fh.write(block)
    info = audio.probe(path)
    assert abs(info.duration - 3600) < 0.1
    with audio._Source(path) as src:
        x = src.read(3500.0, 3503.0)
        assert len(x) == 3 * sr
        # decoded frames cover a few seconds, not the hour before them
        assert src.decoded_samples < 10 * sr
    parts = audio.load_excerpts(path, 16000, [(100.0, 3.0), (1800.0, 3.0), (3590.0, 3.0)])
    assert [len(p) for p in parts] == [48000, 48000, 48000]


@pytest.mark.parametrize(
    ("subtype", "sr", "channels", "seconds"),
    [
        ("PCM_U8", 22050, 1, 1.0),
        ("PCM_24", 44100, 2, 1.0),
        ("FLOAT", 44100, 2, 1.0),
        ("PCM_16", 96000, 2, 1.0),
        ("PCM_16", 48000, 6, 1.0),
        ("PCM_16", 44100, 1, 0.5),
    ],
)
def test_unusual_wav_files(tmp_path, subtype, sr, channels, seconds):
    data = audiofactory.music(seconds, sr, channels, seed=5) * 0.5
    path = tmp_path / f"x_{subtype}_{sr}_{channels}.wav"
    sf.write(path, data, sr, subtype=subtype)
    y = audio.load(path, 16000)
    assert abs(len(y) - int(seconds * 16000)) <= 1
    ref = data.mean(axis=1)
    # the decoded mono mix follows the source (within the sample format's precision)
    native = audio.load(path, sr)
    tol = 1 / 64 if subtype == "PCM_U8" else 1e-3
    assert np.max(np.abs(native - ref)) < tol
    assert audio.probe(path).channels == channels


def test_hostile_files_raise_clear_errors_naming_the_file(tmp_path, music_library):
    hostile = audiofactory.make_hostile(tmp_path / "bad", good=music_library["flac"])
    expectations = {
        "zero": "empty file",
        "random": "not",
        "text_m4a": "not an audio file",
        "id3_only": "no audio",
        "folder_mp3": "folder",
        "dangling": "not found",
    }
    for key, words in expectations.items():
        with pytest.raises(GenreDesktopError) as err:
            audio.load(hostile[key], 16000)
        assert str(hostile[key]) in str(err.value), key
        assert words in err.value.reason, (key, err.value.reason)


@pytest.mark.parametrize("variant", list(audiofactory.VARIANTS))
def test_truncated_files_decode_what_is_there_or_say_why(tmp_path, music_library, variant):
    data = music_library[variant].read_bytes()
    path = tmp_path / ("cut" + music_library[variant].suffix)
    path.write_bytes(data[: int(len(data) * 0.4)])
    try:
        y = audio.load(path, 16000)
    except GenreDesktopError as exc:
        assert exc.path == str(path) and exc.reason
    else:
        assert 0 < len(y) / 16000 < 4.0


def test_flac_named_mp3_is_recognised_by_content(tmp_path, music_library):
    path = tmp_path / "really-flac.mp3"
    path.write_bytes(music_library["flac"].read_bytes())
    assert audio.sniff_file(path) == "flac"
    assert abs(len(audio.load(path, 16000)) / 16000 - 4.0) < 0.01


def test_non_latin_and_very_long_names(tmp_path, music_library):
    for name in ("日本語のうた.flac", "Песня — ünïcødé.flac", ("x" * 196) + ".ogg"):
        src = music_library["ogg"] if name.endswith(".ogg") else music_library["flac"]
        path = tmp_path / name
        path.write_bytes(src.read_bytes())
        assert len(audio.load(path, 16000)) > 0


def test_a_file_deleted_before_reading(tmp_path, music_library):
    path = tmp_path / "gone.flac"
    path.write_bytes(music_library["flac"].read_bytes())
    os.remove(path)
    with pytest.raises(DecodeError, match="not found"):
        audio.load(path, 16000)


def test_unreadable_file(tmp_path, music_library):
    if sys.platform == "win32":
        pytest.skip("Windows has no unreadable mode bits (chmod sets only a read-only flag)")
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    path = tmp_path / "locked.flac"
    path.write_bytes(music_library["flac"].read_bytes())
    path.chmod(0)
    with pytest.raises(GenreDesktopError):
        audio.load(path, 16000)


def test_payload_digest_ignores_tags_but_not_audio(music_library, tmp_path):
    path = music_library["flac"]
    d0 = audio.payload_digest(path)
    audiofactory.set_tags(path, {"genre": "Something Else"})
    assert audio.payload_digest(path) == d0
    other = audiofactory.write(tmp_path / "other", "flac", seconds=4.0, seed=99)
    assert audio.payload_digest(other) != d0


def test_unsupported_content_is_reported_as_such(tmp_path):
    path = tmp_path / "image.mp3"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(UnsupportedFormatError):
        audio.load(path, 16000)


def test_a_corrupt_file_says_so_not_a_permissions_problem(tmp_path):
    """A FLAC damaged after its header: FFmpeg's seek says EPERM; the message must say the
    file is corrupt (issue 31, point 6), not 'Operation not permitted'."""
    from genre_desktop.errors import DecodeError

    good = audiofactory.write(tmp_path / "levels", "flac", seconds=20, tags={"title": "Levels"})
    data = bytearray(good.read_bytes())
    data[2000:] = bytes(len(data) - 2000)
    bad = tmp_path / "levels-corrupt.flac"
    bad.write_bytes(bytes(data))
    with pytest.raises(DecodeError) as err:
        audio.load_excerpts(bad, 16000, [(1.5, 3.0), (10.0, 3.0)])
    assert err.value.reason.startswith("cannot decode: file is corrupt or truncated")
    assert "not permitted" not in err.value.reason and "Errno" not in err.value.reason
    short = tmp_path / "short.ogg"
    short.write_bytes(audiofactory.write(tmp_path / "o", "ogg", seconds=20).read_bytes()[:5000])
    with pytest.raises(DecodeError) as err:
        audio.load_excerpts(short, 16000, [(1.5, 3.0)])
    assert err.value.reason.startswith("cannot decode: file is corrupt or truncated")
