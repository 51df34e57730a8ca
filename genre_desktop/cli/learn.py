"""`genre-desktop learn PATH...`: learn the library's own genres from the genre tags its
owner already wrote, check the learned model on artists held out, and use it (in the owner's
words) where it beats the stock model. `learn --forget` goes back to the stock model."""

from __future__ import annotations

import sys
import textwrap
from dataclasses import asdict

from genre_desktop.cli.common import (
    EXIT,
    ProgressBar,
    emit_json,
    load_settings_or_exit,
    no_audio_message,
    open_library,
    terminal_width,
)
from genre_desktop.core import learn
from genre_desktop.core.model import load_card
from genre_desktop.core.pipeline import Analyser, tracks_for
from genre_desktop.errors import ModelError


def register(sub, common) -> None:
    p = sub.add_parser(
        "learn",
        parents=[common],
        help="learn your own genres from the genre tags already in your files",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders or files to learn from")
    p.add_argument(
        "--forget", action="store_true", help="forget what was learned: back to the stock model"
    )
    p.add_argument("--json", action="store_true", help="the report as one JSON object")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="parallel analysis processes")
    p.set_defaults(func=run)


def run(args) -> int:
    settings = load_settings_or_exit(args)
    library = open_library(args)
    if args.forget:
        had = library.get_meta(learn.META_KEY) is not None
        learn.save(library, None)
        print(
            "Forgotten: the stock model's genres are used again."
            if had
            else "Nothing was learned; the stock model is in use."
        )
        return EXIT.OK
    if not args.paths:
        print("genre-desktop learn: give the folders to learn from (or --forget)", file=sys.stderr)
        return EXIT.USAGE
    errors: list[tuple[str, str]] = []
    tracks = tracks_for(library, args.paths, errors)
    if not tracks:
        print(f"genre-desktop: {no_audio_message(args.paths)}", file=sys.stderr)
        return EXIT.FAILED
    try:
        card = load_card()
        analyser = Analyser(library, jobs=args.jobs or settings.effective_jobs)
    except ModelError as exc:
        print(f"genre-desktop: {exc}", file=sys.stderr)
        return EXIT.FAILED
    # every track needs the stock model's analysis (cached ones are reused)
    bar = ProgressBar(len(tracks), enabled=not args.json)
    try:
        for _ in analyser.run(tracks):
            bar.advance()
    except KeyboardInterrupt:
        bar.close()
        print("interrupted: nothing learned (the analyses so far are cached)", file=sys.stderr)
        return EXIT.INTERRUPTED
    bar.close()
    _, report = learn.learn_library(library, tracks, card.version, card.labels, card.tag_labels)
    if args.json:
        emit_json(asdict(report))
    else:
        lines = report.lines()
        if report.used:
            lines.append("(`genre-desktop learn --forget` goes back to the stock model.)")
        width = terminal_width()  # a terminal gets the report wrapped; a pipe whole lines
        for line in lines:
            if width is None:
                print(line)
            else:
                indent = " " * (len(line) - len(line.lstrip()) + 2)
                # whole words: 'Singer-Songwriter' is not broken at its hyphen
                print(
                    textwrap.fill(
                        line,
                        width - 1,
                        subsequent_indent=indent,
                        break_on_hyphens=False,
                        break_long_words=False,
                    )
                )
    return EXIT.OK


def judge_for(library, stock_version: str, stock: bool = False):
    """The library's learned model for the commands (None with --stock, or none learned);
    a stale one is said on stderr."""
    if stock:
        return None
    model, why = learn.load(library, stock_version)
    if why:
        print(f"genre-desktop: {why} (`genre-desktop learn FOLDER`)", file=sys.stderr)
    elif model is not None and learn.stale_tags(library, model):
        print(
            "genre-desktop: the genres in your files changed since the library learned; "
            "`genre-desktop learn FOLDER` learns them again",
            file=sys.stderr,
        )
    return model
