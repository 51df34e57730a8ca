"""`genre-desktop classify PATH... [--json]`: the genre of each file, from the audio.

Rows are printed as files are done (an album's rows together, once all its tracks are
analysed, since its genre pools them), with a progress bar on a terminal; Ctrl-C keeps what
is done and prints it."""

from __future__ import annotations

import sys

from genre_desktop.cli.common import (
    EXIT,
    WHOLE_MAX,
    ProgressBar,
    display_path,
    emit_json,
    end_cut,
    fit_widths,
    load_settings_or_exit,
    no_audio_message,
    open_library,
    path_cut,
    terminal_width,
)
from genre_desktop.cli.learn import judge_for
from genre_desktop.core.labels import DISPLAY
from genre_desktop.core.pipeline import Analyser, tracks_for
from genre_desktop.core.plan import Per, Plan, Row, percent
from genre_desktop.errors import ModelError

HEADERS = ("file", "genre", "conf.", "runner-up", "album genre", "sounds like", "bpm")


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
    p.add_argument(
        "--stock",
        action="store_true",
        help="the stock model's genres, not the library's own learned ones (see `learn`)",
    )
    p.add_argument(
        "--per",
        choices=[p.value for p in Per],
        help="pool each album's tracks (default, from the config) or judge each track alone",
    )
    p.set_defaults(func=run)


def outcome_record(row: Row, cached: bool = False, per: str = "album") -> dict:
    """One file's JSON object: its genre, confidence, every probability, the album's genre
    and which model decided (stock, or the library's own)."""
    a = row.opinion
    if a is None:
        return {"path": row.track.path, "error": row.error or "analysis failed"}
    verdict = row.verdict if per == Per.ALBUM else None
    album = verdict.album if verdict else None
    return {
        "path": row.track.path,
        "genre": row.name(a.genre),
        "confidence": round(a.confidence, 4),
        "probabilities": {row.name(k): round(v, 4) for k, v in a.ranked()},
        "tags": [t for t, _ in (row.analysis.tags if row.analysis else [])],
        "album_genre": row.name(album.genre) if album else None,
        "album_confidence": round(album.confidence, 4) if album else None,
        "album_tracks": album.tracks if album else None,
        "follows_album": bool(verdict and verdict.follows and album),
        "model": row.source,
        "cached": cached,
        "bpm": bpm_of(row),
    }


def bpm_of(row: Row) -> int | None:
    """The tempo the analysis heard, a whole number as players store it (None: none heard)."""
    bpm = row.analysis.bpm if row.analysis else None
    return int(round(bpm)) if bpm else None


