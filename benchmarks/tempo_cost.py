"""What the tempo costs the analysis: tracks/s of one worker with and without it, side by
side on the same full-length files (make bench's synthetic library), alternating the two
variants track by track so a busy machine slows both alike. Medians of --runs runs.

    python benchmarks/tempo_cost.py [--tracks 12] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import make_library  # noqa: E402
from genre_desktop.core import audio, features, tempo  # noqa: E402
from genre_desktop.core.model import GenreModel  # noqa: E402
from genre_desktop.core.pipeline import analyse_with_tempo  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracks", type=int, default=12)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    paths = make_library(args.tracks)
    durations = {p: audio.probe(p).duration for p in paths}
    model = GenreModel(num_threads=1)
    analyse_with_tempo(model, str(paths[0]), durations[paths[0]])  # warm up
    runs: dict[str, list[float]] = {"genre only": [], "genre + tempo": [], "tempo alone": []}
    for _ in range(args.runs):
        spent = {k: 0.0 for k in runs}
        for i, p in enumerate(paths):
            order = ("genre only", "genre + tempo") if i % 2 else ("genre + tempo", "genre only")
            for variant in order:
                t0 = time.perf_counter()
                if variant == "genre only":
                    model.analyse(str(p), durations[p])
                else:
                    analyse_with_tempo(model, str(p), durations[p])
                spent[variant] += time.perf_counter() - t0
            t0 = time.perf_counter()  # the stretch's decode and the estimate, nothing else
            span = tempo.stretch_for(durations[p])
            assert span is not None
            y = audio.load(str(p), features.SAMPLE_RATE, span[0], span[1])
            tempo.estimate(y)
            spent["tempo alone"] += time.perf_counter() - t0
        for k in runs:
            runs[k].append(len(paths) / spent[k])
    med = {k: statistics.median(v) for k, v in runs.items()}
    result = {
        "tracks": len(paths),
        "minutes": round(sum(durations.values()) / 60, 1),
        "runs": args.runs,
        "tracks_per_s": med,
        "tempo_ms_per_track": 1000 / med["tempo alone"],
        "throughput_change": med["genre + tempo"] / med["genre only"] - 1,
        # per run, the two variants measured side by side: less noise than the medians' ratio
        "throughput_change_per_run": [
            b / a - 1 for a, b in zip(runs["genre only"], runs["genre + tempo"], strict=True)
        ],
        "throughput_change_median_of_runs": statistics.median(
            b / a - 1 for a, b in zip(runs["genre only"], runs["genre + tempo"], strict=True)
        ),
        # the tempo's own time (decode + estimate) over the genre analysis' plus it
        "tempo_share_of_analysis": statistics.median(
            (1 / t) / (1 / g + 1 / t)
            for g, t in zip(runs["genre only"], runs["tempo alone"], strict=True)
        ),
        "all_runs": runs,
    }
    print(json.dumps(result, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
