"""`genre-desktop retag PATH...`: scan, classify, decide, write, report. Safe to interrupt
and re-run: a re-run resumes the interrupted batch and skips files already written."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter, defaultdict

from genre_desktop import config
from genre_desktop.cli.common import EXIT, emit_json, load_settings_or_exit, open_library
from genre_desktop.core import policy
from genre_desktop.core.pipeline import Analyser
from genre_desktop.core.records import BatchKind, ChangeState
from genre_desktop.core.scan import Cancelled, Progress, scan
from genre_desktop.core.session import WriteSession
from genre_desktop.errors import BusyError, ModelError


def register(sub, common) -> None:
    p = sub.add_parser(
        "retag",
        parents=[common],
        help="classify a collection and write the genres (safely; undo with `undo`)",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--dry-run", "-n", action="store_true", help="show what would change; change no file"
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--overwrite", action="store_true", help="replace genres already in the files"
    )
    mode.add_argument(
        "--keep-existing", action="store_true", help="only fill in missing genres (default)"
    )
    p.add_argument(
        "--min-confidence",
        type=float,
        metavar="X",
        help="write only predictions at least this sure (0-1; default 0.5)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="parallel analysis processes (default: one per core)",
    )
    p.add_argument(
        "--id3v23", action="store_true", help="write ID3v2.3 (MP3, WAV, AIFF) for old players"
    )
    p.add_argument(
        "--json", action="store_true", help="JSON Lines: one object per file, then a summary object"
    )
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=run)


class _Interrupt:
    """First Ctrl-C: finish the file in hand, then stop. Second: stop now."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True


def _settings(args):
    s = load_settings_or_exit(args)
    pol = "overwrite" if args.overwrite else "keep" if args.keep_existing else None
    try:
        return s.updated(
            policy=pol,
            min_confidence=args.min_confidence,
            jobs=args.jobs,
            id3_version=3 if args.id3v23 else None,
        )
    except config.ConfigError as exc:
        print(f"genre-desktop: {exc}", file=sys.stderr)
        raise SystemExit(EXIT.USAGE) from exc


def run(args) -> int:
    settings = _settings(args)
    start = time.perf_counter()
    library = open_library(args)
    roots = [os.path.abspath(p) for p in args.paths]
    # the same folders with the same policy resume an interrupted batch
    key = json.dumps({"roots": roots, "policy": settings.policy})
    session = WriteSession(
        library,
        BatchKind.RETAG,
        resume_key=key,
        description=key,
        id3_version=settings.id3_version,
    )
    if not args.dry_run:
        try:
            session.__enter__()
        except BusyError as exc:
            print(f"genre-desktop: {exc.reason}", file=sys.stderr)
            return EXIT.BUSY
    interrupt = _Interrupt()
    old_handler = signal.signal(signal.SIGINT, interrupt)
    try:
        return _run(args, settings, library, session, roots, interrupt, start)
    finally:
        signal.signal(signal.SIGINT, old_handler)
        session.__exit__(None, None, None)


def _run(args, settings, library, session, roots, interrupt, start) -> int:
    progress = Progress(is_cancelled=lambda: interrupt.requested)
    summary: Counter[str] = Counter()
    failures: dict[str, list[str]] = defaultdict(list)
    out = _Output(args)

    try:
        scanned = scan(library, roots, progress)
    except Cancelled:
        scanned = None
    if scanned is None or scanned.cancelled:
        return out.finish(summary, failures, start, interrupted=True)
    for path, reason in scanned.errors:
        if os.path.isdir(path) or not os.path.exists(path) or os.path.islink(path):
            failures[reason].append(path)
            summary["failed"] += 1
            out.file({"path": path, "status": "failed", "error": reason})
    tracks = library.tracks(roots)
    try:
        analyser = Analyser(library, jobs=settings.effective_jobs)
    except ModelError as exc:
        print(f"genre-desktop: {exc}", file=sys.stderr)
        return EXIT.FAILED

    batch_id: int | None = None
    bar = out.progress(len(tracks))
    interrupted = False
    try:
        for o in analyser.run(tracks, progress):
            bar.advance()
            d = policy.decide(
                o.track, o.analysis, settings.policy, settings.min_confidence, o.error
            )
            rec = {"path": o.track.path, "old": o.track.genres}
            if o.analysis is not None:
                rec.update(predicted=o.analysis.genre, confidence=round(o.analysis.confidence, 4))
            if d.kind == policy.FAILED:
                summary["failed"] += 1
                failures[d.reason].append(o.track.path)
                out.file({**rec, "status": "failed", "error": d.reason})
            elif d.kind != policy.WRITE:
                summary[d.kind] += 1
                out.file({**rec, "status": d.kind, "reason": d.reason})
            elif args.dry_run:
                summary["would-write"] += 1
                out.planned(
                    o.track.path,
                    o.track.genres,
                    d.new,
                    o.analysis.confidence if o.analysis else 0.0,
                )
                out.file({**rec, "status": "would-write", "new": d.new})
            else:
                res = session.write(
                    o.track.path, d.new, expect=(o.track.size, o.track.mtime_ns), old=o.track.genres
                )
                if res.state == ChangeState.FAILED:
                    summary["failed"] += 1
                    failures[res.reason or "write failed"].append(o.track.path)
                    out.file({**rec, "status": "failed", "error": res.reason})
                else:
                    summary["written" if res.state == ChangeState.WRITTEN else policy.SAME] += 1
                    out.file({**rec, "status": res.state, "new": d.new})
            if interrupt.requested:
                raise Cancelled()
    except (Cancelled, KeyboardInterrupt):
        interrupted = True
    finally:
        bar.close()
    if not interrupted and not args.dry_run:
        batch_id = session.finish()
    elif not args.dry_run:
        batch_id = session.batch_id
    return out.finish(summary, failures, start, interrupted=interrupted, batch_id=batch_id)


