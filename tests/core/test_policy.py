"""The one rule that turns predictions into tag writes (the app and `retag` share it)."""

from __future__ import annotations

from genre_desktop.core import policy
from genre_desktop.core.records import Analysis, Track


def track(genres=()):
    return Track(1, "/m/a.flac", 1, 1, genres=list(genres))


def analysis(genre="jazz", confidence=0.8):
    return Analysis("v", genre, confidence, {genre: confidence})


def test_keep_fills_only_missing_genres():
    assert policy.decide(track(), analysis(), "keep", 0.5).kind == policy.WRITE
    d = policy.decide(track(["Rock"]), analysis(), "keep", 0.5)
    assert d.kind == policy.HAS_GENRE and d.new == [] and "Rock" in d.reason


def test_overwrite_replaces_another_genre_and_leaves_the_same_one():
    d = policy.decide(track(["Rock"]), analysis(), "overwrite", 0.5)
    assert d.kind == policy.WRITE and d.new == ["Jazz"]
    assert policy.decide(track(["Jazz"]), analysis(), "overwrite", 0.5).kind == policy.SAME


def test_a_prediction_below_the_threshold_is_not_written():
    d = policy.decide(track(), analysis(confidence=0.49), "overwrite", 0.5)
    assert d.kind == policy.LOW_CONFIDENCE and "49%" in d.reason
    assert policy.decide(track(), analysis(confidence=0.5), "keep", 0.5).kind == policy.WRITE


def test_no_analysis_is_a_failure_with_its_reason():
    d = policy.decide(track(), None, "keep", 0.5, error="cannot decode")
    assert d.kind == policy.FAILED and d.reason == "cannot decode"


def test_decisions_are_named_states():
    assert isinstance(policy.decide(track(), analysis(), "keep", 0.5).kind, policy.DecisionKind)


def test_the_threshold_is_decided_on_the_percent_shown():
    """A confidence shown as 85% is never 'below 85%'; one shown as 84% always is."""
    for conf in (0.845, 0.8496, 0.85, 0.8549):
        d = policy.decide(track(), analysis(confidence=conf), "keep", 0.85)
        assert policy.percent(conf) == "85%" and d.kind == policy.WRITE, conf
    for conf in (0.8449, 0.84):
        d = policy.decide(track(), analysis(confidence=conf), "keep", 0.85)
        assert d.kind == policy.LOW_CONFIDENCE and d.reason == "confidence 84% below 85%"
    assert [policy.percent(p) for p in (0.0, 0.005, 0.994, 0.995, 1.0)] == [
        "0%",
        "1%",
        "99%",
        "100%",
        "100%",
    ]


def test_a_junk_genre_is_no_genre_for_the_plan_and_for_learn_alike():
    """'Other' (or ID3v1's (12), 'Unknown') is no genre: learn counts the file untagged, and
    keep fills it in like a file without one (issue 31, point 8: one rule in core)."""
    from genre_desktop.core import learn

    for junk in (["Other"], ["(12)"], ["unknown"], ["Other; Misc"]):
        assert learn.normalise(junk) == [] and policy.owned_genres(junk) == []
        d = policy.decide(track(junk), analysis(), "keep", 0.5)
        assert d.kind == policy.WRITE and d.new == ["Jazz"], junk
    assert policy.decide(track(["Rock; Other"]), analysis(), "keep", 0.5).kind == policy.HAS_GENRE
    assert learn.JUNK is policy.JUNK
