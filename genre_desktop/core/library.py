"""The library cache: one SQLite file (WAL) holding tracks, analyses with their embeddings,
and the journal of tag changes that undo reads.

Schema changes are numbered migrations applied in order inside one transaction each, and
`PRAGMA user_version` records the last one. Every multi-row update is one transaction, so
a kill at any point leaves the database as it was before or after it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from genre_desktop.core import fields, pathkey
from genre_desktop.core.records import (
    GENRE,
    Analysis,
    Batch,
    BatchKind,
    BatchState,
    Change,
    ChangeState,
    Track,
)
from genre_desktop.errors import LibraryError

__all__ = ["Analysis", "Batch", "Change", "Library", "Track", "default_path"]

DB_NAME = "library.sqlite3"

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE roots (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        added_at REAL NOT NULL
    );
    CREATE TABLE tracks (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        format TEXT NOT NULL DEFAULT '',
        codec TEXT NOT NULL DEFAULT '',
        duration REAL NOT NULL DEFAULT 0,
        sample_rate INTEGER NOT NULL DEFAULT 0,
        channels INTEGER NOT NULL DEFAULT 0,
        title TEXT NOT NULL DEFAULT '',
        artist TEXT NOT NULL DEFAULT '',
        album TEXT NOT NULL DEFAULT '',
        genres TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        scanned_at REAL NOT NULL
    );
    CREATE TABLE analyses (
        track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        model_version TEXT NOT NULL,
        genre TEXT NOT NULL,
        confidence REAL NOT NULL,
        probabilities TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        embedding BLOB,
        windows INTEGER NOT NULL DEFAULT 0,
        analysed_at REAL NOT NULL,
        PRIMARY KEY (track_id, model_version)
    );
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        created_at REAL NOT NULL,
        kind TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT 'open',
        undo_of INTEGER REFERENCES batches(id)
    );
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        field TEXT NOT NULL DEFAULT 'genre',
        old_value TEXT NOT NULL,
        new_value TEXT NOT NULL,
        state TEXT NOT NULL,
        error TEXT,
        size_after INTEGER,
        mtime_ns_after INTEGER,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX changes_batch ON changes(batch_id);
    CREATE INDEX changes_path ON changes(path);
    """,
    # 2: album fields (grouping by album) and the resume key of a batch, in columns
    """
    ALTER TABLE tracks ADD COLUMN album_artist TEXT NOT NULL DEFAULT '';
    ALTER TABLE tracks ADD COLUMN track_number INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tracks ADD COLUMN disc_number INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tracks ADD COLUMN year TEXT NOT NULL DEFAULT '';
    ALTER TABLE tracks ADD COLUMN compilation INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE batches ADD COLUMN resume_key TEXT NOT NULL DEFAULT '';
    CREATE INDEX batches_resume ON batches(resume_key, state);
    -- the next scan re-reads every file's tags, so the new fields are filled in (the new
    -- model version re-analyses every track anyway, so this costs no extra analysis)
    UPDATE tracks SET mtime_ns = -1;
    """,
    # 3: the tag fields declared only in core.fields (bpm, ...), and the library's own
    # settings and learned things (key -> JSON)
    """
    ALTER TABLE tracks ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 4: which model decided a change (stock, library), so a redo after an undo says it too
    """
    ALTER TABLE changes ADD COLUMN source TEXT NOT NULL DEFAULT '';
    """,
    # 5: the tempo the analysis estimates (core.tempo), cached with it; NULL in rows analysed
    # before (they get one when next analysed: no re-analysis is forced for it)
    """
    ALTER TABLE analyses ADD COLUMN bpm REAL;
    """,
]

# The track columns a scan writes, in one list: INSERT, UPDATE and the record are made
# from it (id and path are the keys, scanned_at is set here).
TRACK_FIELDS: tuple[str, ...] = (
    "size",
    "mtime_ns",
    "format",
    "codec",
    "duration",
    "sample_rate",
    "channels",
    "title",
    "artist",
    "album",
    "genres",
    "error",
    "album_artist",
    "track_number",
    "disc_number",
    "year",
    "compilation",
    "extra",  # every other tag field of core.fields, as JSON
)
_TO_DB: dict[str, Callable[[Any], Any]] = {
    "genres": json.dumps,
    "compilation": int,
    "extra": json.dumps,
}
_FROM_DB: dict[str, Callable[[Any], Any]] = {
    "genres": json.loads,
    "compilation": bool,
    "extra": json.loads,
}
_INSERT_TRACK = (
    f"INSERT INTO tracks({', '.join(TRACK_FIELDS)}, scanned_at, path) "
    f"VALUES ({', '.join('?' * (len(TRACK_FIELDS) + 2))})"
)
_UPDATE_TRACK = (
    f"UPDATE tracks SET {', '.join(f'{c}=?' for c in TRACK_FIELDS)}, scanned_at=? WHERE id=?"
)


def default_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME


class Library:
    """One connection to the library database. Use one Library per thread."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=30000")
            self._lock = threading.RLock()
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"cannot open the library database: {exc}", self.path) from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        with self.transaction() as db:
            current = int(db.execute("PRAGMA user_version").fetchone()[0])
            if current > len(MIGRATIONS):
                raise LibraryError(
                    f"database schema {current} is newer than this app knows ({len(MIGRATIONS)})",
                    self.path,
                )
            for number in range(current, len(MIGRATIONS)):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")
            # a field added to core.fields: the next scan re-reads every file's tags
            sig = fields.signature()
            row = db.execute("SELECT value FROM meta WHERE key='fields'").fetchone()
            if row is None or json.loads(row[0]) != sig:
                db.execute("UPDATE tracks SET mtime_ns = -1")
                db.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('fields', ?)",
                    (json.dumps(sig),),
                )

    # -- the library's own values (key -> JSON) -------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        with self.transaction() as db:
            if value is None:
                db.execute("DELETE FROM meta WHERE key=?", (key,))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                    (key, json.dumps(value)),
                )

    # -- roots ---------------------------------------------------------------------------
    def add_root(self, path: str | os.PathLike[str]) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO roots(path, added_at) VALUES (?, ?)",
                (str(path), time.time()),
            )

    def roots(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT path FROM roots ORDER BY path")]

    def remove_root(self, path: str | os.PathLike[str]) -> int:
        """Forget a folder and its tracks (the files are not touched). Returns tracks removed."""
        root = str(path)
        with self.transaction() as db:
            db.execute("DELETE FROM roots WHERE path = ?", (root,))
            others = [r[0] for r in db.execute("SELECT path FROM roots")]
            ids = [
                r["id"]
                for r in db.execute(
                    "SELECT id, path FROM tracks WHERE path = ? OR path LIKE ? ESCAPE '\\'",
                    (root, _like_prefix(root)),
                )
                if not any(_is_under(r["path"], o) for o in others)
            ]
            db.executemany("DELETE FROM tracks WHERE id = ?", [(i,) for i in ids])
        return len(ids)

    # -- tracks --------------------------------------------------------------------------
    def known_stats(self, roots: Iterable[str] | None = None) -> dict[str, tuple[int, int, int]]:
        """path -> (size, mtime_ns, id), for tracks under `roots` (all if None)."""
        out = {}
        for r in self.db.execute("SELECT id, path, size, mtime_ns FROM tracks"):
            if roots is None or any(_is_under(r["path"], root) for root in roots):
                out[r["path"]] = (r["size"], r["mtime_ns"], r["id"])
        return out

    def upsert_track(self, t: Track, db: sqlite3.Connection | None = None) -> int:
        """Insert or update by path; a changed file loses its analyses. Returns the id."""
        conn = db or self.db
        row = conn.execute(
            "SELECT id, size, mtime_ns FROM tracks WHERE path = ?", (t.path,)
        ).fetchone()
        values = (
            *(_TO_DB.get(c, _same)(getattr(t, c)) for c in TRACK_FIELDS),
            time.time(),
        )
        if row is None:
            cur = conn.execute(_INSERT_TRACK, (*values, t.path))
            return int(cur.lastrowid or 0)
        if (row["size"], row["mtime_ns"]) != (t.size, t.mtime_ns):
            conn.execute("DELETE FROM analyses WHERE track_id = ?", (row["id"],))
        conn.execute(_UPDATE_TRACK, (*values, row["id"]))
        return int(row["id"])

    def add_tracks(self, tracks: Iterable[Track]) -> list[int]:
        with self.transaction() as db:
            return [self.upsert_track(t, db) for t in tracks]

    def move_track(self, track_id: int, new_path: str) -> None:
        """A renamed file keeps its analysis."""
        with self.transaction() as db:
            db.execute("DELETE FROM tracks WHERE path = ? AND id != ?", (new_path, track_id))
            db.execute("UPDATE tracks SET path = ? WHERE id = ?", (new_path, track_id))

    def remove_tracks(self, ids: Iterable[int]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM tracks WHERE id = ?", [(i,) for i in ids])

    def track(self, key: int | str) -> Track | None:
        col = "id" if isinstance(key, int) else "path"
        row = self.db.execute(f"SELECT * FROM tracks WHERE {col} = ?", (key,)).fetchone()
        return _track(row) if row else None

    def tracks_at(self, paths: Iterable[str]) -> list[Track]:
        """The tracks at these paths (unknown paths are skipped), in path order."""
        paths = list(dict.fromkeys(paths))
        out: list[Track] = []
        for i in range(0, len(paths), 500):  # SQLite's limit on bound parameters
            chunk = paths[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT * FROM tracks WHERE path IN ({marks})", chunk)
            out.extend(_track(r) for r in rows)
        return sorted(out, key=lambda t: t.path)

    def tracks(self, roots: Iterable[str] | None = None) -> list[Track]:
        rows = self.db.execute("SELECT * FROM tracks ORDER BY path").fetchall()
        out = [_track(r) for r in rows]
        if roots is not None:
            roots = list(roots)
            out = [t for t in out if any(_is_under(t.path, r) for r in roots)]
        return out

    def track_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM tracks").fetchone()[0])

    # -- analyses ------------------------------------------------------------------------
    def save_analysis(
        self, track_id: int, a: Analysis, db: sqlite3.Connection | None = None
    ) -> None:
        emb = None if a.embedding is None else np.asarray(a.embedding, dtype=np.float16).tobytes()
        (db or self.db).execute(
            "INSERT OR REPLACE INTO analyses(track_id, model_version, genre, confidence, probabilities, tags, embedding, windows, analysed_at, bpm)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                track_id,
                a.model_version,
                a.genre,
                a.confidence,
                json.dumps(a.probabilities),
                json.dumps(a.tags),
                emb,
                a.windows,
                time.time(),
                a.bpm,
            ),
        )

    def save_analyses(self, items: Iterable[tuple[int, Analysis]]) -> None:
        with self.transaction() as db:
            for track_id, a in items:
                self.save_analysis(track_id, a, db)

    def analysis(self, track_id: int, model_version: str) -> Analysis | None:
        row = self.db.execute(
            "SELECT * FROM analyses WHERE track_id=? AND model_version=?", (track_id, model_version)
        ).fetchone()
        return _analysis(row) if row else None

    def analyses(self, model_version: str) -> dict[int, Analysis]:
        rows = self.db.execute("SELECT * FROM analyses WHERE model_version=?", (model_version,))
        return {r["track_id"]: _analysis(r) for r in rows}

    def needs_analysis(self, model_version: str) -> list[Track]:
        rows = self.db.execute(
            "SELECT t.* FROM tracks t WHERE t.error IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM analyses a WHERE a.track_id = t.id AND a.model_version = ?) ORDER BY t.path",
            (model_version,),
        )
        return [_track(r) for r in rows]

    def embeddings(self, model_version: str) -> tuple[np.ndarray, np.ndarray]:
        """(track ids, float32 matrix) of every stored embedding of this model version."""
        rows = self.db.execute(
            "SELECT track_id, embedding FROM analyses WHERE model_version=? AND embedding IS NOT NULL ORDER BY track_id",
            (model_version,),
        ).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(len(rows), -1)
        return ids, mat.astype(np.float32)

    def genre_info(self, model_version: str) -> dict[int, tuple[str, str, str]]:
        """track id -> (artist, album, predicted genre), casefolded: similar-song filters."""
        rows = self.db.execute(
            "SELECT t.id, t.artist, t.album, a.genre FROM tracks t JOIN analyses a "
            "ON a.track_id = t.id AND a.model_version = ?",
            (model_version,),
        ).fetchall()
        return {r[0]: (r[1].casefold(), r[2].casefold(), r[3]) for r in rows}

    # -- journal -------------------------------------------------------------------------
    def begin_batch(
        self, kind: str, description: str = "", undo_of: int | None = None, resume_key: str = ""
    ) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO batches(created_at, kind, description, state, undo_of, resume_key) VALUES (?,?,?,?,?,?)",
                (time.time(), kind, description, BatchState.OPEN, undo_of, resume_key),
            )
            return int(cur.lastrowid or 0)

    def open_batch(self, kind: str, resume_key: str) -> Batch | None:
        """The newest unfinished batch of this kind and key (an interrupted command)."""
        row = self.db.execute(
            "SELECT id FROM batches WHERE kind=? AND resume_key=? AND state=? ORDER BY id DESC LIMIT 1",
            (kind, resume_key, BatchState.OPEN),
        ).fetchone()
        return self.batch(int(row[0])) if row else None

    def changed_paths(self, batch_id: int) -> set[str]:
        """Paths a batch already settled (written, skipped or failed): a resume skips them."""
        rows = self.db.execute(
            "SELECT path FROM changes WHERE batch_id=? AND state != ?",
            (batch_id, ChangeState.PLANNED),
        )
        return {r[0] for r in rows}

    def written_paths(self) -> set[str]:
        """Files whose genre this app wrote (and did not undo): the newest genre change that
        reached a file decides; an undo's write restored the owner's genre, so a file whose
        last write was an undo is the owner's again."""
        rows = self.db.execute(
            "SELECT c.path, c.state, b.kind FROM changes c JOIN batches b ON b.id = c.batch_id "
            "WHERE c.field=? AND c.state IN (?, ?) ORDER BY c.id",
            (GENRE, ChangeState.WRITTEN, ChangeState.UNDONE),
        )
        last: dict[str, bool] = {}
        for path, state, kind in rows:
            last[path] = state == ChangeState.WRITTEN and kind != BatchKind.UNDO
        return {p for p, ours in last.items() if ours}

    def plan_change(
        self,
        batch_id: int,
        path: str,
        old: Any,
        new: Any,
        field: str = GENRE,
        source: str = "",
    ) -> int:
        """Recorded (and committed) before the file is touched, so undo knows the old value
        even if the process dies mid-write. `field`: the tag field (core.fields); `source`:
        which model decided the new value."""
        now = time.time()
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO changes(batch_id, path, field, old_value, new_value, state, created_at, updated_at, source) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    batch_id,
                    path,
                    field,
                    json.dumps(old),
                    json.dumps(new),
                    ChangeState.PLANNED,
                    now,
                    now,
                    source,
                ),
            )
            return int(cur.lastrowid or 0)

    def finish_change(
        self,
        change_id: int,
        state: str,
        error: str | None = None,
        stat_after: tuple[int, int] | None = None,
        values_after: Any = None,
    ) -> None:
        """Mark a change written/failed/skipped/undone; a write also updates the track (its
        stat, and the field's stored value: `values_after`, as the file now reads)."""
        state = ChangeState(state)  # ValueError for a state that does not exist
        with self.transaction() as db:
            row = db.execute("SELECT path, field FROM changes WHERE id=?", (change_id,)).fetchone()
            size, mtime = stat_after if stat_after else (None, None)
            db.execute(
                "UPDATE changes SET state=?, error=?, size_after=COALESCE(?, size_after), mtime_ns_after=COALESCE(?, mtime_ns_after), updated_at=? WHERE id=?",
                (state, error, size, mtime, time.time(), change_id),
            )
            if stat_after is not None and values_after is not None and row is not None:
                name = _field_name(row["field"])
                if name in TRACK_FIELDS:
                    db.execute(
                        f"UPDATE tracks SET {name}=?, size=?, mtime_ns=? WHERE path=?",
                        (_TO_DB.get(name, _same)(values_after), size, mtime, row["path"]),
                    )
                else:  # a field kept in the track's extra values
                    db.execute(
                        "UPDATE tracks SET extra=json_set(extra, '$.' || ?, json(?)), size=?, mtime_ns=? WHERE path=?",
                        (name, json.dumps(values_after), size, mtime, row["path"]),
                    )

    def set_batch_state(self, batch_id: int, state: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE batches SET state=? WHERE id=?", (state, batch_id))

    def batch(self, batch_id: int) -> Batch | None:
        found = self._batches("WHERE b.id = ?", (batch_id,))
        return found[0] if found else None

    def batches(self) -> list[Batch]:
        return self._batches()

    def _batches(self, where: str = "", params: tuple = ()) -> list[Batch]:
        """Batches with their change counts by state, in one query."""
        rows = self.db.execute(
            "SELECT b.*, c.state AS change_state, COUNT(c.id) AS n FROM batches b "
            f"LEFT JOIN changes c ON c.batch_id = b.id {where} GROUP BY b.id, c.state ORDER BY b.id",
            params,
        ).fetchall()
        out: dict[int, Batch] = {}
        for r in rows:
            b = out.get(r["id"])
            if b is None:
                b = out[r["id"]] = Batch(
                    r["id"],
                    r["created_at"],
                    r["kind"],
                    r["description"],
                    BatchState(r["state"]),
                    r["undo_of"],
                    {s: 0 for s in ChangeState},
                    r["resume_key"],
                )
            if r["change_state"] is not None:
                b.counts[ChangeState(r["change_state"])] = r["n"]
        return list(out.values())

    def changes(self, batch_id: int) -> list[Change]:
        rows = self.db.execute("SELECT * FROM changes WHERE batch_id=? ORDER BY id", (batch_id,))
        return [_change(r) for r in rows]

    def open_changes(self, path: str | None = None) -> list[Change]:
        """Planned changes (of one file, or of all) whose outcome was never recorded: the
        process died between the plan and the write's result."""
        if path is None:
            rows = self.db.execute(
                "SELECT * FROM changes WHERE state=? ORDER BY id", (ChangeState.PLANNED,)
            )
        else:
            rows = self.db.execute(
                "SELECT * FROM changes WHERE path=? AND state=? ORDER BY id",
                (path, ChangeState.PLANNED),
            )
        return [_change(r) for r in rows]


def _same(v):
    return v


def _track(r: sqlite3.Row) -> Track:
    return Track(
        id=r["id"],
        path=r["path"],
        **{c: _FROM_DB.get(c, _same)(r[c]) for c in TRACK_FIELDS},
    )


def _change(r: sqlite3.Row) -> Change:
    return Change(
        r["id"],
        r["batch_id"],
        r["path"],
        json.loads(r["old_value"]),
        json.loads(r["new_value"]),
        ChangeState(r["state"]),
        r["error"],
        r["size_after"],
        r["mtime_ns_after"],
        _field_name(r["field"]),
        r["source"],
    )


def _field_name(stored: str) -> str:
    """The field of a change; 'genre' in libraries from before core.fields."""
    return GENRE if stored == "genre" else stored


def _analysis(r: sqlite3.Row) -> Analysis:
    emb = (
        None
        if r["embedding"] is None
        else np.frombuffer(r["embedding"], dtype=np.float16).astype(np.float32)
    )
    return Analysis(
        model_version=r["model_version"],
        genre=r["genre"],
        confidence=r["confidence"],
        probabilities=json.loads(r["probabilities"]),
        tags=[(t, p) for t, p in json.loads(r["tags"])],
        embedding=emb,
        windows=r["windows"],
        bpm=r["bpm"],
    )


def _is_under(path: str, root: str) -> bool:
    # by key: on Windows and macOS 'C:\\Music' and 'c:\\music' are one folder (core.pathkey)
    return pathkey.is_under(path, root)


def _like_prefix(root: str) -> str:
    escaped = root.rstrip(os.sep).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + os.sep.replace("\\", "\\\\") + "%"
