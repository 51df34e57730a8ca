"""`genre-desktop tags PATH... [--json] [--set-genre NAME]`: show or set tags."""

from __future__ import annotations

import os
import sys

from genre_desktop.cli.common import EXIT, emit_json, fmt_duration, open_library, table
from genre_desktop.core import tags
from genre_desktop.core.labels import display_name
from genre_desktop.core.records import BatchKind, ChangeState
from genre_desktop.core.scan import walk
from genre_desktop.core.session import WriteSession
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
        "--id3v23", action="store_true", help="write ID3v2.3 instead of v2.4 (MP3, WAV, AIFF)"
    )
    p.set_defaults(func=run)


def parse_genres(value: str) -> list[str]:
    return [display_name(g) for g in value.split(";") if g.strip()]


def run(args) -> int:
    errors: list[tuple[str, str]] = []
    files = list(walk(args.paths, errors))
    session = None
    new = parse_genres(args.set_genre) if args.set_genre is not None else None
    if new is not None:
        session = WriteSession(
            open_library(args),
            BatchKind.TAGS,
            description=f"set genre {'; '.join(new) or '(none)'}",
            id3_version=3 if args.id3v23 else 4,
        )
        try:
            session.__enter__()
        except BusyError as exc:
            print(f"genre-desktop: {exc.reason}", file=sys.stderr)
            return EXIT.BUSY
    try:
        return _run(args, files, errors, new, session)
    finally:
        if session is not None:
            session.__exit__(None, None, None)


def _run(args, files, errors, new, session) -> int:
    ok = 0
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
        if new is not None:
            assert session is not None
            res = session.write(path, new)
            if res.state == ChangeState.FAILED:
                _report_error(args, path, res.reason or "write failed")
                continue
            after = tags.read(path)
            record.update(
                genre=after.genre,
                genres=after.genres,
                old_genres=res.old,
                changed=res.state == ChangeState.WRITTEN,
            )
        ok += 1
        if args.json:
            emit_json(record)
        else:
            rows.append(
                [
                    path
                    if len(args.paths) > 1 or os.path.isdir(args.paths[0])
                    else os.path.basename(path),
                    record["format"],
                    fmt_duration(info.duration),
                    info.title,
                    info.artist,
                    info.album,
                    record["genre"],
                ]
            )
    if rows:
        table(rows, ["file", "format", "length", "title", "artist", "album", "genre"])
    batch_id = session.finish() if session is not None else None
    if batch_id is not None and not args.json:
        print(f"batch {batch_id}: undo with `genre-desktop undo {batch_id}`", file=sys.stderr)
    return EXIT.OK if ok or not (files or errors) else EXIT.FAILED


def _report_error(args, path: str, reason: str) -> None:
    if args.json:
        emit_json({"path": path, "error": reason})
    else:
        print(f"{path}: {reason}", file=sys.stderr)
