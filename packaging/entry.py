"""The bundle's entry point: the app, or a subcommand (`GenreDesktop retag ...`)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # spawned analysis workers re-enter here
    if sys.platform == "win32" and len(sys.argv) > 1 and sys.stdout is None:
        # GenreDesktop.exe is windowed and has no stdout: show a command's output in the
        # console it was started from. Pipes, redirects and exit codes need the console
        # program beside it, genre-desktop-cli.exe (same entry, console=True: stdout is set).
        try:
            import ctypes

            if ctypes.windll.kernel32.AttachConsole(-1):
                sys.stdout = open("CONOUT$", "w")  # noqa: SIM115
                sys.stderr = open("CONOUT$", "w")  # noqa: SIM115
        except Exception:
            pass
    from genre_desktop.__main__ import main

    raise SystemExit(main())
