"""The window's actions, menus and toolbar (Picard keeps its actions out of the main window
too): what a person can do, its keys, icon and tip, wired to the window's slots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle, QToolBar

from genre_desktop import APP_NAME
from genre_desktop.ui.dialogs import about

if TYPE_CHECKING:
    from genre_desktop.ui.mainwindow import MainWindow


def glyph_icon(glyph: str) -> QIcon:
    """An icon drawn from one character of the window's font (for desktops without an
    icon theme)."""
    from PySide6.QtGui import QFont, QPainter, QPixmap

    pix = QPixmap(32, 32)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    font = QFont()
    font.setPixelSize(28)
    font.setBold(True)
    p.setFont(font)
    p.setPen(QApplication.palette().windowText().color())
    p.drawText(pix.rect(), int(Qt.AlignmentFlag.AlignCenter), glyph)
    p.end()
    return QIcon(pix)


def _action(w, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
    a = QAction(text, w)
    if shortcut is not None:
        a.setShortcut(shortcut)
    if icon is not None:
        a.setIcon(icon)
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    a.triggered.connect(slot)
    return a


def install(w: MainWindow) -> None:
    """The window's actions (w.act_*), its menus and its toolbar; the slots are the
    window's."""
    style = w.style()

    sp = QStyle.StandardPixmap
    w.act_add = _action(
        w,
        "Add Folder…",
        w.choose_folder,
        QKeySequence.StandardKey.Open,
        style.standardIcon(sp.SP_DirOpenIcon),
        "Add a music folder to the library",
    )
    w.act_add_files = _action(
        w, "Add Files…", w.choose_files, None, style.standardIcon(sp.SP_FileIcon)
    )
    w.act_remove = _action(
        w,
        "Remove Folder from Library…",
        w.remove_folder,
        None,
        None,
        "Forget a folder (its files are not touched)",
    )
    w.act_rescan = _action(
        w,
        "Rescan",
        lambda: w.start_analysis([]),
        QKeySequence("F5"),
        style.standardIcon(sp.SP_BrowserReload),
        "Look for new or changed files",
    )
    w.act_apply = _action(
        w,
        "Apply",
        w.apply_all,
        QKeySequence("Ctrl+Return"),
        style.standardIcon(sp.SP_DialogApplyButton),
        "Write the genres marked 'will change'",
    )
    w.act_apply_sel = _action(
        w, "Apply Selected", w.apply_selected, QKeySequence("Ctrl+Shift+Return")
    )
    w.act_accept = _action(
        w,
        "Accept Suggestion",
        w.accept_selected,
        QKeySequence("Ctrl+Shift+A"),
        None,
        "Take the predicted genre for the selected tracks (written on Apply)",
    )
    w.act_select_album = _action(
        w, "Select Album", w.select_album, None, None, "Select every track of this album"
    )
    w.act_back = _action(
        w,
        "Back to the Prediction",
        lambda: w.choose_for_selected(None),
        None,
        None,
        "Forget your choice for the selected tracks",
    )
    w.act_undo = _action(
        w,
        "Undo Last Apply",
        w.undo_last,
        QKeySequence.StandardKey.Undo,
        # not the player's 'back' arrow: the desktop's undo icon, else an undo glyph
        QIcon.fromTheme("edit-undo", glyph_icon("↶")),
        "Restore the genres the last Apply changed",
    )
    w.act_redo = _action(
        w,
        "Redo Apply",
        w.redo_last,
        QKeySequence.StandardKey.Redo,
        QIcon.fromTheme("edit-redo", glyph_icon("↷")),
        "Write again the genres the last Undo restored",
    )
    w.act_redo.setEnabled(False)
    w.act_errors = _action(
        w, "Show Files That Failed", w.show_errors, None, None, "List the unreadable files"
    )
    w.act_learn = _action(
        w,
        "Learn from My Tags…",
        w.learn_from_tags,
        None,
        None,
        "Learn the genres you already wrote in your files, and propose them in your words",
    )
    w.act_forget = _action(
        w,
        "Use the Stock Genres",
        w.forget_learned,
        None,
        None,
        "Forget what was learned from your tags: back to our eleven genres",
    )
    w.act_settings = _action(w, "Settings…", w.open_settings, QKeySequence.StandardKey.Preferences)
    w.act_play = _action(w, "Play/Pause", w._space, QKeySequence(Qt.Key.Key_Space))
    w.act_play.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    w.act_quit = _action(w, "Quit", w.close, QKeySequence.StandardKey.Quit)
    w.act_about = _action(
        w,
        f"About {APP_NAME}",
        lambda: about(
            w,
            w.card.version if w.card else "missing",
            w.card.accuracy if w.card else None,
        ),
    )
    w.addAction(w.act_play)

    m = w.menuBar().addMenu("&File")
    for a in (w.act_add, w.act_add_files, w.act_rescan, w.act_remove):
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.act_quit)
    e = w.menuBar().addMenu("&Edit")
    for a in (w.act_apply, w.act_apply_sel, w.act_undo, w.act_redo):
        e.addAction(a)
    e.addSeparator()
    for a in (w.act_accept, w.act_back, w.act_select_album):
        e.addAction(a)
    e.addSeparator()
    e.addAction(w.act_errors)
    e.addSeparator()
    e.addAction(w.act_settings)
    t = w.menuBar().addMenu("&Tools")
    t.addAction(w.act_learn)
    t.addAction(w.act_forget)
    p = w.menuBar().addMenu("&Play")
    p.addAction(w.act_play)
    h = w.menuBar().addMenu("&Help")
    h.addAction(w.act_about)

    tb = QToolBar("Main")
    tb.setObjectName("main-toolbar")
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for a in (w.act_add, w.act_rescan, w.act_apply, w.act_undo):
        tb.addAction(a)
    w.addToolBar(tb)
