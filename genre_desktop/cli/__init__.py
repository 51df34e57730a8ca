"""Command-line interface: one module per subcommand, argparse, JSON Lines for scripts.

Exit codes: 0 done; 1 nothing succeeded (or a failure that stopped the command);
2 bad usage; 3 another process holds the library's write lock; 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import logging
import sys
import textwrap

from genre_desktop import __version__
from genre_desktop.cli.common import EXIT

SUBCOMMANDS = ("tags", "classify", "retag", "learn", "history", "undo", "similar", "config")


def build_parser() -> argparse.ArgumentParser:
    from genre_desktop.cli import classify, config_cmd, learn, retag, similar, tags, undo

    parser = argparse.ArgumentParser(
        prog="genre-desktop",
        usage="genre-desktop [FOLDER_OR_FILE ...]\n       genre-desktop COMMAND [options] PATH ...",
        # raw text, wrapped here at 78 so an 80-column terminal breaks no phrase
        description=textwrap.fill(
            "Classify, tag and explore a music collection by how it sounds. Without a "
            "command the app opens; `genre-desktop FOLDER...` opens it and adds those "
            "folders or files.",
            78,
        ),
        epilog=textwrap.fill(
            "Exit codes: 0 ok, 1 nothing succeeded, 2 usage, 3 library busy, 130 "
            "interrupted. Writing commands (retag, tags --set-genre on several files, undo) "
            "ask first on a terminal; elsewhere they need --yes.",
            78,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", "-V", action="version", version=f"genre-desktop {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the model, decoding and tag writing, then exit",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        help="library database folder (default: the user data folder; env GENRE_DESKTOP_DATA_DIR)",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    # each command's usage starts "genre-desktop retag ...", not the main usage's two lines
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog="genre-desktop")
    for module in (tags, classify, retag, learn, undo, similar, config_cmd):
        module.register(sub, common)
    return parser


def unknown_first_word(argv: list[str]) -> str | None:
    """What to say when the first word is neither a command nor an existing path: a path
    that is not there, or a command with a typo ('did you mean')."""
    import difflib
    import os

    words = positionals(argv)
    if not words or words[0] in SUBCOMMANDS or os.path.exists(words[0]):
        return None
    first = words[0]
    if any(sep in first for sep in ("/", "\\", os.sep)) or first.startswith((".", "~")):
        return f"no such file or folder: {first}"
    close = difflib.get_close_matches(first, SUBCOMMANDS, n=1, cutoff=0.6)
    if close:
        return f"unknown command '{first}': did you mean '{close[0]}'?"
    return (
        f"unknown command, file or folder: '{first}' (commands: {', '.join(SUBCOMMANDS)}; "
        "`genre-desktop --help` explains them)"
    )


def _valued_options() -> set[str]:
    """Options that take a value ('--data-dir DIR', '--jobs N'): their value is no path."""
    parser = build_parser()
    out: set[str] = set()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    parsers = [parser] + [p for a in subs for p in a.choices.values()]
    for p in parsers:
        for action in p._actions:
            if action.option_strings and action.nargs != 0:
                out.update(action.option_strings)
    return out


def positionals(argv: list[str]) -> list[str]:
    """The words of argv that are neither options nor an option's value."""
    valued = _valued_options()
    words: list[str] = []
    skip = False
    for a in argv:
        if skip:
            skip = False
        elif a.startswith("-"):
            skip = a in valued  # '--jobs=2' carries its value
        else:
            words.append(a)
    return words


def missing_paths(args) -> list[str]:
    """The paths a command was given that do not exist (a usage error: exit 2)."""
    import os

    given = list(getattr(args, "paths", None) or [])
    if getattr(args, "command", None) == "similar" and getattr(args, "file", None):
        given.append(args.file)
    return [p for p in given if not os.path.exists(p)]


def run_cli(argv: list[str]) -> int:
    problem = unknown_first_word(argv)
    if problem:
        print(f"genre-desktop: {problem}", file=sys.stderr)
        return EXIT.USAGE
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT.USAGE
    missing = missing_paths(args)
    if missing:
        for path in missing:
            print(f"genre-desktop: no such file or folder: {path}", file=sys.stderr)
        return EXIT.USAGE
    if getattr(args, "self_test", False):
        from genre_desktop.cli.selftest import self_test

        return self_test()
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT.USAGE
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT.INTERRUPTED
    except BrokenPipeError:
        return EXIT.OK
