"""The one rule for the write threshold (core.plan.threshold_of): the person's explicit
choice, else the library's learned model's, else the card's; the same for every front end."""

from __future__ import annotations

from genre_desktop import config
from genre_desktop.config import Settings
from genre_desktop.core import albums, learn
from genre_desktop.core.labels import GENRES
from genre_desktop.core.plan import LOW_CONFIDENCE, Plan, Row, ThresholdSource, threshold_of
from genre_desktop.core.records import Track
from tests.core.test_learn import _library


def _learned():
    tracks, analyses = _library()
    model, _ = learn.learn(tracks, analyses, "v1", list(GENRES), ["beats"])
    assert model is not None
    return model, tracks, analyses


def test_the_rule_yours_then_learned_then_the_card(tmp_path):
    model, tracks, analyses = _learned()
    card = Settings()
    assert threshold_of(card).source == ThresholdSource.CARD
    assert threshold_of(card).value == card.min_confidence
    learned = threshold_of(card, model)
    assert (learned.value, learned.source) == (model.threshold, ThresholdSource.LEARNED)
    # the command line's --min-confidence, even when it equals the default
    cli = card.updated(min_confidence=card.min_confidence)
    assert threshold_of(cli, model).source == ThresholdSource.YOURS
    # the config file's min_confidence
    path = tmp_path / "config.toml"
    path.write_text("min_confidence = 0.99\n")
    from_file = config.load_settings(path)
    t = threshold_of(from_file, model)
    assert (t.value, t.source) == (0.99, ThresholdSource.YOURS)
    assert "your setting" in t.text() and "99%" in t.text()
    # a file without it: the learned model's applies; saving does not make it the person's
    path.write_text('policy = "overwrite"\n')
    plain = config.load_settings(path)
    assert threshold_of(plain, model).source == ThresholdSource.LEARNED
    config.save_settings(plain.updated(per="track"), path)
    assert "min_confidence" not in path.read_text()
    assert threshold_of(config.load_settings(path), model).source == ThresholdSource.LEARNED


def test_the_plan_decides_by_the_rule_not_by_the_raw_setting():
    model, tracks, analyses = _learned()
    untagged = [t for t in tracks if not t.genres]
    rows = lambda: [Row(t, analyses[t.id]) for t in untagged]  # noqa: E731
    # the person's 100%: nothing is sure enough, though the learned model's is lower
    mine = Plan(Settings().updated(min_confidence=1.0), judge=model)
    mine.reset(rows())
    assert mine.min_confidence == 1.0 and mine.threshold.source == ThresholdSource.YOURS
    learned = Plan(Settings(), judge=model)
    learned.reset(rows())
    assert learned.min_confidence == model.threshold < 1.0
    assert learned.threshold.source == ThresholdSource.LEARNED
    written = {i for i, r in learned.rows.items() if r.target}
    kept_by_mine = {
        i for i, r in mine.rows.items() if r.decision and r.decision.kind == LOW_CONFIDENCE
    }
    assert written & kept_by_mine  # what the learned threshold writes, the person's keeps
    assert {i for i, r in mine.rows.items() if r.target} < written


def test_select_album_is_core_albums_rule():
    def t(i, path, album, artist, **kw):
        return Track(i, path, 1, 1, album=album, artist=artist, **kw)

    pooled = [t(i, f"/m/a/{i:02d}.flac", "Blue", "Band", track_number=i) for i in (1, 2, 3)]
    comp = [t(10 + i, f"/m/c/{i:02d}.flac", "Hits", f"Artist {i}") for i in range(6)]
    elsewhere = t(30, "/m/other/01.flac", "Hits", "Artist 9")
    everything = [*pooled, *comp, elsewhere]
    plan = Plan(Settings())
    plan.reset([Row(x) for x in everything])
    assert sorted(plan.release_ids(2)) == [1, 2, 3]  # the pooled album
    assert sorted(plan.release_ids(12)) == [10, 11, 12, 13, 14, 15]  # same tag, same folder
    assert [x.id for x in albums.release(elsewhere, everything)] == [30]
