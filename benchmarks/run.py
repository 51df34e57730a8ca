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
# stage_breakdown() runs here as one analysis worker runs: numpy's BLAS on one thread (set
# before numpy loads); the commands it times get the caller's environment (_child_env)
_CALLER_BLAS = os.environ.get("OPENBLAS_NUM_THREADS")
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402

from genre_desktop.core import audio, features  # noqa: E402
from genre_desktop.core.library import Analysis, Library  # noqa: E402
from genre_desktop.core.model import GenreModel  # noqa: E402
from genre_desktop.core.scan import scan  # noqa: E402
from genre_desktop.core.similarity import SimilarityIndex  # noqa: E402
from tests import audiofactory  # noqa: E402

CACHE = ROOT / "benchmarks" / ".library"
FORMATS = ("mp3", "flac", "m4a-aac", "ogg")
# the last commit with the float model that the int8 front-end build replaced (issue 34)
FLOAT_MODEL_COMMIT = "c2b477e"
COLD_SIZES = (16, 64)


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


def analyse_once(
    paths: list[Path], jobs: int, model_dir: Path | None = None
) -> tuple[float, float, int, float]:
    """End to end, as a person runs it: `genre-desktop classify --jobs N` on the folder into
    a fresh library (scan, decode, features, model, cache write). Returns (total seconds,
    steady-state tracks per second between the first and the last result, peak RSS of the
    command and its worker processes together, CPU seconds of all of them)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**_child_env(), "GENRE_DESKTOP_DATA_DIR": tmp, "GENRE_DESKTOP_CONFIG_DIR": tmp}
        if model_dir is not None:
            env["GENRE_DESKTOP_MODEL_DIR"] = str(model_dir)
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
        cpu0 = _children_cpu()
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
        cpu = _children_cpu() - cpu0
    assert len(stamps) == len(paths), len(stamps)
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    return took, steady, mem.peak, cpu


def float_model_dir() -> Path | None:
    """The float model this build replaced (issue 34), from git history, for side-by-side
    figures: its .tflite and card in benchmarks/.library/model-float/."""
    folder = CACHE / "model-float"
    if (folder / "genre_cnn.json").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("genre_cnn.tflite", "genre_cnn.json"):
        out = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{FLOAT_MODEL_COMMIT}:models/{name}"],
            capture_output=True,
        )
        if out.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            return None
        (folder / name).write_bytes(out.stdout)
    return folder


def make_cold_files(n: int, seconds: float = 200.0) -> Path:
    """n full-length files of every format of tests/audiofactory.py (round robin), in
    benchmarks/.library/cold-N/ (the 16-file set is the first 16 of the 64, hard-linked)."""
    folder = CACHE / f"cold-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    variants = list(audiofactory.VARIANTS)
    for i in range(n):
        fmt = variants[i % len(variants)]
        ext = audiofactory.VARIANTS[fmt][0]
        path = folder / f"t{i:02d}_{fmt}{ext}"
        if path.exists():
            continue
        bigger = CACHE / f"cold-{COLD_SIZES[-1]}" / path.name
        if n != COLD_SIZES[-1] and bigger.exists():
            os.link(bigger, path)
            continue
        tmp = folder / f".tmp{i}{ext}"
        audiofactory.write(
            tmp,
            fmt,
            seconds=seconds,
            seed=100 + i,
            tags={"title": f"T{i}", "artist": f"A{i % 9}", "album": "Cold"},
        )
        os.replace(tmp, path)
    return folder


def classify_whole(folder: Path, model_dir: Path | None = None) -> tuple[float, float]:
    """Seconds of one `classify FOLDER --json` process, start to exit, into a fresh library
    (every file analysed: nothing cached), and the CPU seconds it and its workers used."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**_child_env(), "GENRE_DESKTOP_DATA_DIR": tmp, "GENRE_DESKTOP_CONFIG_DIR": tmp}
        if model_dir is not None:
            env["GENRE_DESKTOP_MODEL_DIR"] = str(model_dir)
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "genre_desktop", "classify", str(folder), "--json"],
            capture_output=True,
            text=True,
            env=env,
        )
        took = time.perf_counter() - t0
        cpu = _children_cpu() - cpu0
    if out.stdout.count('"genre"') < len(list(folder.iterdir())):
        raise RuntimeError(f"classify missed files: {out.stderr[-500:]}")
    return took, cpu


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    if _CALLER_BLAS is None:
        env.pop("OPENBLAS_NUM_THREADS", None)
    else:
        env["OPENBLAS_NUM_THREADS"] = _CALLER_BLAS
    return env


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and theirs: the work a
    run did, whatever else the machine was running at the time."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cold_classify(runs: int, models: dict[str, Path | None]) -> dict:
    """The issue's independent check: `classify --json` on 16 and on 64 200 s files of
    every format, each a whole process; the rate between the two (start-up cancelled out)
    and the 64-file run's whole rate. Runs interleave the models (same load for each)."""
    folders = {n: make_cold_files(n) for n in reversed(COLD_SIZES)}
    times: dict[str, dict[int, list[float]]] = {m: {n: [] for n in COLD_SIZES} for m in models}
    cpus: dict[str, dict[int, list[float]]] = {m: {n: [] for n in COLD_SIZES} for m in models}
    for _ in range(runs):
        for n in COLD_SIZES:
            for name, folder in models.items():
                took, cpu = classify_whole(folders[n], folder)
                times[name][n].append(took)
                cpus[name][n].append(cpu)
    small, big = COLD_SIZES
    out = {}
    for name in models:
        t_small = statistics.median(times[name][small])
        t_big = statistics.median(times[name][big])
        c_small = statistics.median(cpus[name][small])
        c_big = statistics.median(cpus[name][big])
        out[name] = {
            f"seconds_{small}": t_small,
            f"seconds_{big}": t_big,
            "rate_between": (big - small) / (t_big - t_small),
            f"whole_rate_{big}": big / t_big,
            "runs": times[name],
            f"cpu_seconds_{small}": c_small,
            f"cpu_seconds_{big}": c_big,
            # CPU per extra track, and the 2-core rate it allows when nothing else runs
            "cpu_ms_per_track_between": (c_big - c_small) / (big - small) * 1000,
            "cpu_runs": cpus[name],
        }
    return out


