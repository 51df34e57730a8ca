"""The plan: what gets written, decided in one place for every front end.

The window's table, `retag` and `classify` all ask a `Plan`: give it the tracks, their
analyses as they come, the person's choices and the settings; it pools albums
(`core.albums`), asks the rule (`core.policy.decide`) and answers which rows changed and,
through `writes()`, the write requests. Front ends only show rows and choose; nothing above
core imports `albums` or `policy` (a test holds this).

Evidence: each row's genre comes from its analysis (the stock model). A `judge` (the
library's own learned model, `core.learn`) may re-read that analysis in the owner's words;
the plan then decides from what the judge says and records which model decided.

Fields: `writes()` gives one request per field to write (core.fields): the genre as above,
and, when the settings ask for it (`Settings.bpm`), the BPM from the analysis' tempo
estimate, in whole numbers, keeping a BPM already in a file unless told to overwrite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from genre_desktop.config import Settings
from genre_desktop.core import albums, fields, policy
from genre_desktop.core.albums import Per, Verdict
from genre_desktop.core.labels import GENRES, display_name
from genre_desktop.core.policy import (
    FAILED,
    HAS_GENRE,
    LOW_CONFIDENCE,
    SAME,
    WRITE,
    Decision,
    DecisionKind,
    as_percent,
    percent,
)
from genre_desktop.core.records import BPM, GENRE, LIBRARY, STOCK, Analysis, Track, WriteRequest

__all__ = [
    "FAILED",
    "HAS_GENRE",
    "LOW_CONFIDENCE",
    "SAME",
    "WRITE",
    "Decision",
    "DecisionKind",
    "Per",
    "Plan",
    "Row",
    "Status",
    "Threshold",
    "ThresholdSource",
    "Verdict",
    "WriteRequest",
    "BPM",
    "GENRE",
    "LIBRARY",
    "STOCK",
    "as_percent",
    "percent",
    "plan_of",
    "row_record",
    "threshold_of",
]


class Status(StrEnum):
    """What a row says: what has happened, or what a write will do."""

    WAITING = "waiting"
    ANALYSING = "analysing…"
    WILL_CHANGE = "will change"
    KEEP_HAS_GENRE = "keep: has a genre"
    KEEP_SAME = "keep: already this genre"
    KEEP_UNSURE = "keep: not sure enough"
    WRITTEN = "written"
    ERROR = "error"


KEPT = (Status.KEEP_HAS_GENRE, Status.KEEP_SAME, Status.KEEP_UNSURE)
_KEEP_STATUS = {
    HAS_GENRE: Status.KEEP_HAS_GENRE,
    SAME: Status.KEEP_SAME,
    LOW_CONFIDENCE: Status.KEEP_UNSURE,
}


class Judge(Protocol):
    """Re-reads the stock analysis of a track (the library's own model, core.learn): its
    labels are the owner's words, and `name` spells any text in them."""

    labels: list[str]  # the genres it proposes, in the owner's words
    threshold: float  # its write threshold, measured on held-out artists

    def __call__(self, track: Track, analysis: Analysis) -> Analysis: ...

    def name(self, text: str) -> str: ...


class ThresholdSource(StrEnum):
    YOURS = "yours"  # the person's: command line, config file, Settings dialog
    LEARNED = "learned"  # the library's own model's, measured when it learned
    CARD = "card"  # the stock model card's, measured out of fold


@dataclass(frozen=True)
class Threshold:
    """The write threshold in force and where it comes from (what a window or command says)."""

    value: float
    source: ThresholdSource

    def text(self) -> str:
        """'91% (your setting)', '79% (learned from your tags)', '91% (the model's)'."""
        why = {
            ThresholdSource.YOURS: "your setting",
            ThresholdSource.LEARNED: "learned from your tags",
            ThresholdSource.CARD: "the model's measured threshold",
        }[self.source]
        return f"{percent(self.value)} ({why})"


def threshold_of(settings: Settings, judge: Judge | None = None) -> Threshold:
    """The one rule, for the window, retag and classify alike: the person's explicit choice
    (command line, config file's min_confidence, the Settings dialog) wins; else the
    library's learned model's measured threshold; else the card's (the default setting)."""
    if settings.chose("min_confidence"):
        return Threshold(settings.min_confidence, ThresholdSource.YOURS)
    if judge is not None:
        return Threshold(judge.threshold, ThresholdSource.LEARNED)
    return Threshold(settings.min_confidence, ThresholdSource.CARD)


class Outcomeish(Protocol):
    """An analysis outcome (core.pipeline.Outcome): the track, its analysis or error."""

    track: Track
    analysis: Analysis | None
    error: str | None


@dataclass
class Row:
    """One track in the plan."""

    track: Track
    analysis: Analysis | None = None  # the stock model's analysis (cached in the library)
    status: Status = Status.WAITING
    error: str | None = None
    override: list[str] | None = None  # the person's choice, beats the prediction
    decision: Decision | None = None
    verdict: Verdict | None = None  # the album's pooled genre, if in an album
    opinion: Analysis | None = None  # what decides: the analysis, or the judge's re-reading
    source: str = STOCK  # which model the opinion is from
    name: Callable[[str], str] = display_name  # how the opinion's labels are spelled

    @property
    def album_text(self) -> str:
        """'Rock 88%' (the album decides this track) or 'Rock 88% (not this)'."""
        v = self.verdict
        if v is None or v.album is None:
            return ""
        text = f"{self.name(v.album.genre)} {percent(v.album.confidence)}"
        return text if v.follows else text + " (not this)"

    @property
    def predicted(self) -> str:
        """The genre the plan proposes for this track alone (display name)."""
        return self.name(self.opinion.genre) if self.opinion else ""

    @property
    def confidence(self) -> float | None:
        return self.opinion.confidence if self.opinion else None

    def ranked(self) -> list[tuple[str, float]]:
        """(display name, probability), best first: the runner-ups."""
        return [(self.name(k), p) for k, p in self.opinion.ranked()] if self.opinion else []

    @property
    def pending_choice(self) -> bool:
        """The person chose a genre that is not in the file yet."""
        return self.override is not None and bool(self.target)

    @property
    def by_album(self) -> bool:
        return bool(self.override is None and self.decision and self.decision.by_album)

    def plan(self) -> str:
        """What a write will do with this track, in a sentence (the details panel)."""
        if self.status == Status.ERROR:
            # a file that could not be read, or one whose write failed (read-only, in use)
            if self.track.error or self.analysis is None:
                return "Nothing: the file could not be read."
            return "Nothing: writing to the file failed."
        if self.override is not None:
            return (
                f"Write {'; '.join(self.override)} (your choice)."
                if self.target
                else "Nothing: the file already has your choice."
            )
        if self.analysis is None:
            return "Nothing yet: not analysed."
        if self.status == Status.WRITTEN and not self.target:
            return "Nothing: written."
        if self.target:
            return f"Write {'; '.join(self.target)}."
        reason = self.decision.reason if self.decision else ""
        return f"Keep the file as it is ({reason})." if reason else "Keep the file as it is."

    @property
    def target(self) -> list[str]:
        """What a write would put in the file ([] = nothing)."""
        if self.override is not None:
            return self.override if self.override != self.track.genres else []
        if self.decision is not None and self.decision.kind == WRITE:
            return self.decision.new
        return []


class Plan:
    """Rows by track id, albums grouped and pooled, every row decided by the one rule.

    Every mutator returns the ids of the rows whose decision or state changed, so a front
    end refreshes only those. Analyses may stream in: `set_analysis` marks the row's album
    and `settle()` pools the albums touched since (one pass per result batch)."""

    def __init__(self, settings: Settings | None = None, judge: Judge | None = None) -> None:
        self.rows: dict[int, Row] = {}
        self.settings = settings or Settings()
        self.judge = judge
        self._album_of: dict[int, str] = {}  # track id -> album key (pooled albums only)
        self._members: dict[str, list[int]] = {}
        self._dirty: set[str] = set()

    # -- settings and evidence -----------------------------------------------------------------
    @property
    def per(self) -> Per:
        return Per(self.settings.per)

    @property
    def threshold(self) -> Threshold:
        """The write threshold in force and its source (`threshold_of`)."""
        return threshold_of(self.settings, self.judge)

    @property
    def min_confidence(self) -> float:
        return self.threshold.value

    def configure(self, settings: Settings, judge: Judge | None | bool = False) -> set[int]:
        """New settings (and, unless judge is False, a new judge or None): every row is
        decided again."""
        self.settings = settings
        if judge is not False:
            self.judge = judge  # type: ignore[assignment]
            for r in self.rows.values():
                self._opinion(r)
        self._dirty = set(self._members)
        self.settle()
        for r in self.rows.values():
            self._decide(r)
        return set(self.rows)

    # -- rows -----------------------------------------------------------------------------------
    def reset(self, rows: Iterable[Row]) -> None:
        self.rows = {r.track.id: r for r in rows}
        for r in self.rows.values():
            self._opinion(r)
        self._regroup()
        for r in self.rows.values():
            self._decide(r)

    def add(self, tracks: Iterable[Track]) -> tuple[list[Row], set[int]]:
        """New tracks become rows (returned, in order); known ones are refreshed."""
        new: list[Row] = []
        changed: set[int] = set()
        for t in tracks:
            row = self.rows.get(t.id)
            if row is None:
                row = Row(t, status=Status.ERROR if t.error else Status.WAITING, error=t.error)
                self.rows[t.id] = row
                new.append(row)
            else:
                row.track = t
                if t.error:
                    row.status, row.error = Status.ERROR, t.error
                self._decide(row)
                changed.add(t.id)
        changed |= self._regroup()
        return new, changed

    def remove(self, ids: Iterable[int]) -> set[int]:
        for i in ids:
            self.rows.pop(i, None)
        return self._regroup()

    def set_analysis(self, track_id: int, analysis: Analysis | None, error: str | None) -> set[int]:
        """A result: the row is decided now, its album when `settle()` runs."""
        row = self.rows.get(track_id)
        if row is None:
            return set()
        row.analysis, row.error = analysis, error
        self._opinion(row)
        key = self._album_of.get(track_id)
        if key is not None:
            self._dirty.add(key)
        self._decide(row)
        return {track_id}

    def set_status(self, track_id: int, status: Status, error: str | None = None) -> set[int]:
        row = self.rows.get(track_id)
        if row is None:
            return set()
        row.status, row.error = status, error
        return {track_id}

    def choose(self, track_id: int, genres: list[str] | None) -> set[int]:
        """The person's choice (None: back to the prediction)."""
        row = self.rows.get(track_id)
        if row is None:
            return set()
        row.override = genres
        self._decide(row)
        return {track_id}

    def settle(self) -> set[int]:
        """Pool the albums whose tracks changed since the last call (only those: a result
        batch touches a few albums, not the whole library)."""
        changed: set[int] = set()
        for key in self._dirty:
            rows = [self.rows[i] for i in self._members.get(key, []) if i in self.rows]
            found = {r.track.id: r.opinion for r in rows if r.opinion is not None}
            verdicts = albums.verdicts([r.track for r in rows], found, self.settings.album_pooling)
            for r in rows:
                r.verdict = verdicts.get(r.track.id)
                self._decide(r)
                changed.add(r.track.id)
        self._dirty.clear()
        return changed

    def settle_unanalysed(self) -> set[int]:
        """After an analysis run: rows still 'analysing' with no result go back to waiting."""
        changed = set()
        for r in self.rows.values():
            if r.status == Status.ANALYSING and r.analysis is None and not r.error:
                r.status = Status.WAITING
                changed.add(r.track.id)
        return changed

    def written(self, track_id: int, track: Track | None = None, field: str = GENRE) -> set[int]:
        """A write landed: the file now holds the row's target (the choice is spent). Another
        field than the genre (BPM) only refreshes the track."""
        return self._file_changed(track_id, track, Status.WRITTEN, True, field)

    def restored(self, track_id: int, track: Track | None = None, field: str = GENRE) -> set[int]:
        """An undo gave the file its old value back: decided again from the analysis."""
        return self._file_changed(track_id, track, Status.WAITING, False, field)

    def _file_changed(
        self,
        track_id: int,
        track: Track | None,
        status: Status,
        forget_choice: bool = False,
        field: str = GENRE,
    ) -> set[int]:
        row = self.rows.get(track_id)
        if row is None:
            return set()
        if track is not None:
            row.track = track
        if field != GENRE:  # the genre's state is untouched by another field's write
            self._decide(row)
            return {track_id}
        if forget_choice:
            row.override = None
        row.status, row.error = status, None
        self._decide(row)
        return {track_id}

    # -- questions ------------------------------------------------------------------------------
    def album_ids(self, track_id: int) -> list[int]:
        """The tracks pooled with this one as an album; [] when it is in no pooled album."""
        key = self._album_of.get(track_id)
        return [i for i in self._members.get(key, []) if i in self.rows] if key else []

    def release_ids(self, track_id: int) -> list[int]:
        """Select Album: the tracks of this one's album (core.albums.release: its pooled
        album, else a compilation's tracks in its folder)."""
        row = self.rows.get(track_id)
        if row is None:
            return []
        pooled = self.album_ids(track_id)
        if pooled:
            return pooled
        return [t.id for t in albums.release(row.track, [r.track for r in self.rows.values()])]

    def waiting_for_decision(self) -> int:
        """Analysed tracks kept only because the model is not sure enough, with no choice
        made by the person: what waits for them."""
        return sum(
            1 for r in self.rows.values() if r.status == Status.KEEP_UNSURE and r.override is None
        )

    def writes(
        self, ids: Iterable[int] | None = None, only: Iterable[str] | None = None
    ) -> list[WriteRequest]:
        """The write requests of these rows (every row when None), in the order given: per
        row its genre, then its BPM (when the settings write BPM). `only`: these fields."""
        wanted = set(only) if only is not None else {GENRE, BPM}
        rows = self.rows.values() if ids is None else (self.rows[i] for i in ids if i in self.rows)
        out = []
        for r in rows:
            if GENRE in wanted and r.target:
                by_person = r.override is not None
                conf = r.decision.confidence if r.decision and not by_person else 1.0
                out.append(
                    WriteRequest(
                        r.track.id,
                        r.track.path,
                        list(r.track.genres),
                        list(r.target),
                        (r.track.size, r.track.mtime_ns),
                        conf,
                        r.by_album,
                        by_person,
                        r.source,
                    )
                )
            bpm = self.bpm_target(r) if BPM in wanted else None
            if bpm is not None:
                out.append(
                    WriteRequest(
                        r.track.id,
                        r.track.path,
                        fields.value(r.track, BPM),
                        bpm,
                        (r.track.size, r.track.mtime_ns),
                        0.0,  # an estimate: the tempo has no confidence of its own
                        False,
                        False,
                        STOCK,  # from the stock analysis' audio, whatever judges the genre
                        BPM,
                    )
                )
        return out

    def bpm_target(self, row: Row) -> int | None:
        """The BPM a write would put in the file (a whole number), or None: not asked
        (`Settings.bpm` off), no estimate, or the file keeps the BPM it has."""
        mode = self.settings.bpm
        est = row.analysis.bpm if row.analysis is not None else None
        if mode == "off" or est is None or row.status == Status.ERROR:
            return None
        new = int(round(est))
        now = fields.value(row.track, BPM)
        if new <= 0 or now == new or (now and mode == policy.Policy.KEEP):
            return None
        return new

    def will_write(self, row: Row) -> bool:
        """Whether `writes()` has anything for this row (its genre or another field)."""
        return bool(row.target) or self.bpm_target(row) is not None

    def genres(self) -> list[str]:
        """Every proposed or file genre present (a genre filter's choices)."""
        names = {r.predicted for r in self.rows.values() if r.predicted} | {
            g for r in self.rows.values() for g in r.track.genres
        }
        return sorted(names, key=str.casefold)

    def genre_names(self) -> list[str]:
        """The genres a person picks from: the library's own model's (the owner's words),
        else ours."""
        if self.judge is not None:
            return list(self.judge.labels)
        return [display_name(g) for g in GENRES]

    # -- inside -----------------------------------------------------------------------------------
    def name(self, text: str) -> str:
        """A genre as this plan writes it: the owner's spelling when the library's own model
        decides ('hip-hop' -> 'Hip Hop'), else ours ('hip hop' -> 'Hip-Hop')."""
        return self.judge.name(text) if self.judge is not None else display_name(text)

    def _opinion(self, row: Row) -> None:
        a = row.analysis
        if a is not None and self.judge is not None:
            row.opinion, row.source = self.judge(row.track, a), LIBRARY
            row.name = self.judge.name
        else:
            row.opinion, row.source, row.name = a, STOCK, display_name

    def _regroup(self) -> set[int]:
        """Which tracks form albums (core.albums' rules); after rows came or went."""
        groups = albums.group([r.track for r in self.rows.values()])
        self._members = {k: [t.id for t in m] for k, m in groups.items()}
        self._album_of = {tid: k for k, ids in self._members.items() for tid in ids}
        changed = set()
        for r in self.rows.values():
            if r.track.id not in self._album_of and r.verdict is not None:
                r.verdict = None
                self._decide(r)
                changed.add(r.track.id)
        self._dirty = set(self._members)
        return changed | self.settle()

    def _decide(self, row: Row) -> None:
        if row.error and row.analysis is None:
            row.status = Status.ERROR
            return
        if row.opinion is None:
            return
        verdict = row.verdict if self.per == Per.ALBUM else None
        row.decision = policy.decide(
            row.track,
            row.opinion,
            self.settings.policy,
            self.min_confidence,
            verdict=verdict,
            name=row.name,
        )
        if row.status == Status.WRITTEN and not row.target:
            return
        if row.target:
            row.status = Status.WILL_CHANGE
        elif row.override is not None:
            row.status = Status.KEEP_SAME
        else:
            row.status = _KEEP_STATUS.get(row.decision.kind, Status.KEEP_SAME)


def plan_of(outcomes: Iterable[Outcomeish], settings: Settings, judge: Judge | None = None) -> Plan:
    """A whole plan at once (the commands): every analysed or failed track."""
    plan = Plan(settings, judge)
    rows = []
    for o in outcomes:
        err = o.error or o.track.error
        status = Status.ERROR if o.analysis is None and err else Status.WAITING
        rows.append(Row(o.track, o.analysis, status, err))
    plan.reset(rows)
    return plan


def row_record(row: Row, per: Per | str = Per.ALBUM) -> dict:
    """What the commands print of a decided row (JSON keys): the old genres, the proposed
    genre and its confidence, the album's, and what decided."""
    rec: dict = {"path": row.track.path, "old": row.track.genres}
    a = row.opinion
    if a is None:
        return rec
    v = row.verdict if Per(per) == Per.ALBUM else None
    album = v.album if v else None
    rec.update(
        predicted=row.name(a.genre),
        confidence=round(a.confidence, 4),
        album_genre=row.name(album.genre) if album else None,
        album_confidence=round(album.confidence, 4) if album else None,
        album_tracks=album.tracks if album else None,
        decided_by="album" if row.by_album else "track",
        model=row.source,
    )
    return rec
