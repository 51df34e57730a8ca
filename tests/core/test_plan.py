"""core.plan without Qt: rows, streamed analyses, album pooling, the person's choice, the
settings, and the write requests every front end gets from it."""

from __future__ import annotations

from genre_desktop.config import Settings
from genre_desktop.core.labels import GENRES
from genre_desktop.core.pipeline import Outcome
from genre_desktop.core.plan import LIBRARY, STOCK, Plan, Row, Status, plan_of, row_record
from genre_desktop.core.records import Analysis, Track


def analysis(genre: str, p: float) -> Analysis:
    rest = (1.0 - p) / (len(GENRES) - 1)
    probs = {g: (p if g == genre else rest) for g in GENRES}
    return Analysis("test", genre, p, probs)


def track(i: int, album: str = "", genres: list[str] | None = None, folder: str = "/m") -> Track:
    return Track(
        i,
        f"{folder}/{i:02d} song.flac",
        1000 + i,
        2000 + i,
        title=f"song {i}",
        artist="A" if album else "",
        album=album,
        track_number=i if album else 0,
        genres=genres or [],
    )


def test_a_row_is_decided_when_its_analysis_comes_and_writes_follow_the_threshold():
    plan = Plan(Settings(policy="keep", min_confidence=0.8, per="track"))
    plan.reset([Row(track(1)), Row(track(2)), Row(track(3, genres=["Jazz"]))])
    assert all(r.status == Status.WAITING for r in plan.rows.values())
    assert plan.set_analysis(1, analysis("rock", 0.9), None) == {1}
    plan.set_analysis(2, analysis("rock", 0.7), None)
    plan.set_analysis(3, analysis("rock", 0.99), None)
    assert plan.rows[1].status == Status.WILL_CHANGE
    assert plan.rows[2].status == Status.KEEP_UNSURE
    assert plan.rows[3].status == Status.KEEP_HAS_GENRE
    [req] = plan.writes()
    assert (req.track_id, req.path, req.old, req.new) == (1, "/m/01 song.flac", [], ["Rock"])
    assert req.expect == (1001, 2001) and req.confidence == 0.9
    assert not req.by_album and not req.by_person and req.source == STOCK
    assert plan.waiting_for_decision() == 1


def test_the_persons_choice_beats_the_prediction_and_says_so():
    plan = Plan(Settings(min_confidence=0.99, per="track"))
    plan.reset([Row(track(1))])
    plan.set_analysis(1, analysis("rock", 0.6), None)
    assert plan.writes() == []
    plan.choose(1, ["Shoegaze"])
    [req] = plan.writes()
    assert req.new == ["Shoegaze"] and req.by_person
    plan.choose(1, None)
    assert plan.writes() == []


def test_an_album_pools_its_tracks_once_settled_and_the_album_decides():
    plan = Plan(Settings(min_confidence=0.6, per="album"))
    plan.reset([Row(track(i, album="LP")) for i in (1, 2, 3)])
    assert plan.album_ids(1) == [1, 2, 3]
    plan.set_analysis(1, analysis("jazz", 0.95), None)
    plan.set_analysis(2, analysis("jazz", 0.9), None)
    plan.set_analysis(3, analysis("blues", 0.4), None)  # unsure alone
    assert plan.rows[3].status == Status.KEEP_UNSURE  # not pooled until settled
    assert plan.settle() == {1, 2, 3}
    reqs = {r.track_id: r for r in plan.writes()}
    assert reqs[3].new == ["Jazz"] and reqs[3].by_album
    assert reqs[3].confidence == plan.rows[3].verdict.album.confidence  # type: ignore[union-attr]
    # per track: the album no longer decides, the unsure track is kept
    plan.configure(Settings(min_confidence=0.6, per="track"))
    assert 3 not in {r.track_id for r in plan.writes()}


def test_removing_rows_regroups_the_album_and_a_written_row_stays_written():
    plan = Plan(Settings(min_confidence=0.5, per="album"))
    plan.reset([Row(track(i, album="LP")) for i in (1, 2)])
    for i in (1, 2):
        plan.set_analysis(i, analysis("pop", 0.9), None)
    plan.settle()
    assert plan.rows[1].verdict is not None and plan.rows[1].verdict.album is not None
    changed = plan.remove({2})
    assert 1 in changed and plan.rows[1].verdict is None  # one track is no album
    t = track(1, album="LP", genres=["Pop"])
    plan.written(1, t)
    assert plan.rows[1].status == Status.WRITTEN and plan.writes() == []
    plan.restored(1, track(1, album="LP"))
    assert plan.rows[1].status == Status.WILL_CHANGE


def test_a_judge_rereads_the_stock_analysis_and_the_plan_says_which_model_decided():
    class OwnersWords:
        labels = ["Hip Hop", "Trip Hop"]

        def __call__(self, t: Track, a: Analysis) -> Analysis:
            return Analysis("learned", "Hip Hop", 0.97, {"Hip Hop": 0.97, "Trip Hop": 0.03})

        def name(self, text: str) -> str:
            return {"hip-hop": "Hip Hop"}.get(text.casefold(), text)

    plan = Plan(Settings(min_confidence=0.9, per="track"), judge=OwnersWords())
    plan.reset([Row(track(1), analysis("pop", 0.4))])
    [req] = plan.writes()
    assert req.new == ["Hip Hop"] and req.source == LIBRARY  # the owner's spelling, not ours
    assert plan.name("hip-hop") == "Hip Hop"
    assert plan.genre_names() == ["Hip Hop", "Trip Hop"]
    plan.written(1, track(1, genres=["hip-hop"]))  # already this genre, in another spelling
    plan.restored(1)
    assert plan.rows[1].status == Status.KEEP_SAME
    assert plan.rows[1].analysis.genre == "pop"  # type: ignore[union-attr]  # the stock one kept
    plan.configure(plan.settings, judge=None)
    assert plan.writes() == [] and plan.rows[1].source == STOCK
    assert "Hip-Hop" in plan.genre_names() and len(plan.genre_names()) == 11


def test_the_commands_plan_reports_failures_and_records():
    plan = plan_of(
        [Outcome(track(1), analysis("metal", 0.95)), Outcome(track(2), None, "not audio")],
        Settings(min_confidence=0.9, per="track"),
    )
    assert plan.rows[2].status == Status.ERROR and plan.rows[2].decision is None
    rec = row_record(plan.rows[1], "track")
    assert rec["predicted"] == "Metal" and rec["model"] == STOCK and rec["decided_by"] == "track"
    assert row_record(plan.rows[2]) == {"path": "/m/02 song.flac", "old": []}
