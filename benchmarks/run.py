"""`make bench`: how fast, how much memory, against the published approach.

Creates once, in benchmarks/.library/, a synthetic library of full-length tracks (3-6 min,
MP3/FLAC/M4A/Ogg), then measures (medians of --runs runs) and writes benchmarks/results.json
and prints a summary. benchmarks/RESULTS.md holds the figures and what limits the speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from genre_desktop.core import audio, features  # noqa: E402
from genre_desktop.core.library import Analysis, Library  # noqa: E402
from genre_desktop.core.model import GenreModel  # noqa: E402
from genre_desktop.core.scan import scan  # noqa: E402
from genre_desktop.core.similarity import SimilarityIndex  # noqa: E402
from tests import audiofactory  # noqa: E402

CACHE = ROOT / "benchmarks" / ".library"
FORMATS = ("mp3", "flac", "m4a-aac", "ogg")


def make_library(n: int) -> list[Path]:
    folder = CACHE / f"full-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        fmt = FORMATS[i % len(FORMATS)]
        ext = audiofactory.VARIANTS[fmt][0]
        path = folder / f"track{i:03d}{ext}"
        if not path.exists():
            seconds = float(rng.uniform(180, 360))
            tmp = folder / f".tmp{i}{ext}"
            audiofactory.write(
                tmp,
                fmt,
                seconds=seconds,
                seed=i,
                tags={"title": f"Track {i}", "artist": f"Artist {i % 7}", "album": "Bench"},
            )
            os.replace(tmp, path)
        paths.append(path)
    return paths


class PeakRSS:
    """Polls the resident memory of this process and all its children (sum), every 20 ms."""

    def __init__(self, include_self: bool = True) -> None:
        self.include_self = include_self
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _tree(self, pid: int) -> list[int]:
        out = [pid]
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    for c in fh.read().split():
                        out += self._tree(int(c))
        except OSError:
            pass
        return out

    def _rss(self) -> int:
        total = 0
        tree = self._tree(os.getpid())
        for pid in tree if self.include_self else tree[1:]:
            try:
                with open(f"/proc/{pid}/statm") as fh:
                    total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except OSError:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.02)

    def __enter__(self) -> PeakRSS:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def analyse_once(paths: list[Path], jobs: int) -> tuple[float, float, int]:
    """End to end, as a person runs it: `genre-desktop classify --jobs N` on the folder into
    a fresh library (scan, decode, features, model, cache write). Returns (total seconds,
    steady-state tracks per second between the first and the last result, peak RSS of the
    command and its worker processes together)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GENRE_DESKTOP_DATA_DIR": tmp}
        cmd = [
            sys.executable,
            "-m",
            "genre_desktop",
            "classify",
            str(paths[0].parent),
            "--json",
            "--jobs",
            str(jobs),
        ]
        stamps = []
        with PeakRSS(include_self=False) as mem:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                if '"genre"' in line:
                    stamps.append(time.perf_counter())
            proc.wait()
            took = time.perf_counter() - t0
    assert len(stamps) == len(paths), len(stamps)
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    return took, steady, mem.peak


def stage_breakdown(paths: list[Path]) -> dict[str, float]:
    """Seconds per track in each stage, one process, one thread."""
    model = GenreModel(num_threads=1)
    from genre_desktop.core import tempo

    t = {
        "probe": 0.0,
        "decode": 0.0,
        "features": 0.0,
        "inference": 0.0,
        "tempo": 0.0,  # its own stretch decoded, and the estimate (core.tempo)
        "database": 0.0,
    }
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "lib.sqlite3")
        for p in paths:
            a = time.perf_counter()
            duration = audio.probe(p).duration
            b = time.perf_counter()
            from genre_desktop.core.model import spans_for

            spans = spans_for(duration, model.windows)
            ex = audio.load_excerpts(p, features.SAMPLE_RATE, spans)
            c = time.perf_counter()
            w = np.stack([features.window_features(e) for e in ex])
            d = time.perf_counter()
            res = model.analyse_windows(w)
            e0 = time.perf_counter()
            span = tempo.stretch_for(duration)
            if span is not None:
                y = audio.load(p, features.SAMPLE_RATE, span[0], span[1])
                res.bpm = tempo.estimate(y, res.probabilities)
            e = time.perf_counter()
            from genre_desktop.core.scan import read_track

            [tid] = lib.add_tracks([read_track(str(p))])
            lib.save_analyses([(tid, res)])
            f = time.perf_counter()
            t["probe"] += b - a
            t["decode"] += c - b
            t["features"] += d - c
            t["inference"] += e0 - d
            t["tempo"] += e - e0
            t["database"] += f - e
    return {k: v / len(paths) for k, v in t.items()}


