"""The window's actions, declared once each (as Picard's `@add_action` / `register_action`):
its text, keys, icon, tip, menu and toolbar place, and the name of the window's method it
runs. `create` makes the QActions of a window from this registry; the window keeps them in
its `act` mapping and builds its menus and toolbar from it. Adding an action is one
`register_action(...)` here and the method it names on the window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QStyle, QToolBar

from genre_desktop import APP_NAME

Key = QKeySequence.StandardKey | str | None

MENUS = ("&File", "&Edit", "&Tools", "&Play", "&Help")


@dataclass(frozen=True)
class ActionSpec:
    name: str  # the key in the window's `actions`
    text: str
    handler: str  # the window's method it runs (no arguments)
    shortcut: Key = None
    icon: str = ""  # "SP_..." (the style's), or "theme-name|glyph" (the desktop's, else a glyph)
    tip: str = ""
    menu: str = ""  # one of MENUS; "" = in no menu (the window adds it to itself)
    separator: bool = False  # a separator in its menu before it
    toolbar: bool = False
    enabled: bool = True
    window_shortcut: bool = False  # its key works anywhere in the window (Space)


REGISTRY: dict[str, ActionSpec] = {}


def register_action(spec: ActionSpec) -> ActionSpec:
    """Declare an action; menus list their actions in the order they are declared."""
    if spec.name in REGISTRY:
        raise ValueError(f"action {spec.name!r} declared twice")
    if spec.menu and spec.menu not in MENUS:
        raise ValueError(f"action {spec.name!r}: no menu {spec.menu!r}")
    REGISTRY[spec.name] = spec
    return spec


def add_action(**kw) -> ActionSpec:
    return register_action(ActionSpec(**kw))


add_action(
    name="add",
    text="Add Folder…",
    handler="choose_folder",
    shortcut=QKeySequence.StandardKey.Open,
    icon="SP_DirOpenIcon",
    tip="Add a music folder to the library",
    menu="&File",
    toolbar=True,
)
add_action(
    name="add_files",
    text="Add Files…",
    handler="choose_files",
    icon="SP_FileIcon",
    menu="&File",
)
add_action(
    name="rescan",
    text="Rescan",
    handler="rescan",
    shortcut="F5",
    icon="SP_BrowserReload",
    tip="Look for new or changed files",
    menu="&File",
    toolbar=True,
)
add_action(
    name="remove",
    text="Remove Folder from Library…",
    handler="remove_folder",
    tip="Forget a folder (its files are not touched)",
    menu="&File",
)
add_action(
    name="quit",
    text="Quit",
    handler="close",
    shortcut=QKeySequence.StandardKey.Quit,
    menu="&File",
    separator=True,
)
add_action(
    name="apply",
    text="Apply",
    handler="apply_all",
    shortcut="Ctrl+Return",
    icon="SP_DialogApplyButton",
    tip="Write the genres marked 'will change'",
    menu="&Edit",
    toolbar=True,
)
add_action(
    name="apply_sel",
    text="Apply Selected",
    handler="apply_selected",
    shortcut="Ctrl+Shift+Return",
    menu="&Edit",
)
add_action(
    name="undo",
    text="Undo Last Apply",
    handler="undo_last",
    shortcut=QKeySequence.StandardKey.Undo,
    # not the player's 'back' arrow: the desktop's undo icon, else an undo glyph
    icon="edit-undo|↶",
    tip="Restore the genres the last Apply changed",
    menu="&Edit",
    toolbar=True,
)
add_action(
    name="redo",
    text="Redo Apply",
    handler="redo_last",
    shortcut=QKeySequence.StandardKey.Redo,
    icon="edit-redo|↷",
    tip="Write again the genres the last Undo restored",
    menu="&Edit",
    enabled=False,
)
add_action(
    name="accept",
    text="Accept Suggestion",
    handler="accept_selected",
    shortcut="Ctrl+Shift+A",
    tip="Take the predicted genre for the selected tracks (written on Apply)",
    menu="&Edit",
    separator=True,
)
add_action(
    name="back",
    text="Back to the Prediction",
    handler="back_to_prediction",
    tip="Forget your choice for the selected tracks",
    menu="&Edit",
)
add_action(
    name="select_album",
    text="Select Album",
    handler="select_album",
    tip="Select every track of this album",
    menu="&Edit",
)
add_action(
    name="errors",
    text="Show Files That Failed",
    handler="show_errors",
    tip="List the unreadable files",
    menu="&Edit",
    separator=True,
)
add_action(
    name="settings",
    text="Settings…",
    handler="open_settings",
    shortcut=QKeySequence.StandardKey.Preferences,
    menu="&Edit",
    separator=True,
)
add_action(
    name="learn",
    text="Learn from My Tags…",
    handler="learn_from_tags",
    tip="Learn the genres you already wrote in your files, and propose them in your words",
    menu="&Tools",
)
add_action(
    name="forget",
    text="Use the Stock Genres",
    handler="forget_learned",
    tip="Forget what was learned from your tags: back to our eleven genres",
    menu="&Tools",
)
add_action(
    name="play",
    text="Play/Pause",
    handler="play_pause",
    shortcut="Space",
    menu="&Play",
    window_shortcut=True,
)
add_action(name="about", text=f"About {APP_NAME}", handler="show_about", menu="&Help")


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


def _icon(window: QMainWindow, icon: str) -> QIcon | None:
    if not icon:
        return None
    if icon.startswith("SP_"):
        return window.style().standardIcon(getattr(QStyle.StandardPixmap, icon))
    theme, _, glyph = icon.partition("|")
    return QIcon.fromTheme(theme, glyph_icon(glyph))


def create(window: QMainWindow) -> dict[str, QAction]:
    """The window's QActions, by name, each running the window's method it names; the
    menus and the toolbar in the registry's order."""
    made: dict[str, QAction] = {}
    for spec in REGISTRY.values():
        a = QAction(spec.text, window)
        if spec.shortcut is not None:
            a.setShortcut(QKeySequence(spec.shortcut))
        if (icon := _icon(window, spec.icon)) is not None:
            a.setIcon(icon)
        if spec.tip:
            a.setStatusTip(spec.tip)
            a.setToolTip(spec.tip)
        if spec.window_shortcut:
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(a)
        a.setEnabled(spec.enabled)
        a.triggered.connect(_runner(window, spec.handler))
        made[spec.name] = a
    menus = {name: window.menuBar().addMenu(name) for name in MENUS}
    for spec in REGISTRY.values():
        if spec.menu:
            if spec.separator:
                menus[spec.menu].addSeparator()
            menus[spec.menu].addAction(made[spec.name])
    tb = QToolBar("Main")
    tb.setObjectName("main-toolbar")
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for spec in REGISTRY.values():
        if spec.toolbar:
            tb.addAction(made[spec.name])
    window.addToolBar(tb)
    return made


def _runner(window: QMainWindow, handler: str) -> Callable[[], None]:
    method = getattr(window, handler)  # a typo in the registry fails when the window opens
    return lambda *_: method()
