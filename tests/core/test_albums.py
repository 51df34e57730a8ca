"""Album grouping and the album genre: the rules of core/albums.py, one test each."""

from __future__ import annotations

from genre_desktop.core import albums, policy
from genre_desktop.core.records import Analysis, Track

LABELS = ("rock", "jazz", "pop", "blues")


def t(i, path, album="", artist="", album_artist="", disc=0, number=0, compilation=False):
    return Track(i, path, 1, 1, album=album, artist=artist, album_artist=album_artist,
                 disc_number=disc, track_number=number, compilation=compilation)  # fmt: skip


def a(genre, conf):
    rest = (1 - conf) / (len(LABELS) - 1)
    return Analysis("v", genre, conf, {g: conf if g == genre else rest for g in LABELS})


def test_an_album_of_mixed_predictions_gets_one_genre():
    tracks = [t(i, f"/m/A/{i:02d}.flac", "Album", "Band", number=i) for i in range(1, 6)]
    an = {
        1: a("rock", 0.6),
        2: a("rock", 0.7),
        3: a("jazz", 0.5),
        4: a("rock", 0.5),
        5: a("pop", 0.4),
    }
    v = albums.verdicts(tracks, an)
    assert {v[i].album.genre for i in an} == {"rock"}
    assert all(v[i].follows for i in an)
    assert v[3].genre(an[3]) == "rock" and v[3].album.tracks == 5


def test_a_compilation_is_not_pooled():
    flagged = [t(i, f"/m/C/{i}.mp3", "Hits", f"Artist {i}", compilation=True) for i in range(4)]
    various = [t(10 + i, f"/m/V/{i}.mp3", "Hits 2", f"A{i}", "Various Artists") for i in range(4)]
    untagged_va = [t(20 + i, f"/m/W/{i}.mp3", "Hits 3", f"B{i}") for i in range(4)]
    assert albums.group(flagged + various + untagged_va) == {}


def test_a_folder_of_unrelated_files_is_not_pooled():
    loose = [t(i, f"/m/Downloads/{name}.mp3", artist=art) for i, (name, art) in
             enumerate([("song", "X"), ("mix", "Y"), ("track", "Z"), ("tune", "")])]  # fmt: skip
    assert albums.group(loose) == {}
    numbered_one_artist = [t(i, f"/m/Rip/{i:02d} - Song.flac", artist="X") for i in range(1, 5)]
    assert len(albums.group(numbered_one_artist)) == 1  # but a ripped album folder is one


def test_an_album_split_over_two_discs_is_one_album():
    tagged = [t(i, f"/m/Box/CD{d}/{i:02d}.flac", "Box", "Band", disc=d) for i, d in
              [(1, 1), (2, 1), (3, 2), (4, 2)]]  # fmt: skip
    assert len(albums.group(tagged)) == 1
    untagged = [t(10 + i, f"/m/Rip/Disc {d}/{i:02d} x.flac") for i, d in
                [(1, 1), (2, 1), (3, 2), (4, 2)]]  # fmt: skip
    groups = albums.group(untagged)
    assert len(groups) == 1 and len(next(iter(groups.values()))) == 4


def test_album_artist_keeps_guest_artists_together():
    tracks = [t(i, f"/m/A/{i}.flac", "Duets", f"Star feat. {i}", "Star") for i in range(4)]
    assert len(albums.group(tracks)) == 1


def test_a_track_added_later_joins_its_album_and_updates_its_genre():
    tracks = [t(i, f"/m/A/{i}.flac", "Album", "Band") for i in (1, 2)]
    an = {1: a("rock", 0.55), 2: a("jazz", 0.6)}
    before = albums.verdicts(tracks, an)
    assert before[1].album.genre == "jazz" and before[1].album.tracks == 2
    tracks.append(t(3, "/m/A/3.flac", "Album", "Band"))
    an[3] = a("rock", 0.8)
    after = albums.verdicts(tracks, an)
    assert after[3].album is not None and after[1].album.genre == "rock"
    assert after[1].album.tracks == 3


def test_a_track_keeps_its_own_genre_only_when_confidently_something_else():
    tracks = [t(i, f"/m/A/{i}.flac", "Album", "Band") for i in range(1, 6)]
    an = {i: a("rock", 0.7) for i in range(1, 5)}
    an[5] = a("jazz", 0.97)  # the jazz interlude
    v = albums.verdicts(tracks, an)
    assert not v[5].follows and v[5].genre(an[5]) == "jazz"
    an[5] = a("jazz", 0.6)  # unsure: follows the album
    assert albums.verdicts(tracks, an)[5].follows


def test_the_threshold_applies_to_what_decides():
    tracks = [t(i, f"/m/A/{i}.flac", "Album", "Band") for i in range(1, 4)]
    an = {1: a("rock", 0.99), 2: a("rock", 0.99), 3: a("rock", 0.5)}
    v = albums.verdicts(tracks, an)
    d = policy.decide(tracks[2], an[3], "keep", 0.8, verdict=v[3])
    assert d.kind == policy.WRITE and d.by_album and d.new == ["Rock"]
    alone = policy.decide(tracks[2], an[3], "keep", 0.8)
    assert alone.kind == policy.LOW_CONFIDENCE and not alone.by_album


def test_log_pooling_is_offered_and_normalised():
    p = albums.pool([a("rock", 0.6), a("jazz", 0.9)], "log-mean")
    assert abs(sum(p.values()) - 1) < 1e-9 and max(p, key=p.get) == "jazz"
