"""`genre-desktop tags PATH... [--json] [--set-genre NAME] [--set-bpm N] [--dry-run] [--yes]`:
show tags, or set the genre and/or the BPM (through the write session: lock, journal,
undo)."""

from __future__ import annotations

import argparse
import sys

from genre_desktop.cli.common import (
    EXIT,
    confirm,
    display_path,
    emit_json,
    open_library,
    table,
    write_session,
)
from genre_desktop.core import tags
from genre_desktop.core.labels import DISPLAY, display_name
from genre_desktop.core.records import BPM, GENRE, BatchKind, ChangeState, duration_text
from genre_desktop.core.scan import walk
from genre_desktop.errors import BusyError, GenreDesktopError


def register(sub, common) -> None:
    p = sub.add_parser(
        "tags",
        parents=[common],
        help="show the tags of audio files (folders recurse), or set their genre",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per file (JSON Lines)")
    p.add_argument(
        "--set-genre",
        metavar="NAME",
        help="write this genre (several: 'Rock; Pop'; '' removes it); undo with `genre-desktop undo`",
    )
    p.add_argument(
        "--set-bpm",
        metavar="N",
        type=_bpm,
        help="write this BPM (a whole number; 0 removes it); undo with `genre-desktop undo`",
    )
    p.add_argument(
        "--dry-run", "-n", action="store_true", help="with --set-*: show what would change"
    )
    p.add_argument(
        "--yes", "-y", action="store_true", help="with --set-*: write several files unasked"
    )
    p.add_argument(
        "--id3v23", action="store_true", help="write ID3v2.3 instead of v2.4 (MP3, WAV, AIFF)"
    )
    p.set_defaults(func=run)


def _bpm(text: str) -> int:
    """'120', '120.4' -> 120; a BPM a player reads is a whole number, 0 = none."""
    try:
        n = int(round(float(text)))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= n <= 999:
        raise argparse.ArgumentTypeError(f"a BPM is between 0 and 999, not {text}")
    return n


def parse_genres(value: str) -> list[str]:
    return [display_name(g) for g in value.split(";") if g.strip()]


def spelling_notes(value: str) -> list[str]:
    """What will be written, said plainly: a known genre's usual spelling, an unknown one as
    given (people do use their own genres)."""
    notes = []
    known = set(DISPLAY.values())
    for raw in (g.strip() for g in value.split(";") if g.strip()):
        name = display_name(raw)
        if name in known and name != raw:
            notes.append(f"'{raw}' is written as the usual spelling '{name}'")
        elif name not in known:
            notes.append(
                f"'{raw}' is not one of the {len(known)} genres the model knows; written as given"
            )
    return notes


def run(args) -> int:
    errors: list[tuple[str, str]] = []
    files = sorted(walk(args.paths, errors))  # path order, as classify and retag list them
    new: dict[str, object] = {}
    if args.set_genre is not None:
        new[GENRE] = parse_genres(args.set_genre)
    if args.set_bpm is not None:
        new[BPM] = args.set_bpm
    if not new:
        return _show(args, files, errors)
    notes = spelling_notes(args.set_genre) if args.set_genre is not None else []
    if args.dry_run:
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        return _show(args, files, errors, planned=new)
    what = _what(new)
    if len(files) > 1:
        ok = confirm(
            f"Write {what} into {len(files)} files?",
            args.yes,
            f"writing {len(files)} files",
        )
        if ok is None:
            return EXIT.USAGE
        if not ok:
            print("Nothing written.", file=sys.stderr)
            return EXIT.OK
    session = write_session(
        open_library(args),
        BatchKind.TAGS,
        description=f"set {what}",
        id3_version=3 if args.id3v23 else 4,
    )
    try:
        with session:
            code = _show(args, files, errors, session=session, new=new)
    except BusyError as exc:
        print(f"genre-desktop: {exc.reason}; nothing written", file=sys.stderr)
        return EXIT.BUSY
    for note in notes:  # said after the write, of what was written
        print(f"note: {note}", file=sys.stderr)
    return code


def _show(args, files, errors, planned=None, session=None, new=None) -> int:
    ok = written = 0
    rows = []
    for path, reason in errors:
        _report_error(args, path, reason)
    for path in files:
        try:
            info = tags.read(path)
        except GenreDesktopError as exc:
            _report_error(args, path, exc.reason)
            continue
        record = {
            "path": path,
            "format": info.format + (f" ({info.codec})" if info.codec else ""),
            "duration": round(info.duration, 3),
            "title": info.title,
            "artist": info.artist,
            "album": info.album,
            "genre": info.genre,
            "genres": info.genres,
        }
        bpm = info.extra.get(BPM, 0)
        if BPM in (planned or new or {}):
            record["bpm"] = bpm
        if planned is not None:
            if GENRE in planned:
                record.update(would_write=planned[GENRE], changed=info.genres != planned[GENRE])
            if BPM in planned:
                record.update(
                    would_write_bpm=planned[BPM],
                    changed=record.get("changed", False) or bpm != planned[BPM],
                )
        if new is not None:
            assert session is not None
            results = [session.write(path, value, field=name) for name, value in new.items()]
            failed = [r for r in results if r.state == ChangeState.FAILED]
            if failed:
                _report_error(args, path, failed[0].reason or "write failed")
                continue
            after = tags.read(path)
            record.update(genre=after.genre, genres=after.genres)
            for r in results:
                if r.field == GENRE:
                    record["old_genres"] = r.old
                else:
                    record.update(bpm=after.extra.get(BPM, 0), old_bpm=r.old)
            record["changed"] = any(r.state == ChangeState.WRITTEN for r in results)
            written += any(r.state == ChangeState.WRITTEN for r in results)
        ok += 1
        if args.json:
            emit_json(record)
        else:
            genre = record["genre"]
            if planned is not None and GENRE in planned:
                genre = f"{info.genre or '(none)'} -> {'; '.join(planned[GENRE]) or '(none)'}"
            cells = []
            if "bpm" in record:
                cells = [str(record["bpm"] or "")]
                if planned is not None and BPM in planned:
                    cells = [f"{bpm or '(none)'} -> {planned[BPM] or '(none)'}"]
            rows.append(
                [
                    display_path(path, args.paths)
                    if len(args.paths) > 1 or len(files) > 1
                    else path,
                    record["format"],
                    duration_text(info.duration),
                    info.title,
                    info.artist,
                    info.album,
                    genre,
                    *cells,
                ]
            )
    if rows:
        # a narrow terminal drops format, length and album before it cuts the genre
        headers = ["file", "format", "length", "title", "artist", "album", "genre"]
        table(
            rows,
            headers + (["bpm"] if len(rows[0]) > len(headers) else []),
            whole=(6,),
            optional=(1, 2, 5),
        )
    if planned is not None and not args.json:
        print("Dry run: no file was changed.", file=sys.stderr)
    batch_id = session.finish() if session is not None else None
    if batch_id is not None and written and not args.json:  # nothing written: nothing to undo
        print(f"batch {batch_id}: undo with `genre-desktop undo {batch_id}`", file=sys.stderr)
    return EXIT.OK if ok or not (files or errors) else EXIT.FAILED


def _what(new: dict) -> str:
    """'the genre Jazz', 'the BPM 120', 'the genre Jazz and the BPM 120'."""
    parts = []
    if GENRE in new:
        parts.append(f"the genre {'; '.join(new[GENRE]) or '(none)'}")
    if BPM in new:
        parts.append(f"the BPM {new[BPM] or '(none)'}")
    return " and ".join(parts)


def _report_error(args, path: str, reason: str) -> None:
    if args.json:
        emit_json({"path": path, "error": reason})
    else:
        print(f"{display_path(path, args.paths)}: {reason}", file=sys.stderr)
