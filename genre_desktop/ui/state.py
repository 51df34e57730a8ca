"""What the window remembers between runs (geometry, splitter, header, the person's column
choices, the last folder added), in an INI file beside the config file, so that a portable
or test config (GENRE_DESKTOP_CONFIG_DIR) keeps its own."""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView

from genre_desktop import config
from genre_desktop.ui.columns import ColumnFitter
from genre_desktop.ui.models import COL_TITLE, COLUMNS

_CHOICES = (("shown_columns", "person_shown"), ("kept_columns", "person_kept"))


def window_settings() -> QSettings:
    return QSettings(str(config.config_dir() / "window.ini"), QSettings.Format.IniFormat)


def _names(value: object) -> list[str] | None:
    if isinstance(value, list | str):
        return [value] if isinstance(value, str) else value
    return None


def restore(
    window: QMainWindow, splitter: QSplitter, view: QTableView, columns: ColumnFitter
) -> None:
    s = window_settings()
    geometry = s.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    state = s.value("window/splitter")
    if isinstance(state, QByteArray):
        splitter.restoreState(state)
    else:
        splitter.setSizes([880, 320])
    header = s.value("window/header")
    if isinstance(header, QByteArray):
        view.horizontalHeader().restoreState(header)
    hidden = _names(s.value("window/hidden_columns"))
    if hidden is not None:
        columns.person_hidden = {COLUMNS.index(n) for n in hidden if n in COLUMNS} - {COL_TITLE}
    for key, attr in _CHOICES:
        names = _names(s.value(f"window/{key}"))
        if names is not None:
            setattr(columns, attr, {COLUMNS.index(n) for n in names if n in COLUMNS})
    columns.fit()


def save(window: QMainWindow, splitter: QSplitter, view: QTableView, columns: ColumnFitter) -> None:
    s = window_settings()
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/splitter", splitter.saveState())
    s.setValue("window/header", view.horizontalHeader().saveState())
    s.setValue("window/hidden_columns", [COLUMNS[c] for c in sorted(columns.person_hidden)])
    for key, attr in _CHOICES:
        s.setValue(f"window/{key}", [COLUMNS[c] for c in sorted(getattr(columns, attr))])
    s.sync()


def start_folder() -> str:
    """Where Add Folder/Files open: the last folder added, else the Music folder."""
    last = window_settings().value("paths/last_added", "")
    if isinstance(last, str) and last and os.path.isdir(last):
        return last
    music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
    return music if music and os.path.isdir(music) else os.path.expanduser("~")


def added_folder(folder: str) -> None:
    """The next Add Folder opens beside this one."""
    window_settings().setValue("paths/last_added", os.path.dirname(folder))
