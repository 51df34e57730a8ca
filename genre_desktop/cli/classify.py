"""`genre-desktop classify PATH... [--json]`: the genre of each file, from the audio."""

from __future__ import annotations

import sys

from genre_desktop.cli.common import EXIT, emit_json, load_settings_or_exit, open_library, table
from genre_desktop.core.labels import display_name
from genre_desktop.core.pipeline import Analyser, Outcome, tracks_for
from genre_desktop.errors import ModelError


def register(sub, common) -> None:
    p = sub.add_parser(
        "classify", parents=[common], help="predict the genre of audio files (folders recurse)"
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per file (JSON Lines)")
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        help="parallel analysis processes (default: config, else one per core)",
    )
    p.set_defaults(func=run)


def outcome_record(o: Outcome) -> dict:
    if o.analysis is None:
        return {"path": o.track.path, "error": o.error or "analysis failed"}
    a = o.analysis
    return {
        "path": o.track.path,
        "genre": display_name(a.genre),
        "confidence": round(a.confidence, 4),
        "probabilities": {display_name(k): round(v, 4) for k, v in a.ranked()},
        "tags": [t for t, _ in a.tags],
        "cached": o.cached,
    }


def run(args) -> int:
    settings = load_settings_or_exit(args)
    library = open_library(args)
    errors: list[tuple[str, str]] = []
    tracks = tracks_for(library, args.paths, errors)
    for path, reason in errors:
        emit_json({"path": path, "error": reason}) if args.json else print(
            f"{path}: {reason}", file=sys.stderr
        )
    try:
        analyser = Analyser(library, jobs=args.jobs or settings.effective_jobs)
    except ModelError as exc:
        print(f"genre-desktop: {exc}", file=sys.stderr)
        return EXIT.FAILED
    ok = 0
    rows = []
    for o in analyser.run(tracks):
        rec = outcome_record(o)
        if "error" in rec:
            emit_json(rec) if args.json else print(
                f"{rec['path']}: {rec['error']}", file=sys.stderr
            )
            continue
        ok += 1
        if args.json:
            emit_json(rec)
        else:
            ranked = list(rec["probabilities"].items())
            runner = f"{ranked[1][0]} {ranked[1][1]:.0%}" if len(ranked) > 1 else ""
            rows.append(
                [
                    rec["path"],
                    rec["genre"],
                    f"{rec['confidence']:.0%}",
                    runner,
                    ", ".join(rec["tags"][:3]),
                ]
            )
    if rows:
        table(sorted(rows), ["file", "genre", "confidence", "runner-up", "sounds like"])
    return EXIT.OK if ok or not (tracks or errors) else EXIT.FAILED
