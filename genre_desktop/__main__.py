"""`genre-desktop`: no subcommand starts the app; a subcommand runs headless."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    import os

    from genre_desktop.cli import SUBCOMMANDS, run_cli

    positional = [a for a in argv if not a.startswith("-")]
    cli_flags = ("--version", "-V", "-h", "--help", "--self-test")
    if any(a in SUBCOMMANDS for a in positional) or any(a in cli_flags for a in argv):
        return run_cli(argv)
    if not all(os.path.exists(a) for a in positional):
        return run_cli(argv)  # argparse explains the unknown command
    # the app, optionally with folders/files to add (as a file manager's "Open with" passes them)
    from genre_desktop.ui.app import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    # PyInstaller bundles and `python -m` both land here; spawn workers need the guard
    import multiprocessing

    multiprocessing.freeze_support()
    raise SystemExit(main())
