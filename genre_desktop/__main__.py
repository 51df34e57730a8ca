"""`genre-desktop`: no subcommand starts the app; a subcommand runs headless."""

from __future__ import annotations

import codecs
import contextlib
import sys
from collections.abc import Iterable
from typing import TextIO


def utf8_streams(streams: Iterable[TextIO | None] | None = None) -> None:
    """Make stdout/stderr UTF-8 where they are not (a pipe or a file on Windows is the
    ANSI code page, cp1252 in the West): a Japanese or Cyrillic file name would raise
    UnicodeEncodeError in the middle of a batch. A character the stream still cannot take
    is written as a \\x/\\u escape, never an exception. A console (already UTF-8 since
    Python 3.6) and a missing stream (a windowed app) are left alone."""
    for stream in (sys.stdout, sys.stderr) if streams is None else streams:
        if stream is None or not hasattr(stream, "reconfigure"):
            continue
        try:
            utf8 = codecs.lookup(stream.encoding or "ascii").name == "utf-8"
        except LookupError:
            utf8 = False
        with contextlib.suppress(ValueError, OSError):  # detached or closed
            if utf8 or stream.isatty():  # a terminal shows its own code page, not UTF-8
                stream.reconfigure(errors="backslashreplace")
            else:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    utf8_streams()
    import os

    from genre_desktop.cli import SUBCOMMANDS, positionals, run_cli

    positional = positionals(argv)  # an option's value ('--data-dir DIR') is not a path
    cli_flags = ("--version", "-V", "-h", "--help", "--self-test")
    if any(a in SUBCOMMANDS for a in positional) or any(a in cli_flags for a in argv):
        return run_cli(argv)
    if not all(os.path.exists(a) for a in positional):
        return run_cli(argv)  # argparse explains the unknown command
    # the app, optionally with folders/files to add (as a file manager's "Open with" passes
    # them); --data-dir moves its library as it does the commands'
    from genre_desktop.ui.app import run_gui

    return run_gui(app_arguments(argv))


def app_arguments(argv: list[str]) -> list[str]:
    """The app's arguments less `--data-dir DIR` (or `--data-dir=DIR`), which is set as
    GENRE_DESKTOP_DATA_DIR, the variable the app and its workers read."""
    import os

    out: list[str] = []
    it = iter(argv)
    for a in it:
        if a == "--data-dir":
            os.environ["GENRE_DESKTOP_DATA_DIR"] = os.path.abspath(next(it, ""))
        elif a.startswith("--data-dir="):
            os.environ["GENRE_DESKTOP_DATA_DIR"] = os.path.abspath(a.split("=", 1)[1])
        else:
            out.append(a)
    return out


if __name__ == "__main__":
    # PyInstaller bundles and `python -m` both land here; spawn workers need the guard
    import multiprocessing

    multiprocessing.freeze_support()
    raise SystemExit(main())
