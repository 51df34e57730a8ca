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


# What Qt's xcb platform plugin loads (Qt 6.5+), by soname, with the package that has it on
# Debian/Ubuntu, Fedora and Arch. pip cannot install them; without one Qt aborts the process.
XCB_LIBRARIES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-render-util.so.0": (
        "libxcb-render-util0",
        "xcb-util-renderutil",
        "xcb-util-renderutil",
    ),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
}


def missing_libraries(libraries: dict[str, tuple[str, str, str]] = XCB_LIBRARIES) -> list[str]:
    """The sonames of `libraries` the dynamic linker cannot load here (Linux with X11 only:
    elsewhere Qt brings or needs none of them)."""
    if not sys.platform.startswith("linux"):
        return []
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return []  # offscreen, wayland...: the xcb plugin is not loaded
    if not platform and os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
        return []
    import ctypes

    missing = []
    for soname in libraries:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(soname)
    return missing


def missing_libraries_message(missing: list[str], libraries=XCB_LIBRARIES) -> str:
    """One line: what is missing and the packages that bring it on each family of Linux."""
    debian, fedora, arch = (
        " ".join(dict.fromkeys(libraries[m][i] for m in missing)) for i in range(3)
    )
    return (
        f"genre-desktop: the window needs system libraries that are missing ({', '.join(missing)}): "
        f"install them with `sudo apt-get install {debian}` (Debian/Ubuntu), "
        f"`sudo dnf install {fedora}` (Fedora) or `sudo pacman -S {arch}` (Arch), "
        "or run packaging/system-deps.sh from the source tree."
    )


def file_open_path(event) -> str:
    """The local path a QFileOpenEvent carries ('' when it is not a local file)."""
    path = event.file()
    if not path and event.url().isLocalFile():
        path = event.url().toLocalFile()
    return path


def make_file_opener(app):
    """An event filter for the application: files and folders dropped on the Dock icon or
    opened with Finder's "Open With" (macOS sends them as QFileOpenEvent, not as argv) go
    to the window like dropped folders. Events that arrive before the window exists (the
    ones that launched the app) are kept until `set_target`; several in a row (a drop of
    many files) reach the window as one list."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FileOpener(QObject):
        def __init__(self) -> None:
            super().__init__(app)
            self.pending: list[str] = []
            self.target = None
            self._flush = QTimer(self)
            self._flush.setSingleShot(True)
            self._flush.setInterval(0)
            self._flush.timeout.connect(self.flush)

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.FileOpen:
                path = file_open_path(event)
                if path:
                    self.pending.append(path)
                    if self.target is not None:
                        self._flush.start()
                return True
            return False

        def set_target(self, add_paths) -> None:
            self.target = add_paths
            self.flush()

        def flush(self) -> None:
            if self.target is not None and self.pending:
                paths, self.pending = list(dict.fromkeys(self.pending)), []
                self.target(paths)

    opener = FileOpener()
    app.installEventFilter(opener)
    return opener


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
    missing = missing_libraries()
    if missing:  # checked before Qt, which would abort the process over it
        print(missing_libraries_message(missing), file=sys.stderr)
        return 2
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
    opener = make_file_opener(app)  # before anything else: the launch's own open events
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
    opener.set_target(window.add_paths)  # Dock drops / Open With, also those held until now
    return int(app.exec())