class _Rows:
    """Prints rows as they come: JSON Lines, or table rows sized to the terminal once."""

    def __init__(
        self, args, bar: ProgressBar, albums: bool = True, names: list[str] | None = None
    ) -> None:
        self.args = args
        # the genre column fits the longest genre that may be proposed: our names, or the
        # owner's words of a learned model ('Singer-Songwriter' whole, not 'Singe…riter')
        self.genre_w = min(WHOLE_MAX, max(len(n) for n in (names or list(DISPLAY.values()))))
        self.bar = bar
        self.widths: list[int] | None = None
        self.started = False
        self.albums = albums  # any track in an album: else the album column stays empty
        self.keep = list(range(len(HEADERS)))

    def error(self, path: str, reason: str) -> None:
        if self.args.json:
            emit_json({"path": path, "error": reason})
        else:
            self.bar.print(f"{display_path(path, self.args.paths)}: {reason}", err=True)

    def row(self, rec: dict, row: Row) -> None:
        if self.args.json:
            emit_json(rec)
            return
        assert row.opinion is not None
        # percentages from the unrounded figures, as the window shows them
        ranked = row.ranked()
        runner = f"{ranked[1][0]} {percent(ranked[1][1])}" if len(ranked) > 1 else ""
        album = row.verdict.album if row.verdict and rec["album_genre"] else None
        album_text = (
            f"{rec['album_genre']} {percent(album.confidence)}"
            + ("" if rec["follows_album"] else " (not this)")
            if album is not None
            else ""
        )
        cells = [
            display_path(rec["path"], self.args.paths),
            rec["genre"],
            percent(row.opinion.confidence),
            runner,
            album_text,
            ", ".join(rec["tags"][:3]),
            str(rec["bpm"]) if rec["bpm"] else "",  # the tempo heard (the analysis')
        ]
        if not self.started:
            self.started = True
            width = terminal_width(sys.stdout)
            if width is not None:  # a pipe keeps every field, so `cut -f` stays stable
                # a terminal shows only what has content (no album: no album column), and
                # a narrow one drops the descriptive tags: the genre columns matter more
                self.keep = [
                    i
                    for i in range(len(HEADERS))
                    if (i != 4 or self.albums)
                    and (i != 5 or width >= 110)
                    and (i != 6 or width >= 90)
                ]
                genre_w = self.genre_w
                natural = [max(len(cells[0]) + 8, 40), genre_w, 5, genre_w + 5, genre_w + 5, 30, 4]
                widths = [natural[i] for i in self.keep]
                # rows stream in: the file column takes what the others leave, for the
                # longer names still to come; the genre and its confidence stay whole
                widths[0] = max(widths[0], width - sum(widths[1:]) - 2 * (len(widths) - 1))
                self.widths = fit_widths(widths, width, 0, whole=[1, 2])
            self._emit(list(HEADERS))
        self._emit(cells)

    def _emit(self, cells: list[str]) -> None:
        cells = [cells[i] for i in self.keep]
        if self.widths is None:  # a pipe: tab-separated, nothing cut (cut -f, awk -F'\t')
            self.bar.print("\t".join(cells).rstrip())
            return
        last = len(cells) - 1
        parts = [
            (path_cut(c, w) if i == 0 else end_cut(c, w)).ljust(w if i < last else 0)
            for i, (c, w) in enumerate(zip(cells, self.widths, strict=True))
        ]
        self.bar.print("  ".join(parts).rstrip())


def run(args) -> int:
    settings = load_settings_or_exit(args)
    if args.per:
        settings = settings.updated(per=args.per)
    library = open_library(args)
    errors: list[tuple[str, str]] = []
    tracks = tracks_for(library, args.paths, errors)
    if not tracks and not errors:
        print(f"genre-desktop: {no_audio_message(args.paths)}", file=sys.stderr)
        return EXIT.FAILED
    try:
        analyser = Analyser(library, jobs=args.jobs or settings.effective_jobs)
    except ModelError as exc:
        print(f"genre-desktop: {exc}", file=sys.stderr)
        return EXIT.FAILED
    bar = ProgressBar(len(tracks), enabled=not args.json)
    plan = Plan(settings, judge_for(library, analyser.version, args.stock))
    plan.reset([Row(t) for t in tracks])
    per_album = plan.per == Per.ALBUM
    out = _Rows(
        args,
        bar,
        albums=per_album and any(plan.album_ids(t.id) for t in tracks),
        names=plan.genre_names(),
    )
    for path, reason in errors:
        out.error(path, reason)
    cached: dict[int, bool] = {}
    done: set[int] = set()
    ok = 0

    def emit(ids: list[int]) -> None:
        nonlocal ok
        plan.settle()  # the album's genre, now that its tracks are in
        for row in sorted((plan.rows[i] for i in ids), key=lambda r: r.track.path):
            rec = outcome_record(row, cached.get(row.track.id, False), settings.per)
            if "error" in rec:
                out.error(rec["path"], rec["error"])
            else:
                ok += 1
                out.row(rec, row)

    interrupted = False
    try:
        for o in analyser.run(tracks):
            bar.advance()
            plan.set_analysis(o.track.id, o.analysis, o.error)
            cached[o.track.id] = o.cached
            done.add(o.track.id)
            members = plan.album_ids(o.track.id) if per_album else []
            if not members:
                emit([o.track.id])
            elif all(i in done for i in members):
                emit(members)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    # albums cut short by Ctrl-C: what is done of them
    rest = [
        i
        for i in done
        if per_album and plan.album_ids(i) and not all(m in done for m in plan.album_ids(i))
    ]
    if rest:
        emit(rest)
    if interrupted:
        print("interrupted: the files above are done (and cached)", file=sys.stderr)
        return EXIT.INTERRUPTED
    return EXIT.OK if ok or not (tracks or errors) else EXIT.FAILED
