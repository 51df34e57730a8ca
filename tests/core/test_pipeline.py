"""The analysis pipeline on real files with the real model: results stream and are cached,
a bad file fails alone with its kind, cancelling stops early."""

from __future__ import annotations

import shutil

import pytest

from genre_desktop.core.library import Library
from genre_desktop.core.pipeline import Analyser, tracks_for
from genre_desktop.core.scan import Cancelled, Progress
from genre_desktop.errors import ErrorKind


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "data" / "library.sqlite3")
    yield lib
    lib.close()


@pytest.fixture
def needs_model(model_available):
    if not model_available:
        pytest.skip("model not built")


@pytest.mark.usefixtures("needs_model")
@pytest.mark.parametrize("jobs", [1, 2])
def test_results_stream_are_cached_and_a_bad_file_fails_alone(library, music_library, jobs):
    folder = music_library["flac"].parent
    (folder / "broken.ogg").write_bytes(b"OggS" + b"\0" * 64)
    errors: list[tuple[str, str]] = []
    tracks = tracks_for(library, [folder], errors)
    analyser = Analyser(library, jobs=jobs)
    first = list(analyser.run(tracks))
    assert len(first) == 9
    ok = [o for o in first if o.analysis is not None]
    bad = [o for o in first if o.analysis is None]
    assert len(ok) == 8 and not any(o.cached for o in ok)
    assert len(bad) == 1 and bad[0].track.path.endswith("broken.ogg") and bad[0].error
    assert bad[0].error_kind in (ErrorKind.UNREADABLE, ErrorKind.DECODE, ErrorKind.UNSUPPORTED)
    assert library.needs_analysis(analyser.version) == []  # every good result was stored
    again = list(Analyser(library, jobs=jobs).run(tracks_for(library, [folder])))
    assert all(o.cached for o in again if o.analysis is not None)
    assert {o.track.path: o.analysis.genre for o in again if o.analysis} == {
        o.track.path: o.analysis.genre for o in ok
    }


@pytest.mark.usefixtures("needs_model")
def test_cancelling_stops_early_and_keeps_what_is_done(library, music_library, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(30):
        shutil.copy(music_library["ogg"], folder / f"t{i:02d}.ogg")
    done = []
    progress = Progress(is_cancelled=lambda: len(done) >= 3)
    with pytest.raises(Cancelled):
        for o in Analyser(library, jobs=2).run(tracks_for(library, [folder]), progress):
            done.append(o)
    assert 3 <= len(done) < 30
    stored = 30 - len(library.needs_analysis(Analyser(library).version))
    assert stored >= 3  # what was done before the cancel is in the cache


def _blas_threads() -> str:
    """In a worker: how many threads numpy's BLAS was told to use when it loaded."""
    import os

    return os.environ.get("OPENBLAS_NUM_THREADS", "")


def test_workers_keep_numpy_to_one_thread():
    """Two workers on two cores: numpy's OpenBLAS must not start (and spin) a thread per
    core in each of them for the features' matrix product."""
    from genre_desktop.core import pipeline

    ctx = pipeline._mp_context()
    with ctx.Pool(1) as pool:
        assert pool.apply(_blas_threads) == "1"
