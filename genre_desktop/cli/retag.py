"""`genre-desktop retag PATH...`: scan, classify, decide, write, report. Safe to interrupt
and re-run: a re-run resumes the interrupted batch and skips files already written.

`--bpm` adds the analysis' tempo estimate to the plan (a whole number, written where a file
has no BPM; `--overwrite-bpm` replaces one): the same plan, question, journal and undo as
the genre; each BPM change is a line (JSON: an object with "field": "bpm") of its own."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter, defaultdict

from genre_desktop import config
from genre_desktop.cli.common import (
    EXIT,
    ProgressBar,
    confirm,
    display_path,
    emit_json,
    load_settings_or_exit,
    no_audio_message,
    open_library,
    path_cut,
    terminal_width,
    write_session,
)
from genre_desktop.cli.learn import judge_for
from genre_desktop.core import fields
from genre_desktop.core.pipeline import Analyser
from genre_desktop.core.plan import (
    BPM,
    GENRE,
    HAS_GENRE,
    LOW_CONFIDENCE,
    SAME,
    WRITE,
    Per,
    Threshold,
    WriteRequest,
    percent,
    plan_of,
    row_record,
)
from genre_desktop.core.records import BatchKind, ChangeState
from genre_desktop.core.scan import Cancelled, Progress, scan
from genre_desktop.errors import BusyError, ErrorKind, ModelError


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
        help="write only genres at least this sure (0-1; default: config, else the model's "
        "measured 95%%-precision threshold)",
    )
    bpm = p.add_mutually_exclusive_group()
    bpm.add_argument(
        "--bpm",
        action="store_const",
        const="keep",
        dest="bpm",
        help="also write each track's estimated BPM where a file has none (default: config)",
    )
    bpm.add_argument(
        "--overwrite-bpm",
        action="store_const",
        const="overwrite",
        dest="bpm",
        help="also write the estimated BPM, replacing a BPM already in a file",
    )
    bpm.add_argument("--no-bpm", action="store_const", const="off", dest="bpm", help="write no BPM")
    p.add_argument(
        "--stock",
        action="store_true",
        help="the stock model's genres, not the library's own learned ones (see `learn`)",
    )
    p.add_argument(
        "--per",
        choices=[p.value for p in Per],
        help="what decides the genre: the album's tracks pooled (default) or each track alone",
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
    p.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="write without asking (needed without a terminal, e.g. in scripts or cron)",
    )
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
            per=args.per,
            bpm=getattr(args, "bpm", None),
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
    what = {"roots": roots, "policy": settings.policy}
    if settings.bpm != "off":
        what["bpm"] = settings.bpm
    key = json.dumps(what)
    # the lock is taken to write, not to think: scanning, analysing and the question run
    # without it, and a file whose genre changed meanwhile is reported, not overwritten
    session = write_session(
        library,
        BatchKind.RETAG,
        resume_key=key,
        description=key,
        id3_version=settings.id3_version,
    )
    interrupt = _Interrupt()
    old_handler = signal.signal(signal.SIGINT, interrupt)
    try:
        return _run(args, settings, library, session, roots, interrupt, start)
    finally:
        signal.signal(signal.SIGINT, old_handler)


def _run(args, settings, library, session, roots, interrupt, start) -> int:
    progress = Progress(is_cancelled=lambda: interrupt.requested)
    summary: Counter[str] = Counter()
    failures: dict[str, list[str]] = defaultdict(list)
    out = _Output(args, roots)

    try:
        scanned = scan(library, roots, progress)
    except Cancelled:
        scanned = None
    if scanned is None or scanned.cancelled:
        return out.finish(summary, failures, start, interrupted=True)
    for path, reason in scanned.errors:
        if os.path.isdir(path) or not os.path.exists(path) or os.path.islink(path):
            failures[ErrorKind.UNREADABLE].append(path)
            summary["failed"] += 1
            out.file({"path": path, "status": "failed", "error": reason})
    tracks = library.tracks(roots)
    if not tracks and not summary["failed"]:
        print(f"genre-desktop: {no_audio_message(args.paths)}", file=sys.stderr)
        return EXIT.FAILED
    try:
        analyser = Analyser(library, jobs=settings.effective_jobs)
    except ModelError as exc:
        print(f"genre-desktop: {exc}", file=sys.stderr)
        return EXIT.FAILED

    # 1. analyse everything (cached analyses are reused): an album's genre needs all of it
    outcomes = []
    bar = out.progress(len(tracks))
    try:
        for o in analyser.run(tracks, progress):
            bar.advance()
            outcomes.append(o)
    except (Cancelled, KeyboardInterrupt):
        bar.close()
        return out.finish(summary, failures, start, interrupted=True)
    bar.close()

    # 2. decide: the core plan (albums pooled or not, the one policy); the library's own
    # learned model, when it has one, re-reads each analysis in the owner's words; the
    # threshold is the plan's one rule (--min-confidence or the config file's, else the
    # learned model's, else the card's)
    judge = judge_for(analyser.library, analyser.version, args.stock)
    decided = plan_of(outcomes, settings, judge)
    out.threshold = decided.threshold
    plan = []
    for o in outcomes:
        row = decided.rows[o.track.id]
        rec = {**row_record(row, settings.per), "field": GENRE}
        d = row.decision
        if d is None:  # not analysed
            summary["failed"] += 1
            failures[o.error_kind or ErrorKind.OTHER].append(o.track.path)
            out.file({**rec, "status": "failed", "error": row.error or "not analysed"})
        elif d.kind != WRITE:
            summary[d.kind] += 1
            out.file({**rec, "status": d.kind, "reason": d.reason})
        else:
            plan.append((decided.writes([o.track.id], only=[GENRE])[0], rec))
        for req in decided.writes([o.track.id], only=[BPM]):  # --bpm: its own change
            plan.append((req, {"path": req.path, "field": req.field, "old": req.old}))

    if args.dry_run:
        for req, rec in plan:
            summary[_count("would-write", req)] += 1
            summary["by-album"] += req.by_album
            out.planned(req)
            out.file({**rec, "status": "would-write", "new": req.new})
        return out.finish(summary, failures, start)

    # 3. ask, then write through the session (lock, journal, resume); the time the person
    # took to answer is not the command's
    if plan:
        asked = time.perf_counter()
        files = len({req.path for req, _ in plan})
        ok = confirm(out.plan_summary(plan, summary), args.yes, f"writing {files} file(s)")
        start += time.perf_counter() - asked
        if ok is None:
            return EXIT.USAGE
        if not ok:
            print("Nothing written.", file=sys.stderr)
            return EXIT.OK
    batch_id: int | None = None
    interrupted = False
    if plan:
        try:
            with session:  # the lock, only now: nothing before this point writes
                interrupted = _write(plan, session, summary, failures, out, interrupt)
                batch_id = session.batch_id if interrupted else session.finish()
        except BusyError as exc:
            print(f"genre-desktop: {exc.reason}; nothing written", file=sys.stderr)
            return EXIT.BUSY
    return out.finish(summary, failures, start, interrupted=interrupted, batch_id=batch_id)


def _write(plan, session, summary, failures, out, interrupt) -> bool:
    """Write the plan through the session; True when Ctrl-C cut it short."""
    try:
        for req, rec in plan:
            res = session.request(req)
            if res.state == ChangeState.FAILED:
                summary["failed"] += 1
                failures[ErrorKind.TAG_WRITE].append(req.path)
                out.file({**rec, "status": "failed", "error": res.reason})
            elif req.field != GENRE:
                summary["bpm-written" if res.state == ChangeState.WRITTEN else "bpm-same"] += 1
                out.file({**rec, "status": str(res.state), "new": req.new})
            else:
                summary["written" if res.state == ChangeState.WRITTEN else SAME] += 1
                summary["by-album"] += req.by_album and res.state == ChangeState.WRITTEN
                out.file({**rec, "status": str(res.state), "new": req.new})
            if interrupt.requested:
                raise Cancelled()
    except (Cancelled, KeyboardInterrupt):
        return True
    return False


class _Output:
    """Terminal: a progress bar, the plan, a summary. Pipe: one line per file. --json: JSON
    Lines."""

    def __init__(self, args, roots) -> None:
        self.args = args
        self.roots = roots
        self.tty = sys.stderr.isatty() and not args.json
        self.threshold: Threshold | None = None  # in force, once the plan is made

    def progress(self, total: int) -> ProgressBar:
        return ProgressBar(total, enabled=not self.args.json)

    def show(self, path: str) -> str:
        return display_path(path, self.roots)

    def file(self, rec: dict) -> None:
        if self.args.json:
            emit_json(rec)
        elif not self.tty and not self.args.dry_run:
            detail = rec.get("error") or rec.get("reason") or _text(rec.get("new", []))
            if rec.get("field", GENRE) != GENRE and not rec.get("error"):
                detail = f"{fields.word(rec['field'])} {detail}"
            by = " [album]" if rec.get("decided_by") == "album" and rec.get("new") else ""
            print(f"{rec['path']}: {rec['status']}" + (f" ({detail}){by}" if detail else ""))
        elif rec["status"] == "failed":  # a dry run names what failed, as the run does
            print(f"{self.show(rec['path'])}: {rec.get('error')}", file=sys.stderr)

    def change_line(self, req: WriteRequest, width: int | None = None) -> str:
        """'…/Album/01 - Song.flac: (none) -> Rock (88%)'; on a terminal the path gives way
        so the line fits and never wraps mid-word."""
        what = "" if req.field == GENRE else f"{fields.word(req.field)} "
        rest = f": {what}{_text(req.old) or '(none)'} -> {_why(req)}"
        path = self.show(req.path)
        if width is not None:
            path = path_cut(path, max(16, width - 1 - len(rest)))
        return path + rest

    def planned(self, req: WriteRequest) -> None:
        if not self.args.json:
            print(self.change_line(req, terminal_width(sys.stdout)))

    def plan_summary(self, plan, summary) -> str:
        """What the question shows: counts and the first few changes."""
        genres = sum(req.field == GENRE for req, _ in plan)
        others = len(plan) - genres
        lines = [
            f"Would write {genres} file(s); kept: {summary[HAS_GENRE] + summary[SAME]} "
            f"with a genre, {summary[LOW_CONFIDENCE]} not sure enough; failed: {summary['failed']}."
            + (f" And the BPM of {others} file(s)." if others else "")
        ]
        width = terminal_width(sys.stderr)
        if width is not None:  # whole words on a terminal
            import textwrap

            lines = textwrap.wrap(lines[0], width - 1, break_on_hyphens=False)
        for req, _ in plan[:8]:
            lines.append("  " + self.change_line(req, width - 2 if width else None))
        if len(plan) > 8:
            lines.append(f"  … and {len(plan) - 8} more (--dry-run lists them all)")
        print("\n".join(lines), file=sys.stderr)
        return f"Write {_changes(plan)}?"

    def finish(self, summary, failures, start, interrupted=False, batch_id=None) -> int:
        took = time.perf_counter() - start
        data = {
            "summary": True,
            "written": summary["written"],
            "would_write": summary["would-write"],
            "had_genre": summary[HAS_GENRE] + summary[SAME],
            "below_threshold": summary[LOW_CONFIDENCE],
            "failed": summary["failed"],
            "failures": {str(k): len(v) for k, v in failures.items()},
            "decided_by_album": summary["by-album"],
            "threshold": self.threshold.value if self.threshold else None,
            "threshold_source": str(self.threshold.source) if self.threshold else None,
            "bpm_written": summary["bpm-written"],
            "bpm_would_write": summary["bpm-would-write"],
            "seconds": round(took, 2),
            "interrupted": interrupted,
            "batch": batch_id,
        }
        if self.args.json:
            emit_json(data)
        else:
            lines = [
                ("Would write" if self.args.dry_run else "Written")
                + f": {data['would_write'] if self.args.dry_run else data['written']}"
                + (
                    f" ({data['decided_by_album']} decided by their album)"
                    if data["decided_by_album"]
                    else ""
                ),
                f"Already had a genre: {data['had_genre']}",
            ]
            if data["bpm_written"] or data["bpm_would_write"]:
                n_bpm = data["bpm_would_write" if self.args.dry_run else "bpm_written"]
                lines.append(f"BPM {'would be ' if self.args.dry_run else ''}written: {n_bpm}")
            lines += [
                "Below the confidence threshold"
                + (f" ({self.threshold.text()})" if self.threshold else "")
                + f": {data['below_threshold']}",
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
            data["written"]
            + data["would_write"]
            + data["had_genre"]
            + data["below_threshold"]
            + data["bpm_written"]
            + data["bpm_would_write"]
            == 0
        )
        return EXIT.FAILED if nothing and data["failed"] else EXIT.OK


def _why(req: WriteRequest) -> str:
    """'Rock (88%)' or 'Rock (album 88%)': what decided, and how sure; '120 (estimate)'."""
    if req.field != GENRE:
        return f"{_text(req.new)} (estimate)"
    return f"{'; '.join(req.new)} ({'album ' if req.by_album else ''}{percent(req.confidence)})"


def _text(value) -> str:
    """A field's value as a line says it: genres joined, a BPM as is, nothing as ''."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value) if value else ""


def _count(what: str, req: WriteRequest) -> str:
    return what if req.field == GENRE else f"bpm-{what}"


def _changes(plan) -> str:
    """'the genre into 3 file(s)', '... and the BPM into 2 file(s)': what the question asks
    to write."""
    genres = sum(req.field == GENRE for req, _ in plan)
    others = len(plan) - genres
    parts = [f"the genre into {genres} file(s)"] if genres else []
    parts += [f"the BPM into {others} file(s)"] if others else []
    return " and ".join(parts)
