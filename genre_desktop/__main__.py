"""`genre-desktop`: no subcommand starts the app; a subcommand runs headless."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from genre_desktop.cli import SUBCOMMANDS, run_cli

    if any(a in SUBCOMMANDS for a in argv if not a.startswith("-")) or any(
        a in ("--version", "-V", "-h", "--help", "--self-test") for a in argv
    ):
        return run_cli(argv)
    from genre_desktop.ui.app import run_gui

    return run_gui(argv)


if __name__ == "__main__":
    # PyInstaller bundles and `python -m` both land here; spawn workers need the guard
    import multiprocessing

    multiprocessing.freeze_support()
    raise SystemExit(main())
