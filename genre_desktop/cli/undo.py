"""`genre-desktop history` and `genre-desktop undo [BATCH]`."""

from __future__ import annotations

import datetime as dt
import json
import sys

from genre_desktop.cli.common import (
    EXIT,
    confirm,
    emit_json,
    open_library,
    table,
    write_session,
)
from genre_desktop.core import fields, journal
from genre_desktop.core.records import GENRE, BatchKind
from genre_desktop.core.session import restored
from genre_desktop.errors import BusyError


def register(sub, common) -> None:
    h = sub.add_parser(
        "history", parents=[common], help="list the batches of tag changes (newest last)"
    )
    h.add_argument("--json", action="store_true", help="one JSON object per batch (JSON Lines)")
    h.set_defaults(func=run_history)
    u = sub.add_parser(
        "undo", parents=[common], help="restore the genres a batch changed (default: the latest)"
    )
    u.add_argument("batch", nargs="?", type=int, help="batch id from `history`")
    u.add_argument(
        "--json", action="store_true", help="one JSON object per file, then a summary object"
    )
    u.add_argument(
        "--yes", "-y", action="store_true", help="undo without asking (needed without a terminal)"
    )
    u.add_argument(
        "--id3v23", action="store_true", help="write ID3v2.3 when restoring MP3, WAV, AIFF"
    )
    u.set_defaults(func=run_undo)


def _describe(b) -> str:
    try:
        d = json.loads(b.description)
        return ", ".join(d.get("roots", [])) or b.description
    except ValueError:
        return b.description


def run_history(args) -> int:
    library = open_library(args)
    rows = []
    for b in library.batches():
        when = dt.datetime.fromtimestamp(b.created_at).strftime("%Y-%m-%d %H:%M:%S")
        if args.json:
            emit_json(
                {
                    "batch": b.id,
                    "time": when,
                    "kind": b.kind,
                    "state": b.state,
                    "paths": _describe(b),
                    "counts": b.counts,
                    "undo_of": b.undo_of,
                }
            )
        else:
            counts = ", ".join(f"{n} {s}" for s, n in b.counts.items() if n)
            rows.append(
                [
                    str(b.id),
                    when,
                    b.kind + (f" of {b.undo_of}" if b.undo_of else ""),
                    b.state,
                    counts or "no changes",
                    _describe(b),
                ]
            )
    if rows:
        table(rows, ["batch", "time", "kind", "state", "changes", "paths"], flexible=5)
    elif not args.json:
        print("No tag changes yet.")
    return EXIT.OK


def run_undo(args) -> int:
    library = open_library(args)
    target = journal.last_undoable(library) if args.batch is None else library.batch(args.batch)
    if args.batch is not None and target is None:
        print(
            f"genre-desktop: no batch {args.batch} (see `genre-desktop history`)", file=sys.stderr
        )
        return EXIT.USAGE
    if target is None:
        print("Nothing to undo.", file=sys.stderr)
        return EXIT.OK
    n = target.written()
    when = dt.datetime.fromtimestamp(target.created_at).strftime("%Y-%m-%d %H:%M")
    ok = confirm(
        f"Undo batch {target.id} ({target.kind}, {when}, {_describe(target)}): give {n} file(s) "
        "their previous tags back?",
        args.yes,
        "undoing",
    )
    if ok is None:
        return EXIT.USAGE
    if not ok:
        print("Nothing changed.", file=sys.stderr)
        return EXIT.OK
    try:
        with write_session(library, BatchKind.UNDO, id3_version=3 if args.id3v23 else 4) as session:
            target, results = session.undo(target.id)
    except BusyError as exc:
        print(f"genre-desktop: {exc.reason}", file=sys.stderr)
        return EXIT.BUSY
    if target is None:
        print("Nothing to undo.", file=sys.stderr)
        return EXIT.OK
    n_restored = 0
    for r in results:
        ok = restored(r)
        n_restored += ok
        what = fields.word(r.field)
        if args.json:
            rec = {"path": r.path, "field": r.field, "status": "restored" if ok else r.state}
            rec.update({"genres": r.new} if r.field == GENRE else {"value": r.new})
            emit_json({**rec, "reason": r.reason})
        elif ok:
            value = "; ".join(r.new) if isinstance(r.new, list) else str(r.new or "")
            prefix = "" if r.field == GENRE else f"{what} "
            print(f"{r.path}: restored {prefix}{value or f'(no {what})'}")
        else:
            print(f"{r.path}: {r.state}: {r.reason}", file=sys.stderr)
    problems = len(results) - n_restored
    if args.json:
        emit_json(
            {"summary": True, "batch": target.id, "restored": n_restored, "not_restored": problems}
        )
    else:
        print(
            f"Batch {target.id}: {n_restored} restored, {problems} not restored.", file=sys.stderr
        )
    return EXIT.OK if n_restored or not results else EXIT.FAILED
