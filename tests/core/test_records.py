"""The records every layer passes (core/records.py): what a track shows as its title and
genre, an analysis ranked, a batch's written count, a length as the window prints it."""

from __future__ import annotations

import dataclasses

import pytest

from genre_desktop.core.records import (
    GENRE,
    Analysis,
    Batch,
    BatchState,
    ChangeState,
    Track,
    WriteRequest,
    duration_text,
)


def test_a_track_without_a_title_shows_its_file_name_and_genres_joined():
    t = Track(1, "/music/Artist/01 - Intro.flac", 10, 1)
    assert t.display_title == "01 - Intro" and t.genre == ""
    t.genres = ["Rock", "Pop"]
    t.title = "Real Title"
    assert t.display_title == "Real Title" and t.genre == "Rock; Pop"
    assert (
        Track(2, "/m/a.mp3", 1, 1).extra == {} and Track(2, "/m/a.mp3", 1, 1).extra is not t.extra
    )


def test_an_analysis_ranks_its_genres_most_probable_first():
    a = Analysis("v", "jazz", 0.5, {"rock": 0.2, "jazz": 0.5, "blues": 0.3})
    assert [g for g, _ in a.ranked()] == ["jazz", "blues", "rock"]


def test_a_write_request_is_frozen_and_writes_the_genre_unless_told():
    req = WriteRequest(3, "/m/a.flac", [], ["Jazz"], None, 0.9, False, False)
    assert req.field == GENRE and req.source == "stock"
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.new = ["Rock"]  # type: ignore[misc]


def test_a_batch_counts_only_its_written_changes():
    b = Batch(
        1, 0.0, "app", "", BatchState.DONE, None, {ChangeState.WRITTEN: 3, ChangeState.FAILED: 2}
    )
    assert b.written() == 3
    assert Batch(2, 0.0, "app", "", BatchState.DONE, None, {ChangeState.SKIPPED: 4}).written() == 0


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "0:00"),
        (59.6, "1:00"),
        (187, "3:07"),
        (3599.4, "59:59"),
        (3600, "1:00:00"),
        (3725, "1:02:05"),
    ],
)
def test_a_length_is_minutes_and_seconds_and_hours_from_an_hour(seconds, text):
    assert duration_text(seconds) == text
