"""The preview player's wiring: decode off the window's thread, play, pause, stop, and the
details panel's slider following the track on show. `core.player.Player` does the audio;
this class owns it, the decoding pool and the position timer."""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, QThreadPool, QTimer

from genre_desktop.core.player import Player, PlayerUnavailable
from genre_desktop.errors import GenreDesktopError
from genre_desktop.ui import tasks
from genre_desktop.ui.host import Host
from genre_desktop.ui.widgets import DetailsPanel

log = logging.getLogger(__name__)


class Preview(QObject):
    def __init__(self, host: Host, details: DetailsPanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.details = details
        self.player: Player | None = None
        self.problem = ""  # why there is no player
        self.playing_id: int | None = None
        self._wanted: int | None = None  # the last track asked to play
        self._pool = QThreadPool(self)  # previews decode off the main thread
        self._pool.setMaxThreadCount(1)
        self._tasks: list = []
        try:
            self.player = Player()
            self.player.set_volume(host.settings.volume)
            details.set_player_available(True)
        except PlayerUnavailable as exc:
            self.problem = exc.reason
            details.set_player_available(False, exc.reason)
            log.warning("preview disabled: %s", exc.reason)
        details.play_requested.connect(self.play_or_pause)
        details.stop_requested.connect(self.stop)
        details.seek_requested.connect(lambda f: self.player.seek(f) if self.player else None)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def play(self, track_id: int) -> None:
        """Decode the preview on a worker thread, then play it (unless another track was
        asked for meanwhile)."""
        row = self.host.model.row_of(track_id)
        if self.player is None or row is None:
            return
        player, path = self.player, row.track.path
        self._wanted = track_id
        self.details.set_playing(False)

        def decoded(data) -> None:
            if self._wanted != track_id or self.player is not player:
                return  # a later click won
            player.set_preview(path, data)
            try:
                player.play()
            except GenreDesktopError as exc:
                failed(exc.reason)
                return
            self.playing_id = track_id
            self.details.set_playing(True)

        def failed(reason: str) -> None:
            if self._wanted == track_id:
                self.host.say(f"Cannot play {os.path.basename(path)}: {reason}", 8000)
                self.details.set_playing(False)

        tasks.run_in_pool(
            self._pool,
            lambda: player.decode(path, row.track.duration, self.host.settings.preview_seconds),
            decoded,
            failed,
            self._tasks,
        )

    def play_or_pause(self, track_id: int) -> None:
        if self.player is not None and self.playing_id == track_id and self.player.length:
            self.player.toggle()
            self.details.set_playing(self.player.playing, stoppable=True)  # paused: Stop stops
        else:
            self.play(track_id)

    def space(self) -> None:
        """Play/Pause (Space): the track on show."""
        if self.details.row is not None:
            self.play_or_pause(self.details.row.track.id)

    def stop(self) -> None:
        self._wanted = None  # a preview still decoding is not started
        if self.player is not None:
            self.player.stop()
        self.playing_id = None
        self.details.set_playing(False)
        self.details.set_position(0)

    def set_volume(self, v: float) -> None:
        if self.player is not None:
            self.player.set_volume(v)

    def showing(self, track_id: int | None) -> None:
        """The details panel turns to another track: its play button and slider say
        whether that one is the track playing (or paused)."""
        playing = track_id is not None and track_id == self.playing_id
        if not playing:  # another track: its own (not yet played) position
            self.details.set_position(0.0)
        self.details.set_playing(
            bool(playing and self.player and self.player.playing), stoppable=playing
        )

    def tick(self) -> None:
        shown = self.details.row
        if shown is None or shown.track.id != self.playing_id:
            return  # the slider belongs to the track on show, not to another one playing
        if self.player is not None and self.player.length:
            self.details.set_position(
                self.player.position / self.player.length,
                self.player.position,
                self.player.length,
            )
            if not self.player.playing:
                self.details.set_playing(False)

    def close(self) -> None:
        self._pool.waitForDone(5000)
        if self.player is not None:
            self.player.stop()
