"""`genre-desktop similar FILE [-k N] [--same-genre] [--json]`: more like this, from the
person's own library (answered from the cache; a new file is analysed first)."""

from __future__ import annotations

import os
import sys

from genre_desktop.cli.common import EXIT, emit_json, open_library, table
from genre_desktop.core.pipeline import Analyser, tracks_for
from genre_desktop.core.similarity import SimilarityIndex
from genre_desktop.errors import ModelError


def register(sub, common) -> None:
    p = sub.add_parser(
        "similar", parents=[common], help="tracks in your library that sound like FILE"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-k", type=int, default=10, help="how many (default 10)")
    p.add_argument(
        "--same-genre", action="store_true", help="only tracks with the same predicted genre"
    )
    p.add_argument("--other-artists", action="store_true", help="leave out the same artist")
    p.add_argument("--json", action="store_true", help='JSON Lines: {"path", "score"}, best first')
    p.set_defaults(func=run)


def run(args) -> int:
    library = open_library(args)
    path = os.path.abspath(args.file)
    if not os.path.isfile(path):
        print(f"{args.file}: not a file", file=sys.stderr)
        return EXIT.FAILED
    errors: list[tuple[str, str]] = []
    tracks = tracks_for(library, [path], errors)
    if not tracks:
        print(f"{args.file}: {errors[0][1] if errors else 'not an audio file'}", file=sys.stderr)
        return EXIT.FAILED
    try:
        analyser = Analyser(library, jobs=1)
    except ModelError as exc:
        print(f"genre-desktop: {exc}", file=sys.stderr)
        return EXIT.FAILED
    outcome = next(iter(analyser.run(tracks)))
    if outcome.analysis is None:
        print(f"{args.file}: {outcome.error}", file=sys.stderr)
        return EXIT.FAILED
    index = SimilarityIndex(library, analyser.version)
    neighbours = index.query(
        tracks[0].id, args.k, same_genre=args.same_genre, exclude_same_artist=args.other_artists
    )
    rows = []
    for n in neighbours:
        t = library.track(n.track_id)
        if t is None:
            continue
        if args.json:
            emit_json(
                {"path": t.path, "score": round(n.score, 4), "title": t.title, "artist": t.artist}
            )
        else:
            # no title tag: the file column says the name (an empty column is left out)
            rows.append([f"{n.score:.3f}", t.title, t.artist, t.path])
    if rows:
        table(rows, ["score", "title", "artist", "file"], flexible=3)
    elif not args.json:
        print(
            "No other analysed tracks in the library yet: classify or retag a folder first.",
            file=sys.stderr,
        )
    return EXIT.OK
