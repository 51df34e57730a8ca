"""Start the desktop app: QApplication, logging to the user log folder, the main window."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import time

from genre_desktop import APP_ID, APP_NAME, __version__, config

_STARTED = time.perf_counter()


def seconds_since_process_start() -> float:
    """Wall time since the OS started this process (interpreter start-up included)."""
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):  # not Linux
        return time.perf_counter() - _STARTED


def setup_logging() -> str:
    path = config.log_dir() / "genre-desktop.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return str(path)


def no_display_reason() -> str | None:
    """Why a window cannot open here, before Qt aborts on it (it exits with a message about
    its xcb plugin, which misleads): a Linux/BSD session without X11 or Wayland."""
    if sys.platform.startswith(("win", "darwin")):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs...: the person chose a platform that needs no X
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set)"


def run_gui(argv: list[str]) -> int:
    reason = no_display_reason()
    if reason:
        print(
            f"genre-desktop: the app needs a desktop session: {reason}.\n"
            "The command line works without one: `genre-desktop retag FOLDER`, "
            "`genre-desktop classify FOLDER`, `genre-desktop --help`.",
            file=sys.stderr,
        )
        return 1
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from genre_desktop.ui.mainwindow import MainWindow, app_icon

    log_path = setup_logging()
    QCoreApplication.setOrganizationName(APP_ID)
    QCoreApplication.setApplicationName(APP_ID)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(
        [sys.argv[0], *[a for a in argv if a.startswith("-")]]
    )
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    logging.getLogger(__name__).info("%s %s starting; log at %s", APP_NAME, __version__, log_path)
    try:
        settings = config.load_settings()
    except config.ConfigError as exc:
        QMessageBox.warning(None, APP_NAME, f"{exc}\n\nThe default settings are used.")
        settings = config.Settings()
    window = MainWindow(settings)
    window.show()
    if os.environ.get("GENRE_DESKTOP_EXIT_AFTER_SHOW"):  # start-up benchmark and bundle smoke test
        app.processEvents()
        print(f"window shown {seconds_since_process_start():.3f}", flush=True)
        window.close()
        return 0
    paths = [a for a in argv if not a.startswith("-")]
    if paths:
        window.add_paths(paths)
    return int(app.exec())
