"""Folds are grouped by artist (clips.csv), never by clip numbers: no artist is ever on
both sides of a fold. Runs on a generated tree and, where it is there, on the real index."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from genre_desktop.training import train  # noqa: E402
from genre_desktop.training.dataset import find_clips, find_songs, realworld_artist  # noqa: E402

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REAL = SHARED / "gtzan"
SONGS = (SHARED / "realsongs", SHARED / "realworld")


def make_songs(root: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A real-songs folder: <genre>/<file> and labels.tsv (file, genre, artist, reason)."""
    root.mkdir(parents=True)
    lines = ["file\tgenre\tartist\tlabelling_reason"]
    for file, genre, artist in rows:
        (root / genre).mkdir(exist_ok=True)
        (root / genre / file).write_bytes(b"")
        lines.append(f"{genre}/{file}\t{genre}\t{artist}\tmain genre")
    (root / "labels.tsv").write_text("\n".join(lines) + "\n")
    return root


def make_tree(root: Path) -> Path:
    """GTZAN-like: each artist spans many consecutive clip numbers (so blocks of ten would
    split artists), one artist in two genres, some clips of unknown artist."""
    rows = []
    rng = np.random.default_rng(0)
    for genre in ("blues", "jazz", "rock", "pop"):
        (root / genre).mkdir(parents=True)
        number = 0
        for a in range(6):
            for _ in range(int(rng.integers(3, 25))):
                name = f"{genre}.{number:05d}"
                (root / genre / f"{name}.flac").write_bytes(b"")
                artist = "" if a == 5 else ("Both Genres" if a == 0 else f"{genre} artist {a}")
                rows.append({"clip": name, "genre": genre, "split": "train", "artist": artist,
                             "seconds": "30", "source_rate": "22050"})  # fmt: skip
                number += 1
    with (root / "clips.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return root


def assert_artist_disjoint(clips) -> None:
    labels = np.array([c.label for c in clips])
    groups = np.array([c.group for c in clips])
    for seed in train.SPLIT_SEEDS:
        splits = train.folds(labels, groups, seed)
        assert len(splits) == train.N_FOLDS
        seen = np.zeros(len(clips), int)
        for tr, te in splits:
            assert not set(groups[tr]) & set(groups[te])
            seen[te] += 1
        assert (seen == 1).all()  # every clip is scored exactly once per shuffle


def test_no_artist_is_on_both_sides_of_a_fold(tmp_path):
    clips = find_clips(make_tree(tmp_path / "gtzan"))
    assert len({c.group for c in clips if c.group.startswith("artist:")}) == 4 * 4 + 1
    assert_artist_disjoint(clips)


def test_clip_numbers_are_not_groups(tmp_path):
    clips = find_clips(make_tree(tmp_path / "gtzan"))
    by_artist = {}
    for c in clips:
        by_artist.setdefault(c.group, set()).add(c.number // 10)
    # the generated artists span several blocks of ten: only artist groups keep them whole
    assert any(len(blocks) > 1 for g, blocks in by_artist.items() if g.startswith("artist:"))


def test_a_tree_without_an_index_is_refused(tmp_path):
    (tmp_path / "blues").mkdir()
    (tmp_path / "blues" / "blues.00000.flac").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="clips.csv"):
        find_clips(tmp_path)


@pytest.mark.skipif(not (REAL / "clips.csv").exists(), reason="no ../shared/gtzan here")
def test_the_development_clips_folds_are_artist_disjoint():
    clips = find_clips(REAL)
    assert_artist_disjoint(clips)
    train_artists = {c.group for c in clips if c.split == "train" and c.group.startswith("artist:")}
    valid_artists = {c.group for c in clips if c.split == "valid" and c.group.startswith("artist:")}
    assert not train_artists & valid_artists  # the second protocol is artist-disjoint too


def test_an_artist_in_gtzan_and_in_the_real_songs_is_one_group(tmp_path):
    clips = find_clips(make_tree(tmp_path / "gtzan"))
    songs = find_songs(
        make_songs(
            tmp_path / "songs",
            [("both_genres_a.opus", "pop", "Both  Genres"), ("x_1.opus", "electronic", "X")]
            + [(f"e{i}.opus", "electronic", f"DJ {i}") for i in range(6)],
        )
    )
    both = {c.group for c in clips + songs if "both" in c.group}
    assert both == {"artist:bothgenres"}  # spacing and case do not split an artist
    assert songs[1].genre == "electronic" and songs[1].real and not clips[0].real
    assert_artist_disjoint(clips + songs)


def test_a_genre_outside_the_product_is_refused(tmp_path):
    root = make_songs(tmp_path / "songs", [("a.opus", "polka", "A")])
    with pytest.raises(ValueError, match="polka"):
        find_songs(root)


def test_realworld_artists_are_read_off_the_file_names():
    assert realworld_artist("p_nk_whataya_want_from_me") == "P!nk"
    assert realworld_artist("willie_the_lion_smith_echoes_of_spring") == "Willie the Lion Smith"
    assert realworld_artist("unknown_band_song") == ""


@pytest.mark.skipif(
    not all((p / "labels.tsv").exists() for p in SONGS), reason="no ../shared songs here"
)
def test_the_development_songs_and_clips_folds_are_artist_disjoint():
    items = find_clips(REAL) + [s for root in SONGS for s in find_songs(root)]
    assert all(not s.group.startswith("song:") for s in items if s.real)  # every artist known
    assert_artist_disjoint(items)
