"""The library's own genres in the window: Tools ▸ Learn from My Tags (after the running
analysis, on the write thread), Use the Stock Genres, the status bar's word on which genres
are in use, and the offer to learn again when they no longer fit (a new stock model, genre
tags changed since). `core.learn` does the learning; this class only asks and shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel

from genre_desktop.core.learn import Learned, Report, learn_library, load, save, stale_tags
from genre_desktop.core.library import Library
from genre_desktop.core.model import Card
from genre_desktop.ui.dialogs import LearnDialog
from genre_desktop.ui.host import Host


class Learning(QObject):
    # the judge in use changed (a Learned, or None: the stock genres)
    changed = Signal(object)

    def __init__(
        self,
        host: Host,
        card: Card | None,
        model_problem: str,
        analysing: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.card = card
        self.model_problem = model_problem  # why there is no card
        self.analysing = analysing
        # the library's own genres, when it learned them and they still fit the stock
        # model; why not, when they do not
        self.learned: Learned | None = None
        self.problem = ""
        if card is not None:
            self.learned, self.problem = load(host.library, card.version)
        self.when_analysed = False  # asked while an analysis ran: learn once it is done
        self.link = QLabel("")  # the status bar's word on it
        self.link.setTextFormat(Qt.TextFormat.RichText)
        self.link.linkActivated.connect(lambda _: self.learn())
        self.link.setVisible(False)

    def learn(self) -> None:
        """Learn the genres the person already wrote (core.learn), off the window's thread;
        after the running analysis, so every tagged track counts."""
        h = self.host
        if self.card is None:
            h.say(f"Nothing to learn with: {self.model_problem}", 10000)
            return
        if self.analysing():
            self.when_analysed = True
            h.say("Learning from your tags as soon as the analysis is done…", 10000)
            return
        card = self.card
        h.act["learn"].setEnabled(False)
        h.say("Learning from your tags…")

        def job(library: Library) -> tuple[Learned | None, Report]:
            tracks = library.tracks()
            return learn_library(library, tracks, card.version, card.labels, card.tag_labels)

        h.writer.submit(job, self._learned, self._failed)

    def analysis_done(self) -> None:
        """An analysis ended and no other is queued: learn now if asked to meanwhile,
        else check whether the learned genres still match the files."""
        if self.when_analysed:
            self.when_analysed = False
            self.learn()
        else:
            self._check_fresh()

    def _learned(self, result: tuple[Learned | None, Report]) -> None:
        h = self.host
        model, report = result
        h.act["learn"].setEnabled(True)
        if model is not None:
            self.use(model)
            h.say("Your own genres are proposed from now on.", 10000)
        else:
            h.say("Learned nothing new: " + report.reason, 10000)
            self.show_state()
        dialog = LearnDialog(report.lines(), model is not None, h.widget())
        dialog.finished.connect(lambda code: self.forget() if code == LearnDialog.FORGET else None)
        h.show_dialog(dialog)
        dialog.open()  # not modal: the table already shows the new genres behind it

    def _failed(self, message: str) -> None:
        self.host.act["learn"].setEnabled(True)
        self.host.say(f"Nothing learned: {message}", 15000)

    def use(self, model: Learned | None) -> None:
        self.learned, self.problem = model, ""
        self.changed.emit(model)
        self.show_state()

    def forget(self) -> None:
        """Back to the stock genres (what was learned is forgotten in the library too)."""
        self.host.writer.submit(
            lambda library: save(library, None),
            lambda _: self.host.say("Back to the stock genres.", 8000),
            self._failed,
        )
        self.use(None)

    def show_state(self, stale: bool = False) -> None:
        """The status bar says when the library's own genres are in use, and offers to learn
        again when they no longer fit (a new stock model, genres changed in the files)."""
        self.host.act["forget"].setEnabled(self.learned is not None)
        why = self.problem or (
            "your genre tags changed since the library learned them" if stale else ""
        )
        if why:
            self.link.setText("<a href='learn'>Learn your genres again</a>")
            self.link.setToolTip(why[0].upper() + why[1:] + ".")
        elif self.learned is not None:
            n = self.learned.report.get("tagged", 0)
            self.link.setText("Your genres")
            self.link.setToolTip(
                f"Genres are proposed in your words, learned from {n} of your tagged songs "
                "(Tools ▸ Use the Stock Genres goes back)"
            )
        self.link.setVisible(bool(why) or self.learned is not None)

    def _check_fresh(self) -> None:
        """After a scan: do the genres in the files still match what was learned?"""
        model = self.learned
        if model is None:
            return
        self.host.writer.submit(
            lambda library: stale_tags(library, model),
            lambda stale: self.show_state(bool(stale)) if model is self.learned else None,
            lambda _: None,
        )