class _Output:
    """Terminal: a progress bar and a summary. Pipe: one line per file. --json: JSON Lines."""

    def __init__(self, args) -> None:
        self.args = args
        self.tty = sys.stderr.isatty() and not args.json

    def progress(self, total: int):
        return _Bar(total) if self.tty else _NoBar()

    def file(self, rec: dict) -> None:
        if self.args.json:
            emit_json(rec)
        elif not self.tty and not self.args.dry_run:
            detail = rec.get("error") or rec.get("reason") or "; ".join(rec.get("new", []))
            print(f"{rec['path']}: {rec['status']}" + (f" ({detail})" if detail else ""))
        elif rec["status"] == "failed" and not self.args.dry_run:
            print(f"{rec['path']}: {rec.get('error')}", file=sys.stderr)

    def planned(self, path: str, old: list[str], new: list[str], confidence: float) -> None:
        if not self.args.json:
            print(f"{path}: {'; '.join(old) or '(none)'} -> {'; '.join(new)} ({confidence:.0%})")

    def finish(self, summary, failures, start, interrupted=False, batch_id=None) -> int:
        took = time.perf_counter() - start
        data = {
            "summary": True,
            "written": summary["written"],
            "would_write": summary["would-write"],
            "had_genre": summary[policy.HAS_GENRE] + summary[policy.SAME],
            "below_threshold": summary[policy.LOW_CONFIDENCE],
            "failed": summary["failed"],
            "failures": {k: len(v) for k, v in failures.items()},
            "seconds": round(took, 2),
            "interrupted": interrupted,
            "batch": batch_id,
        }
        if self.args.json:
            emit_json(data)
        else:
            lines = [
                ("Would write" if self.args.dry_run else "Written")
                + f": {data['would_write'] if self.args.dry_run else data['written']}",
                f"Already had a genre: {data['had_genre']}",
                f"Below the confidence threshold: {data['below_threshold']}",
                f"Failed: {data['failed']}",
            ]
            lines += [
                f"  {n} x {reason}"
                for reason, n in sorted(data["failures"].items(), key=lambda kv: -kv[1])
            ]
            lines.append(
                f"Time: {took:.1f} s"
                + ("  (interrupted: run the same command again to resume)" if interrupted else "")
            )
            if batch_id and data["written"]:
                lines.append(f"Batch {batch_id}: undo with `genre-desktop undo {batch_id}`")
            print("\n".join(lines), file=sys.stderr if not self.tty else sys.stdout)
        if interrupted:
            return EXIT.INTERRUPTED
        nothing = (
            data["written"] + data["would_write"] + data["had_genre"] + data["below_threshold"] == 0
        )
        return EXIT.FAILED if nothing and data["failed"] else EXIT.OK


class _NoBar:
    def advance(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Bar:
    def __init__(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._p = Progress(
            TextColumn("Analysing"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True,
        )  # fmt: skip
        self._p.start()
        self._t = self._p.add_task("", total=total, rate="")
        self._start = time.perf_counter()
        self._n = 0

    def advance(self) -> None:
        self._n += 1
        rate = self._n / max(1e-6, time.perf_counter() - self._start)
        self._p.update(self._t, advance=1, rate=f"{rate:.1f} tracks/s")

    def close(self) -> None:
        self._p.stop()
