"""scan -> decode -> features -> infer -> store, as plain stages.

Analysis runs in worker processes (one LiteRT interpreter each) or in-process for one job;
only the calling thread writes to the library (one writer). Results stream back as they
finish, so callers can show progress and stop early.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from genre_desktop.core.library import Library
from genre_desktop.core.records import Analysis, Track
from genre_desktop.core.scan import Cancelled, Progress, scan
from genre_desktop.errors import ErrorKind, GenreDesktopError

Result = tuple[Analysis | None, str | None, ErrorKind | None]

if TYPE_CHECKING:
    from genre_desktop.core.model import GenreModel

_worker_model: GenreModel | None = None


@dataclass
class Outcome:
    """One file's result: an analysis, or the reason it failed."""

    track: Track
    analysis: Analysis | None = None
    error: str | None = None
    cached: bool = False
    error_kind: ErrorKind | None = None


BACKGROUND_NICE = 10


def run_in_background() -> None:
    """Lower the priority of the calling thread and of the analysis processes it starts, so
    the window stays responsive while every core analyses. On Linux the nice value belongs
    to the thread and children inherit it from the thread that starts them, so this covers
    the workers from their first import; elsewhere `os.nice` would slow the whole app, and
    the workers lower their own priority when they start (`Analyser(background=True)`)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):  # not allowed: it runs at normal priority
            os.nice(BACKGROUND_NICE)


# ProcessPoolExecutor waits on its workers with WaitForMultipleObjects on Windows, which
# takes at most 64 handles (3 its own): more than 61 workers raise ValueError there
MAX_WINDOWS_WORKERS = 61
BELOW_NORMAL_PRIORITY_CLASS = 0x4000


def worker_cap(jobs: int, platform: str | None = None) -> int:
    """How many worker processes `jobs` may really start on `platform`."""
    jobs = max(1, jobs)
    if (platform or sys.platform) == "win32":
        return min(jobs, MAX_WINDOWS_WORKERS)
    return jobs


def lower_priority(nice: int, platform: str | None = None) -> str:
    """Lower the calling process's priority; returns how ('' when it could not). Windows
    has no nice values: BELOW_NORMAL_PRIORITY_CLASS is its 'a bit below the desktop'."""
    if (platform or sys.platform) == "win32":
        try:
            import ctypes

            kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
            if kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), BELOW_NORMAL_PRIORITY_CLASS):
                return "BELOW_NORMAL_PRIORITY_CLASS"
        except (OSError, AttributeError):
            pass
        return ""
    try:
        os.nice(nice)
        return "nice"
    except (OSError, AttributeError):  # not allowed: it runs at normal priority
        return ""


def _init_worker(model_dir: str | None, windows: int, nice: int) -> None:
    global _worker_model
    if nice:
        lower_priority(nice)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from genre_desktop.core.model import GenreModel

    _worker_model = GenreModel(
        Path(model_dir) if model_dir else None, num_threads=1, windows=windows
    )


def _analyse(model: GenreModel, path: str, duration: float) -> Result:
    try:
        return analyse_with_tempo(model, path, duration), None, None
    except GenreDesktopError as exc:
        return None, exc.reason, exc.kind
    except Exception as exc:  # a worker must answer, whatever the file did to the decoder
        return None, f"analysis failed: {type(exc).__name__}: {exc}", ErrorKind.DECODE


def analyse_with_tempo(model: GenreModel, path: str, duration: float | None = None) -> Analysis:
    """The model's analysis of one file, and the tempo heard in one contiguous stretch of
    its middle (core.tempo; given the genre probabilities, which models/tempo.json may weigh
    its octave by). A stretch that cannot be decoded leaves the tempo unknown, never the
    analysis undone."""
    from genre_desktop.core import audio, tempo

    if duration is None or duration <= 0:
        duration = audio.probe(path).duration
    span = tempo.stretch_for(duration)
    if span is None:
        return model.analyse(path, duration)
    try:
        # one pass: the windows and the stretch from one open file (the window nearest the
        # middle is cut from the stretch), so the tempo costs only the stretch's other seconds
        analysis, y = model.analyse_with_stretch(path, duration, span[1])
    except Exception:  # noqa: BLE001 - the longer read failed (a file cut short, ...):
        return model.analyse(path, duration)  # the genre as without tempo, no tempo
    try:
        analysis.bpm = tempo.estimate(y, analysis.probabilities) if y is not None else None
    except Exception:  # noqa: BLE001 - the tempo is an extra: the genre analysis stands
        analysis.bpm = None
    return analysis


def _analyse_in_worker(path: str, duration: float) -> Result:
    assert _worker_model is not None
    return _analyse(_worker_model, path, duration)


class Analyser:
    """Runs the model over tracks with `jobs` workers, saving each result to the library."""

    def __init__(
        self,
        library: Library,
        model_dir: Path | None = None,
        jobs: int = 1,
        windows: int | None = None,
        background: bool = False,
    ) -> None:
        """`background`: the workers run at a lower priority (the desktop app's analysis)."""
        from genre_desktop.core.model import DEFAULT_WINDOWS, load_card

        self.library = library
        self.model_dir = model_dir
        self.jobs = worker_cap(jobs)  # 61 at most on Windows
        self.windows = windows or DEFAULT_WINDOWS
        self.version = load_card(model_dir).version
        self._local: GenreModel | None = None
        # on Linux run_in_background() already lowered the thread the workers start from
        self._worker_nice = (
            BACKGROUND_NICE if background and not sys.platform.startswith("linux") else 0
        )

    def _local_model(self):
        if self._local is None:
            from genre_desktop.core.model import GenreModel

            self._local = GenreModel(self.model_dir, num_threads=1, windows=self.windows)
        return self._local

    def run(
        self, tracks: Iterable[Track], progress: Progress | None = None, flush_every: int = 16
    ) -> Iterator[Outcome]:
        """Analyse `tracks` (cached analyses of unchanged files are reused)."""
        progress = progress or Progress()
        todo: list[Track] = []
        tracks = list(tracks)
        total = len(tracks)
        done = 0
        for t in tracks:
            cached = self.library.analysis(t.id, self.version) if t.id else None
            if cached is not None:
                done += 1
                progress.report(done, total, t.path)
                yield Outcome(t, cached, cached=True)
            elif t.error:
                done += 1
                progress.report(done, total, t.path)
                yield Outcome(t, error=t.error, error_kind=ErrorKind.UNREADABLE)
            else:
                todo.append(t)
        pending: list[tuple[int, Analysis]] = []
        last_flush = time.perf_counter()
        try:
            for t, (analysis, error, kind) in self._map(todo, progress):
                done += 1
                progress.report(done, total, t.path)
                if analysis is not None and t.id:
                    pending.append((t.id, analysis))
                    # every few results or half a second: a kill loses little work
                    if len(pending) >= flush_every or time.perf_counter() - last_flush > 0.5:
                        self.library.save_analyses(pending)
                        pending.clear()
                        last_flush = time.perf_counter()
                yield Outcome(t, analysis, error, error_kind=kind)
        finally:
            self.library.save_analyses(pending)

    def _map(self, tracks: list[Track], progress: Progress) -> Iterator[tuple[Track, Result]]:
        if not tracks:
            return
        if self.jobs == 1 or len(tracks) == 1:
            model = self._local_model()
            for t in tracks:
                progress.check()
                yield t, _analyse(model, t.path, t.duration)
            return
        ctx = _mp_context()
        with cf.ProcessPoolExecutor(
            max_workers=min(self.jobs, len(tracks)),
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(
                str(self.model_dir) if self.model_dir else None,
                self.windows,
                self._worker_nice,
            ),
        ) as pool:
            window = self.jobs * 4  # bounded queue: cancelling never waits for thousands
            it = iter(tracks)
            futures: dict[cf.Future, Track] = {}
            try:
                for t in it:
                    futures[pool.submit(_analyse_in_worker, t.path, t.duration)] = t
                    if len(futures) >= window:
                        break
                while futures:
                    progress.check()
                    finished, _ = cf.wait(futures, timeout=0.2, return_when=cf.FIRST_COMPLETED)
                    for fut in finished:
                        t = futures.pop(fut)
                        try:
                            result = fut.result()
                        except Exception as exc:  # a crashed worker (e.g. a decoder segfault)
                            result = (
                                None,
                                f"analysis failed: {type(exc).__name__}: {exc}",
                                ErrorKind.DECODE,
                            )
                        yield t, result
                        nxt = next(it, None)
                        if nxt is not None:
                            futures[pool.submit(_analyse_in_worker, nxt.path, nxt.duration)] = nxt
            except (Cancelled, KeyboardInterrupt, GeneratorExit):
                for fut in futures:
                    fut.cancel()
                pool.shutdown(wait=False, cancel_futures=True)
                raise


# Each worker is one thread of analysis. numpy's OpenBLAS otherwise starts a thread per
# core for the mel filterbank's small matrix product and spins them: measured 67 ms of CPU
# per track instead of 11, taken from the other worker. It reads these when it loads, so
# they are set before the workers start (spawned children inherit the environment; the
# calling process's own BLAS, already loaded, is not affected).
WORKER_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _mp_context():
    import multiprocessing as mp

    for var in WORKER_ENV:
        os.environ.setdefault(var, "1")
    # fork would copy a Qt application or open database handles into the workers
    return mp.get_context("spawn")


def tracks_for(
    library: Library,
    paths: Iterable[str | os.PathLike[str]],
    errors: list[tuple[str, str]] | None = None,
) -> list[Track]:
    """Tracks for the files under `paths`, read into the library when new or changed: the
    one way in (core.scan.scan), without making the folders library roots (a `classify`
    of a folder does not add it to the window's library)."""
    errors = errors if errors is not None else []
    roots = [os.path.abspath(os.fspath(p)) for p in paths]
    result = scan(library, roots, remember=False)
    tracks = sorted(library.tracks(roots), key=lambda t: t.path)
    listed = {t.path for t in tracks}
    # a file that is a track with an error is reported with its track, not twice
    errors.extend((p, why) for p, why in result.errors if p not in listed)
    return tracks
