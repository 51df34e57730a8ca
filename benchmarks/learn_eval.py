"""The commands end to end on a half-tagged library copied from ../shared/realsongs: some
artists tagged in a made-up vocabulary (the owner's words), the rest untagged; `genre-desktop
learn`, then `retag --dry-run --json --min-confidence 0` with and without `--stock`, and the
share of untagged songs given the owner's exact genre name.

This checks the path a person takes (files, tags, the library, the commands). The measured
figures come from benchmarks/learn_sim.py: here the shipped stock model was trained on these
very songs, so both models look better than they are on a library of songs it never heard.

    python benchmarks/learn_eval.py [--shares 0.6] [--splits 1]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import mutagen
import numpy as np

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "realsongs"
WORDS = {
    "hiphop": ["Hip Hop", "hip-hop", "HipHop"],
    "electronic": ["Electronica"],
    "metal": ["Heavy Metal"],
    "rock": ["Rock", "rock"],
    "pop": ["Pop"],
    "country": ["Country"],
    "jazz": ["Jazz"],
    "classical": ["Classical"],
    "blues": ["Blues"],
    "reggae": ["Reggae"],
    "disco": ["Disco"],
}
GD = [sys.executable, "-m", "genre_desktop"]


def run(cmd, env):
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shares", type=float, nargs="+", default=[0.6])
    ap.add_argument("--splits", type=int, default=1)
    args = ap.parse_args()
    with open(SHARED / "labels.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    artists = sorted({r["artist"] for r in rows})
    work = Path(tempfile.mkdtemp(prefix="gd-learn-"))
    results = []
    try:
        for share in args.shares:
            for seed in range(args.splits):
                rng = np.random.default_rng(seed)
                tagged = set(rng.choice(artists, int(round(share * len(artists))), replace=False))
                lib = work / f"lib-{share}-{seed}"
                data = work / f"data-{share}-{seed}"
                lib.mkdir()
                truth = {}
                for r in rows:
                    src = SHARED / r["file"]
                    dst = lib / src.name
                    shutil.copyfile(src, dst)
                    f = mutagen.File(dst)
                    f["artist"] = [r["artist"]]
                    if r["artist"] in tagged:
                        f["genre"] = [str(rng.choice(WORDS[r["genre"]]))]
                    f.save()
                    truth[str(dst)] = (r["genre"], WORDS[r["genre"]][0], r["artist"] in tagged)
                env = dict(os.environ, GENRE_DESKTOP_DATA_DIR=str(data))
                learned = run([*GD, "learn", "--json", str(lib)], env)
                report = json.loads(learned.stdout.strip().splitlines()[-1])
                out = run(
                    [*GD, "retag", "--dry-run", "--json", "--min-confidence", "0", str(lib)], env
                )
                stock = run(
                    [
                        *GD,
                        "retag",
                        "--dry-run",
                        "--json",
                        "--min-confidence",
                        "0",
                        "--stock",
                        str(lib),
                    ],
                    env,
                )

                def score(text, truth=truth):
                    right = n = 0
                    for line in text.splitlines():
                        rec = json.loads(line)
                        if rec.get("summary") or rec["path"] not in truth:
                            continue
                        label, word, was_tagged = truth[rec["path"]]
                        if was_tagged:
                            continue
                        n += 1
                        right += rec.get("predicted") == word
                    return right, n

                def score_any(text, truth=truth):  # the stock model read in any spelling
                    from genre_desktop.core.learn import key

                    right = n = 0
                    for line in text.splitlines():
                        rec = json.loads(line)
                        if rec.get("summary") or rec["path"] not in truth or truth[rec["path"]][2]:
                            continue
                        n += 1
                        right += key(rec.get("predicted", "")) in {
                            key(w) for w in WORDS[truth[rec["path"]][0]]
                        }
                    return right, n

                lr, n = score(out.stdout)
                sr, _ = score(stock.stdout)
                sa, _ = score_any(stock.stdout)
                results.append(
                    dict(
                        share=share,
                        seed=seed,
                        untagged=n,
                        learned_exact=lr / max(n, 1),
                        stock_exact=sr / max(n, 1),
                        stock_any_spelling=sa / max(n, 1),
                        used=report.get("used"),
                        heldout_learned=report.get("learned_accuracy"),
                        heldout_stock=report.get("stock_accuracy"),
                        threshold=report.get("threshold"),
                        precision=report.get("precision"),
                        coverage=report.get("coverage"),
                        seconds=report.get("seconds"),
                    )
                )
                print(json.dumps(results[-1]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