def warm_rescan(n_files: int, runs: int) -> dict[str, float]:
    """A library of n_files (hard links of one small file: real paths, real stats)."""
    folder = CACHE / f"many-{n_files}"
    src = CACHE / "small.flac"
    if not src.exists():
        audiofactory.write(src, "flac", seconds=1.0)
    if not folder.exists() or len(list(folder.rglob("*.flac"))) != n_files:
        shutil.rmtree(folder, ignore_errors=True)
        for i in range(n_files):
            sub = folder / f"album{i // 100:03d}"
            sub.mkdir(parents=True, exist_ok=True)
            os.link(src, sub / f"t{i:05d}.flac")
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "lib.sqlite3")
        t0 = time.perf_counter()
        first = scan(lib, [str(folder)])
        cold = time.perf_counter() - t0
        assert len(first.added) == n_files
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            r = scan(lib, [str(folder)])
            times.append(time.perf_counter() - t0)
            assert r.unchanged == n_files
    return {"files": n_files, "cold_scan_s": cold, "warm_rescan_s": statistics.median(times)}


def similarity(sizes: tuple[int, ...], runs: int) -> dict[str, dict[str, float]]:
    out = {}
    dim = 210
    rng = np.random.default_rng(1)
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            lib = Library(Path(tmp) / "lib.sqlite3")
            from genre_desktop.core.library import Track

            ids = lib.add_tracks(Track(0, f"/m/{i}.flac", 1, 1) for i in range(n))
            emb = rng.standard_normal((n, dim)).astype(np.float32)
            lib.save_analyses(
                (tid, Analysis("bench", "rock", 0.5, {"rock": 0.5}, [], emb[i], 4))
                for i, tid in enumerate(ids)
            )
            loads, queries = [], []
            for _ in range(runs):
                t0 = time.perf_counter()
                index = SimilarityIndex(lib, "bench")
                loads.append(time.perf_counter() - t0)
            for q in rng.choice(ids, 50, replace=False):
                t0 = time.perf_counter()
                index.query(int(q), 10)
                queries.append(time.perf_counter() - t0)
            out[str(n)] = {
                "load_s": statistics.median(loads),
                "query_ms": statistics.median(queries) * 1000,
                "query_p95_ms": float(np.percentile(queries, 95)) * 1000,
            }
            lib.close()
    return out


def learn_speed(n: int, runs: int) -> dict[str, float]:
    """`core.learn.learn` on n tagged tracks (12 genres in the owner's words, n/5 artists,
    the stock model's 11 probabilities, 5 tags and a 211-value embedding each, as the app
    caches them): median seconds of the whole fit (5 held-out folds, calibration, final fit)."""
    from genre_desktop.core import learn
    from genre_desktop.core.labels import GENRES
    from genre_desktop.core.library import Track

    rng = np.random.default_rng(2)
    tag_names = [f"tag{i}" for i in range(50)]
    words = [f"Genre {k}" for k in range(12)]
    tracks, analyses = [], {}
    centres = rng.standard_normal((12, 211))
    for i in range(n):
        k = int(rng.integers(12))
        p = rng.dirichlet(np.ones(len(GENRES)))
        tracks.append(Track(i, f"/m/{i}.flac", 1, 1, artist=f"a{i % (n // 5)}", genres=[words[k]]))
        emb = (centres[k] + rng.standard_normal(211)).astype(np.float32)
        tags = [(tag_names[j], float(rng.random())) for j in rng.choice(50, 5, replace=False)]
        analyses[i] = Analysis(
            "bench",
            GENRES[int(p.argmax())],
            float(p.max()),
            dict(zip(GENRES, p.tolist(), strict=True)),
            tags,
            emb,
            8,
        )
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        learn.learn(tracks, analyses, "bench", list(GENRES), tag_names)
        times.append(time.perf_counter() - t0)
    return {"tracks": n, "seconds": statistics.median(times), "runs": times}


def startup(runs: int) -> dict[str, float]:
    exe = [sys.executable, "-m", "genre_desktop"]
    version = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([*exe, "--version"], check=True, capture_output=True)
        version.append(time.perf_counter() - t0)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GENRE_DESKTOP_EXIT_AFTER_SHOW": "1"}
    gui = [_window_shown(exe, env) for _ in range(runs)]
    result = {"version_s": statistics.median(version), "gui_window_shown_s": statistics.median(gui)}
    bundle = ROOT / "dist" / "GenreDesktop" / "GenreDesktop"
    if bundle.exists():  # `make package` first; the < 2 s target is for the bundled app
        result["bundle_window_shown_s"] = statistics.median(
            _window_shown([str(bundle)], env) for _ in range(runs)
        )
    return result


