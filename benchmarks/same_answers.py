"""Does a faster model give the same answers? (issue 34, point 2)

    python benchmarks/same_answers.py OLD.tflite NEW.tflite [--cache DIR] [--parts 2]

Every development item (GTZAN dev clips, ../shared/realsongs, ../shared/realworld) is
read as the app reads it (`GenreModel.windows_of`: its 8 windows), and both models
analyse the same windows as the app does (mean of the window probabilities and
penultimate layers). Compared against OLD: the same top genre (share of items), accuracy
against the labels, ECE of the calibrated confidence (10 bins), precision and coverage at
the card's write threshold, similarity precision@5 (the app's embedding, neighbours of the
query's own artist left out), and the largest output differences.

Both models share one head, trained on most of these items: the accuracies are in-sample
for the head. What they say is the difference between the two; an item whose top genre
changes bounds how far any accuracy can move (the share of items that change). The
windows and outputs are cached in --cache (default /tmp/same-answers; never in the
repository: they come from the development audio). --parts N splits the work over N
processes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _key(model: str) -> str:
    import hashlib

    return hashlib.sha256(Path(model).read_bytes()).hexdigest()[:8]


def dev_items(shared: Path) -> list:
    from genre_desktop.training.dataset import find_clips, find_songs

    return (
        find_clips(shared / "gtzan")
        + find_songs(shared / "realsongs")
        + find_songs(shared / "realworld")
    )


def part_outputs(shared: Path, cache: Path, part: int, parts: int, models: list[str]) -> None:
    """Windows of every parts-th item (cached), then each model's per-item outputs."""
    from ai_edge_litert.interpreter import Interpreter

    from genre_desktop.core.model import GenreModel

    items = dev_items(shared)
    win_file = cache / f"windows_{part}of{parts}.npz"
    if not win_file.exists():
        reader = GenreModel()
        wins, idx, counts = [], [], []
        for i, item in enumerate(items):
            if i % parts == part:
                w = reader.windows_of(item.path)
                wins.append(w.astype(np.float32))
                idx.append(i)
                counts.append(len(w))
        np.savez(win_file, windows=np.concatenate(wins), item=np.array(idx), count=np.array(counts))
    with np.load(win_file) as d:
        windows, idx, counts = d["windows"], d["item"], d["count"]
    bounds = np.concatenate([[0], np.cumsum(counts)])
    for path in models:
        out_file = cache / f"out_{_key(path)}_{part}of{parts}.npz"
        if out_file.exists():
            continue
        it = Interpreter(model_path=path, num_threads=1)
        inp = it.get_input_details()[0]
        res: dict[str, list[np.ndarray]] = {"probabilities": [], "embedding": [], "tags": []}
        batch = -1
        for k in range(len(idx)):
            x = windows[bounds[k] : bounds[k + 1]]
            if len(x) != batch:
                it.resize_tensor_input(inp["index"], list(x.shape))
                it.allocate_tensors()
                batch = len(x)
            it.set_tensor(inp["index"], x)
            it.invoke()
            for o in it.get_output_details():
                v = it.get_tensor(o["index"])
                res[{11: "probabilities", 50: "tags"}.get(v.shape[-1], "embedding")].append(
                    v.mean(0)
                )
        np.savez(out_file, item=idx, **{k: np.stack(v) for k, v in res.items()})


def load_outputs(cache: Path, model: str, parts: int, n_items: int) -> dict[str, np.ndarray]:
    chunks = [dict(np.load(cache / f"out_{_key(model)}_{p}of{parts}.npz")) for p in range(parts)]
    merged = {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
    order = np.argsort(merged["item"])
    if not (merged["item"][order] == np.arange(n_items)).all():
        raise RuntimeError("outputs do not cover every item")
    return {k: v[order] for k, v in merged.items() if k != "item"}


def compare(items, old: dict, new: dict) -> dict:
    from genre_desktop.core.model import load_card
    from genre_desktop.training.calibration import ece
    from genre_desktop.training.metrics import precision_at_k

    labels = np.array([c.label for c in items])
    groups = np.array([c.group for c in items])
    dom = np.array([c.domain for c in items])
    real = dom != "gtzan"
    masks = {
        "all": np.ones(len(items), bool),
        "gtzan": ~real,
        "real": real,
        "realsongs": dom == "realsongs",
        "realworld": dom == "realworld",
    }
    card = load_card()
    sim = card.raw["similarity"]
    pen_mean = np.array(sim["penultimate_mean"], np.float32)
    threshold = card.raw["recommended_min_confidence"]

    def app_view(o: dict) -> tuple[np.ndarray, np.ndarray]:
        p = o["probabilities"] / o["probabilities"].sum(1, keepdims=True)
        a = o["embedding"] - pen_mean
        a /= np.linalg.norm(a, axis=1, keepdims=True) + 1e-9
        b = p / (np.linalg.norm(p, axis=1, keepdims=True) + 1e-9)
        return p, np.concatenate([a, sim["probability_weight"] * b], 1)

    p_old, _ = app_view(old)
    out = {}
    for name, o in (("old", old), ("new", new)):
        p, emb = app_view(o)
        top, conf = p.argmax(1), p.max(1)
        r: dict = {"items": {k: int(m.sum()) for k, m in masks.items()}}
        r["same_top_genre"] = {
            k: float((top[m] == p_old.argmax(1)[m]).mean()) for k, m in masks.items()
        }
        r["accuracy"] = {k: float((top[m] == labels[m]).mean()) for k, m in masks.items()}
        r["ece"] = {k: ece(p[masks[k]], labels[masks[k]]) for k in ("all", "gtzan", "real")}
        for k in ("real", "gtzan"):
            sel = masks[k] & (conf >= threshold)
            r[f"at_threshold_{k}"] = {
                "coverage": float(sel.sum() / masks[k].sum()),
                "precision": float((top[sel] == labels[sel]).mean()),
                "written": int(sel.sum()),
            }
        r["p@5"] = {
            k: precision_at_k(emb[masks[k]], labels[masks[k]], groups[masks[k]], ks=(5,))["p@5"]
            for k in ("all", "gtzan", "real")
        }
        r["max_abs_probability_difference"] = float(np.abs(p - p_old).max())
        r["mean_abs_probability_difference"] = float(np.abs(p - p_old).mean())
        r["max_abs_tag_difference"] = float(np.abs(o["tags"] - old["tags"]).max())
        r["threshold_crossings"] = int(((conf >= threshold) != (p_old.max(1) >= threshold)).sum())
        r["changed"] = [
            [items[i].path.name, str(dom[i]), card.labels[int(p_old[i].argmax())],
             round(float(p_old[i].max()), 3), card.labels[int(top[i])], round(float(conf[i]), 3)]
            for i in np.flatnonzero(top != p_old.argmax(1))
        ]  # fmt: skip
        out[name] = r
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--cache", default="/tmp/same-answers")
    ap.add_argument("--parts", type=int, default=2)
    ap.add_argument("--part", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    shared, cache = Path(args.shared), Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    models = [str(Path(args.old).resolve()), str(Path(args.new).resolve())]
    if args.part is not None:
        part_outputs(shared, cache, args.part, args.parts, models)
        return 0
    procs = [
        subprocess.Popen([sys.executable, __file__, *models, "--shared", str(shared),
                          "--cache", str(cache), "--parts", str(args.parts), "--part", str(p)])
        for p in range(args.parts)
    ]  # fmt: skip
    if any(p.wait() for p in procs):
        return 1
    items = dev_items(shared)
    old, new = (load_outputs(cache, m, args.parts, len(items)) for m in models)
    result = compare(items, old, new)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
