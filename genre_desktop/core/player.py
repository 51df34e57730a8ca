"""Preview playback through sounddevice (PortAudio), with plain callbacks.

`Player.decode(path)` decodes the preview excerpt (20 s from the middle) at the device's
rate, on any thread; `set_preview` makes it the preview; `play/pause/stop/seek/set_volume`
drive one output stream. Without an audio device
the player raises PlayerUnavailable with the reason, and everything else keeps working.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from genre_desktop.core import audio
from genre_desktop.errors import GenreDesktopError


class PlayerUnavailable(GenreDesktopError):
    """No audio output (no device, or PortAudio missing)."""


def preview_span(duration: float, seconds: float = 20.0) -> tuple[float, float]:
    """(start, length) of a preview: `seconds` from the middle of the track."""
    if duration <= seconds:
        return 0.0, duration
    return max(0.0, duration / 2 - seconds / 2), seconds


class Player:
    def __init__(self, on_finished: Callable[[], None] | None = None) -> None:
        try:
            import sounddevice as sd
        except (OSError, ImportError) as exc:  # PortAudio library missing
            raise PlayerUnavailable(
                f"audio output unavailable: {exc} (install libportaudio2 on Debian/Ubuntu, "
                "portaudio on Fedora and Arch)"
            ) from exc
        self._sd = sd
        try:
            device = sd.query_devices(kind="output")
        except Exception as exc:
            raise PlayerUnavailable("no audio output device found") from exc
        self.rate = int(device["default_samplerate"]) or 44100
        self.device_name = str(device["name"])
        self._lock = threading.Lock()
        self._data = np.zeros(0, dtype=np.float32)
        self._pos = 0
        self._volume = 0.8
        self._stream: Any = None
        self._playing = False
        self.path: str | None = None
        self.on_finished = on_finished

    # -- loading -------------------------------------------------------------------------
    def decode(self, path: str, duration: float | None = None, seconds: float = 20.0):
        """The preview of `path` at the output's rate (any thread: it touches no state)."""
        if duration is None or duration <= 0:
            duration = audio.probe(path).duration
        start, length = preview_span(duration, seconds)
        return audio.load(path, self.rate, offset=start, duration=length)

    def set_preview(self, path: str, data: np.ndarray) -> None:
        """Make decoded `data` the preview (stops what was playing)."""
        self.stop()
        with self._lock:
            self._data = data
            self._pos = 0
            self.path = path

    # -- transport -----------------------------------------------------------------------
    def play(self) -> None:
        """Play from the position; a preview that reached its end starts again."""
        if not len(self._data):
            return
        with self._lock:
            at_end = self._pos >= len(self._data)
            if at_end:
                self._pos = 0
        if at_end and self._stream is not None:  # its callback stopped it: open a new one
            stream, self._stream = self._stream, None
            with contextlib.suppress(Exception):  # a device that vanished: nothing to close
                stream.close()
        if self._stream is None:
            try:
                self._stream = self._sd.OutputStream(
                    samplerate=self.rate,
                    channels=1,
                    dtype="float32",
                    callback=self._callback,
                    finished_callback=self._finished,
                )
            except Exception as exc:
                raise PlayerUnavailable(f"cannot open the audio output: {exc}") from exc
        self._playing = True
        if not self._stream.active:
            self._stream.start()

    def pause(self) -> None:
        self._playing = False

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def stop(self) -> None:
        self._playing = False
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # a device that vanished: nothing left to stop
                pass
        with self._lock:
            self._pos = 0

    def seek(self, fraction: float) -> None:
        with self._lock:
            self._pos = int(max(0.0, min(1.0, fraction)) * len(self._data))

    def set_volume(self, volume: float) -> None:
        self._volume = max(0.0, min(1.0, volume))

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def position(self) -> float:
        """Seconds into the preview."""
        return self._pos / self.rate

    @property
    def length(self) -> float:
        return len(self._data) / self.rate

    # -- PortAudio thread ----------------------------------------------------------------
    def _callback(self, outdata, frames, time_info, status) -> None:
        with self._lock:
            if not self._playing:
                outdata.fill(0)
                return
            chunk = self._data[self._pos : self._pos + frames]
            n = len(chunk)
            outdata[:n, 0] = chunk * self._volume
            outdata[n:, 0] = 0
            self._pos += n
        if n < frames:
            raise self._sd.CallbackStop

    def _finished(self) -> None:
        at_end = self._pos >= len(self._data) and len(self._data) > 0
        if at_end:
            self._playing = False
            if self.on_finished:
                self.on_finished()