def _window_shown(exe: list[str], env: dict[str, str]) -> float:
    """Seconds from process start until the app reports its window shown."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**env, "GENRE_DESKTOP_DATA_DIR": tmp}
        t0 = time.perf_counter()
        out = subprocess.run(exe, check=True, capture_output=True, text=True, env=env)
        total = time.perf_counter() - t0
    shown = [line for line in out.stdout.splitlines() if line.startswith("window shown")]
    return float(shown[0].split()[-1]) if shown else total


def reference(paths: list[Path]) -> float | None:
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return None
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "reference.py"), *map(str, paths)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return None
    return float(out.stdout.strip().splitlines()[-1])


def offscreen_json(script: str, arg: str) -> dict | None:
    """Run a GUI benchmark script offscreen in its own process; its last line is JSON."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), arg],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracks", type=int, default=48)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rescan-files", type=int, default=10_000)
    ap.add_argument("--reference-tracks", type=int, default=8)
    ap.add_argument("--skip", nargs="*", default=[])
    args = ap.parse_args()
    results: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        }
    }
    print("creating the library (once)...", flush=True)
    paths = make_library(args.tracks)
    results["library"] = {
        "tracks": len(paths),
        "minutes": round(sum(audio.probe(p).duration for p in paths) / 60, 1),
        "formats": list(FORMATS),
    }

    if "analysis" not in args.skip:
        for jobs in sorted({1, os.cpu_count() or 1}):
            times, steadies, peaks = [], [], []
            for _ in range(args.runs):
                took, steady, peak = analyse_once(paths, jobs)
                times.append(took)
                steadies.append(steady)
                peaks.append(peak)
            med = statistics.median(times)
            results[f"analysis_jobs{jobs}"] = {
                "seconds": med,
                "tracks_per_s": len(paths) / med,
                "steady_tracks_per_s": statistics.median(steadies),
                "runs": times,
                "peak_rss_mb": max(peaks) / 2**20,
            }
            print(
                f"analysis, {jobs} job(s): {len(paths) / med:.2f} tracks/s with start-up, "
                f"{statistics.median(steadies):.2f} steady, peak RSS {max(peaks) / 2**20:.0f} MB",
                flush=True,
            )
        results["stages_s_per_track"] = stage_breakdown(paths[:16])
        print(
            "stages:",
            {k: f"{v * 1000:.1f} ms" for k, v in results["stages_s_per_track"].items()},
            flush=True,
        )
    if "rescan" not in args.skip:
        results["rescan"] = warm_rescan(args.rescan_files, args.runs)
        print(
            f"warm re-scan of {args.rescan_files}: {results['rescan']['warm_rescan_s']:.2f} s",
            flush=True,
        )
    if "similarity" not in args.skip:
        results["similarity"] = similarity((10_000, 100_000), args.runs)
        print("similarity:", results["similarity"], flush=True)
    if "learn" not in args.skip:
        results["learn_10k"] = learn_speed(10_000, args.runs)
        print(
            f"learn from 10,000 tagged tracks: {results['learn_10k']['seconds']:.1f} s", flush=True
        )
    if "startup" not in args.skip:
        results["startup"] = startup(max(3, args.runs))
        print("startup:", results["startup"], flush=True)
    if "table" not in args.skip:
        table = offscreen_json("gui_table.py", "50000")
        if table is not None:
            results["table_50k"] = table
            print("table, 50,000 rows:", results["table_50k"], flush=True)
    if "gaps" not in args.skip:
        # main-thread responsiveness while 200 files are analysed (the suite asserts threads)
        runs = [r for r in (offscreen_json("gui_gaps.py", "200") for _ in range(args.runs)) if r]
        if runs:
            results["main_thread_gaps"] = {
                key: statistics.median(r[key] for r in runs)
                for key in ("median_ms", "p95_ms", "p99_ms", "max_ms", "over_50ms", "over_100ms")
            } | {"runs": runs}
            print("main-thread gaps, 200 files:", results["main_thread_gaps"], flush=True)
    if "reference" not in args.skip:
        # librosa.load cannot read M4A without ffmpeg: the reference gets the other formats
        ref_paths = [p for p in paths if p.suffix != ".m4a"][: args.reference_tracks]
        runs = [r for r in (reference(ref_paths) for _ in range(args.runs)) if r is not None]
        if runs:
            per_track = statistics.median(runs)
            results["reference"] = {
                "s_per_track": per_track,
                "tracks_per_s": 1 / per_track,
                "runs": runs,
                "tracks": len(ref_paths),
            }
            for key in [k for k in results if k.startswith("analysis_jobs")]:
                results[key]["ratio_to_reference"] = results[key]["tracks_per_s"] * per_track
                results[key]["steady_ratio_to_reference"] = (
                    results[key]["steady_tracks_per_s"] * per_track
                )
            print(f"reference: {1 / per_track:.2f} tracks/s", flush=True)
        else:
            print(
                "reference skipped: TensorFlow not installed (pip install -e .[train])", flush=True
            )
    out = ROOT / "benchmarks" / "results.json"
    if args.skip and out.exists():  # a partial run updates the last full one
        results = {**json.loads(out.read_text()), **results}
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