def stage_breakdown(paths: list[Path], model_dir: Path | None = None) -> dict[str, float]:
    """CPU seconds per track in each stage, one process, one thread (CPU time, not wall
    time: the figure does not move with whatever else the machine runs)."""
    from genre_desktop.core import tempo
    from genre_desktop.core.model import reads_with_stretch, spans_for
    from genre_desktop.core.scan import read_track

    model = GenreModel(model_dir, num_threads=1)
    clock = time.process_time
    t = {
        "probe": 0.0,
        "decode": 0.0,  # the windows and the tempo's stretch, in one pass as the app reads them
        "features": 0.0,
        "inference": 0.0,
        "tempo": 0.0,  # the estimate (core.tempo) on the stretch already decoded
        "database": 0.0,
    }
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "lib.sqlite3")
        for p in paths:
            a = clock()
            duration = audio.probe(p).duration
            b = clock()
            spans = spans_for(duration, model.windows)
            span = tempo.stretch_for(duration)
            k, reads = reads_with_stretch(spans, duration, span[1] if span else 0.0)
            ex = audio.load_excerpts(p, features.SAMPLE_RATE, reads)
            y = ex[k] if k >= 0 else None
            if y is not None:
                at = int(round((spans[k][0] - reads[k][0]) * features.SAMPLE_RATE))
                ex[k] = y[at : at + int(round(spans[k][1] * features.SAMPLE_RATE))]
            c = clock()
            w = np.stack([features.window_features(e) for e in ex])
            d = clock()
            res = model.analyse_windows(w)
            e0 = clock()
            if y is not None:
                res.bpm = tempo.estimate(y, res.probabilities)
            e = clock()
            [tid] = lib.add_tracks([read_track(str(p))])
            lib.save_analyses([(tid, res)])
            f = clock()
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
    ap.add_argument("--jobs", nargs="*", type=int, help="analysis jobs (default: 1 and all cores)")
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

    old = float_model_dir() if "float" not in args.skip else None
    models: dict[str, Path | None] = {"": None}
    if old is not None:
        models["_float"] = old  # the model this build replaced, measured side by side
    if "analysis" not in args.skip:
        for jobs in args.jobs or sorted({1, os.cpu_count() or 1}):
            rows: dict[str, tuple[list, list, list, list]] = {m: ([], [], [], []) for m in models}
            for _ in range(args.runs):
                for suffix, folder in models.items():  # interleaved: the same load for each
                    took, steady, peak, cpu = analyse_once(paths, jobs, folder)
                    rows[suffix][0].append(took)
                    rows[suffix][1].append(steady)
                    rows[suffix][2].append(peak)
                    rows[suffix][3].append(cpu)
            for suffix, (times, steadies, peaks, cpus) in rows.items():
                med = statistics.median(times)
                results[f"analysis_jobs{jobs}{suffix}"] = {
                    "seconds": med,
                    "tracks_per_s": len(paths) / med,
                    "steady_tracks_per_s": statistics.median(steadies),
                    "runs": times,
                    "steady_runs": steadies,
                    "peak_rss_mb": max(peaks) / 2**20,
                    "cpu_s_per_track": statistics.median(cpus) / len(paths),
                    "load_average": os.getloadavg()[0],
                }
                print(
                    f"analysis{suffix or ''}, {jobs} job(s): {len(paths) / med:.2f} tracks/s with "
                    f"start-up, {statistics.median(steadies):.2f} steady, peak RSS "
                    f"{max(peaks) / 2**20:.0f} MB",
                    flush=True,
                )
        for suffix, folder in models.items():
            results[f"stages_s_per_track{suffix}"] = stage_breakdown(paths[:16], folder)
            print(
                f"stages{suffix}:",
                {
                    k: f"{v * 1000:.1f} ms"
                    for k, v in results[f"stages_s_per_track{suffix}"].items()
                },
                flush=True,
            )
    if "cold" not in args.skip:
        named = {("float" if k else "shipped"): v for k, v in models.items()}
        results["cold_classify"] = cold_classify(args.runs, named)
        for name, r in results["cold_classify"].items():
            print(
                f"classify, whole processes ({name}): {COLD_SIZES[0]} files {r[f'seconds_{COLD_SIZES[0]}']:.1f} s, "
                f"{COLD_SIZES[1]} files {r[f'seconds_{COLD_SIZES[1]}']:.1f} s: "
                f"{r['rate_between']:.2f} tracks/s between, {r[f'whole_rate_{COLD_SIZES[1]}']:.2f} whole",
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
