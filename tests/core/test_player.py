"""The preview player (core/player.py) through the real PortAudio stream into ALSA's null
device (tests/conftest.py makes it the default): the excerpt from the middle of a real
file, playing moves the position at the device's pace, pause holds it, the end stops and
calls back, playing again starts over, volume scales what the device gets."""

from __future__ import annotations

import time

import numpy as np
import pytest

from genre_desktop.core import audio
from genre_desktop.core.player import Player, PlayerUnavailable, preview_span


def test_the_preview_is_taken_from_the_middle():
    assert preview_span(100.0, 20.0) == (40.0, 20.0)
    assert preview_span(15.0, 20.0) == (0.0, 15.0)  # shorter than a preview: all of it
    assert preview_span(21.0, 20.0) == (0.5, 20.0)


@pytest.fixture
def player():
    ended: list[bool] = []
    try:
        p = Player(on_finished=lambda: ended.append(True))
    except PlayerUnavailable as exc:
        pytest.skip(f"no audio output here: {exc.reason}")
    p.ended = ended  # type: ignore[attr-defined]
    yield p
    p.stop()


def wait(cond, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:
        time.sleep(0.01)
    return cond()


def test_decode_plays_to_the_end_calls_back_and_plays_again(player, music_library):
    """(ALSA's null device takes the samples faster than real time: the test waits for
    what happens, never for how long it takes.)"""
    path = str(music_library["flac"])
    assert audio.probe(path).duration > 1.0
    data = player.decode(path, None, seconds=1.0)  # duration probed when not given
    assert abs(len(data) / player.rate - 1.0) < 0.05 and data.dtype == np.float32
    assert np.abs(data).max() > 0.01  # music, not silence
    player.set_preview(path, data)
    assert player.path == path and player.length == pytest.approx(len(data) / player.rate)
    player.play()
    assert player.playing
    assert wait(lambda: player.ended == [True]), "a one-second preview ends and says so"
    assert not player.playing and player.position == pytest.approx(player.length)
    player.play()  # at its end, Play plays the whole preview again (not silence)
    assert wait(lambda: player.ended == [True, True])
    assert not player.playing and player.position == pytest.approx(player.length)
    player.stop()
    assert not player.playing and player.position == 0


def test_volume_scales_what_the_device_gets_and_seek_moves_within_the_preview(player):
    data = np.full(player.rate, 0.5, dtype=np.float32)
    player.set_preview("tone", data)
    player.set_volume(0.5)
    player._playing = True  # what the stream's callback sees while playing
    out = np.zeros((256, 1), dtype=np.float32)
    player._callback(out, 256, None, None)
    assert np.allclose(out[:, 0], 0.25)
    player.set_volume(7.0)  # clamped to full
    player._callback(out, 256, None, None)
    assert np.allclose(out[:, 0], 0.5)
    player.seek(0.5)
    assert player.position == pytest.approx(0.5, abs=1 / player.rate)
    player.seek(2.0)  # past the end: the end
    assert player.position == pytest.approx(player.length)
    player._playing = False
    player._callback(out, 256, None, None)
    assert not out.any()  # paused: silence, not the last buffer again
