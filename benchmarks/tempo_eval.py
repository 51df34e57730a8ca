"""Tempo: Accuracy 1 and 2 out of fold (grouped by artist) on the GTZAN development clips,
beside librosa's default estimate; trains models/tempo.json and writes models/TEMPO_CARD.md
and benchmarks/tempo_results.json.

    python benchmarks/tempo_extract.py      # once: decode, windows, genre model, librosa (slow)
    python benchmarks/tempo_eval.py         # folds, tables, the shipped JSON (seconds)

Only the full 30 s clips are scored (a 2-3 s excerpt holds a few beats: the app gives no
estimate under core.tempo.MIN_SECONDS); every clip's annotated tempo, excerpts included,
feeds the per-genre tempo priors of the training folds.

Scores: Accuracy 1 = within 4% of the annotated tempo; Accuracy 2 = also within 4% of
half, double, a third or three times it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from genre_desktop.core import tempo  # noqa: E402

FEATURES = ("salience", "double", "half", "log_tempo", "log_tempo_sq", "genre_prior")
FOLDS = 5


def acc1(est: float | None, ref: float) -> bool:
    return est is not None and abs(est - ref) <= 0.04 * ref


def acc2(est: float | None, ref: float) -> bool:
    return est is not None and any(
        abs(est - f * ref) <= 0.04 * f * ref for f in (1.0, 0.5, 2.0, 1 / 3, 3.0)
    )


def load_clips(gtzan: Path) -> dict[str, dict]:
    with open(gtzan / "clips.csv", encoding="utf-8") as fh:
        clips = {c["clip"]: c for c in csv.DictReader(fh)}
    with open(gtzan / "tempo.csv", encoding="utf-8") as fh:
        for t in csv.DictReader(fh):
            clips[t["clip"]]["bpm"] = float(t["bpm"])
    for c in clips.values():
        num = int(c["clip"].split(".")[1])
        c["group"] = c["artist"] or f"?{c['genre']}-{num // 10}"
    return clips


def grouped_folds(names: list[str], clips: dict, k: int = FOLDS) -> list[int]:
    """Fold of each clip: whole artists per fold, balanced by clip count (greedy)."""
    sizes: dict[str, int] = defaultdict(int)
    for n in names:
        sizes[clips[n]["group"]] += 1
    load = [0] * k
    fold_of: dict[str, int] = {}
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        f = int(np.argmin(load))
        fold_of[g] = f
        load[f] += sizes[g]
    return [fold_of[clips[n]["group"]] for n in names]


def genre_prior(names: list[str], clips: dict) -> dict[str, tuple[float, float]]:
    """log2 BPM mean and spread of each genre's annotated tempi (the true genres)."""
    by: dict[str, list[float]] = defaultdict(list)
    for n in names:
        by[clips[n]["genre"]].append(math.log2(clips[n]["bpm"]))
    return {
        g: (float(np.mean(v)), float(max(np.std(v), 0.15))) for g, v in by.items() if len(v) >= 3
    }


def fit_weights(
    cands: list[list[tuple[float, float]]],
    probs: list[dict | None],
    refs: list[float],
    prior: dict,
    use: tuple[str, ...],
) -> dict[str, float]:
    """Conditional logit over each clip's candidates: maximise the probability of the
    candidates within 4% of the annotation (clips with none are left out)."""
    from scipy.optimize import minimize

    xs, ys = [], []
    for cs, p, ref in zip(cands, probs, refs, strict=True):
        y = np.array([acc1(c.bpm, ref) for c in cs], dtype=float)
        if not len(cs) or y.sum() == 0 or y.sum() == len(cs):
            continue
        f = [tempo.candidate_features(c, p, prior) for c in cs]
        xs.append(np.array([[fi[k] for k in use] for fi in f]))
        ys.append(y)
    # padded: clips x candidates x features, with a mask
    m = max(len(y) for y in ys)
    X = np.zeros((len(xs), m, len(use)))
    Y = np.zeros((len(xs), m))
    M = np.zeros((len(xs), m), dtype=bool)
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        X[i, : len(y)], Y[i, : len(y)], M[i, : len(y)] = x, y, True
    reg = 0.01

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = np.where(M, X @ w, -np.inf)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p_all = e / e.sum(axis=1, keepdims=True)
        ok = e * Y
        p_ok = ok.sum(axis=1) / e.sum(axis=1)
        q = ok / ok.sum(axis=1, keepdims=True)
        grad = -np.einsum("cm,cmf->f", q - p_all, X) / len(X)
        total = -np.log(p_ok + 1e-12).mean()
        return float(total + reg * (w @ w)), grad + 2 * reg * w

    res = minimize(loss, np.zeros(len(use)), jac=True, method="L-BFGS-B")
    return {k: float(v) for k, v in zip(use, res.x, strict=True)}


def pick(cs, p, model: tempo.TempoModel) -> float | None:
    if not cs:
        return None
    return max(cs, key=lambda c: model.score(c, p)).bpm


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gtzan", default=str(ROOT.parent / "shared" / "gtzan"))
    ap.add_argument("--cache", default="/tmp/tempo30/gtzan_tempo.npz")
    ap.add_argument("--write", action="store_true", help="write models/tempo.json and the card")
    args = ap.parse_args()
    clips = load_clips(Path(args.gtzan))
    z = np.load(args.cache)
    names = [str(n) for n in z["names"]]
    labels = [str(x) for x in z["labels"]]
    secs = z["seconds"]
    lib = dict(zip(names, z["librosa_bpm"], strict=True))
    probs = {
        n: {g: float(v) for g, v in zip(labels, p, strict=True)}
        for n, p in zip(names, z["probs"], strict=True)
    }
    full = [n for n, s in zip(names, secs, strict=True) if s >= 29]
    print(f"{len(full)} full clips, {len(names) - len(full)} excerpts (not scored)")
    idx = {n: i for i, n in enumerate(names)}

    # candidates from the analysis' own windows (pooled: what the windows alone can do),
    # from the middle stretch the app decodes for the tempo, and from the whole clip
    cands: dict[object, dict] = {k: {} for k in ("w", "cS", "c30", "old", "comb4", *GRID)}
    windows, whole = z["windows"], z["full"]  # read once (an npz decompresses per access)
    for n in full:
        i = idx[n]
        w = windows[i].astype(np.float32)
        w = w[np.abs(w).sum(axis=(1, 2)) > 0]
        acf = tempo.periodicity(list(w))
        cands["w"][n] = tempo.candidates(tempo.salience(acf)) if acf is not None else []
        f = whole[i].astype(np.float32)[: int(secs[i] * tempo.FPS)]
        start, length = tempo.stretch_for(float(secs[i])) or (0.0, 0.0)
        mid = f[int(start * tempo.FPS) : int((start + length) * tempo.FPS)]
        runs: list[tuple[object, np.ndarray, dict]] = [
            ("cS", mid, {}),
            ("c30", f, {}),
            # the estimator as it stood before the onset was smoothed (untouched)
            ("old", mid, {"smooth": 1, "highpass": 16}),
            # a comb over 4 beats of the slowest tempo (lags to 6 s) instead of 2
            ("comb4", mid, {"multiples": 4}),
        ]
        runs += [(g, mid, {"smooth": g[0], "highpass": g[1]}) for g in GRID]
        for key, seg, kw in runs:
            acf = tempo.periodicity([seg], **kw)
            cands[key][n] = tempo.candidates(tempo.salience(acf)) if acf is not None else []
    refs = {n: clips[n]["bpm"] for n in full}
    # how long a stretch: the untrained rule on the middle L seconds of every full clip
    sweep = {}
    for length in (6, 8, 10, 12, 15, 20, 30):
        picks = {}
        for n in full:
            f = whole[idx[n]].astype(np.float32)[: int(secs[idx[n]] * tempo.FPS)]
            h = int(length * tempo.FPS / 2)
            seg = f[max(0, len(f) // 2 - h) : len(f) // 2 + h]
            acf = tempo.periodicity([seg])
            c = tempo.candidates(tempo.salience(acf)) if acf is not None else []
            picks[n] = pick(c, None, tempo.DEFAULT)
        sweep[length] = (
            float(np.mean([acc1(picks[n], refs[n]) for n in full])),
            float(np.mean([acc2(picks[n], refs[n]) for n in full])),
        )
        print(f"stretch {length} s: Acc1 {sweep[length][0]:.1%} Acc2 {sweep[length][1]:.1%}")
    args.sweep = sweep
    report(full, clips, refs, lib, probs, cands, names, args)


S = f"{tempo.STRETCH_SECONDS:g} s"
# the onset's smoothing and high-pass widths (frames) the nested variant chooses among
GRID = [(sm, hp) for sm in (1, 3, 5) for hp in (16, 24, 32)]
NESTED = f"{S}, onset widths chosen in the training folds"
OLD = f"{S} stretch, untouched (onset unsmoothed, 16-frame high-pass)"
VARIANTS = {
    # name: (input, features of the learned octave choice (None: the untrained rule),
    #        genre probabilities used)
    "windows pooled, untrained rule": ("w", None, False),
    OLD: ("old", None, False),
    f"{S} stretch, untrained rule": ("cS", None, False),
    NESTED: ("grid", None, False),
    f"{S} stretch, comb over 4 beats": ("comb4", None, False),
    f"{S} stretch, learned, no genre": ("cS", FEATURES[:5], False),
    f"{S} stretch, learned, genre prior": ("cS", FEATURES, True),
    "30 s (whole clip), untrained rule": ("c30", None, False),
    "30 s (whole clip), learned, genre prior": ("c30", FEATURES, True),
}
# chosen by the grouped folds above among these few: the learned octave choices (with or
# without the genre) did not beat the untrained rule out of fold (see the card)
SHIPPED = f"{S} stretch, untrained rule"  # the onset as core.tempo now smooths it
LIBROSA = "librosa (feature.tempo defaults)"


RELATION = {"x2": 2.0, "x1/2": 0.5, "x3": 3.0, "x1/3": 1 / 3, "x3/2": 1.5, "x2/3": 2 / 3}
RELATION |= {"x4/3": 4 / 3, "x3/4": 0.75}


def errors(full, clips, refs, est) -> dict[str, dict[str, int]]:
    """The misses (Acc1) of one estimator by their relation to the annotation, per genre."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n in full:
        if acc1(est[n], refs[n]):
            continue
        r = (est[n] or 0.0) / refs[n]
        kind = next((k for k, f in RELATION.items() if abs(r - f) <= 0.04 * f), "other")
        out[clips[n]["genre"]][kind] += 1
        out["all"][kind] += 1
    return {g: dict(v) for g, v in sorted(out.items())}


def nested(full, fold, refs, cands_by, train_split):
    """Out of fold with the onset's widths (GRID) chosen by Acc1 + Acc2 of the untrained rule
    on the training folds only (the train split for the valid split)."""

    def hits(g, names):
        picks = {n: pick(cands_by[g][n], None, tempo.DEFAULT) for n in names}
        return sum(acc1(picks[n], refs[n]) + acc2(picks[n], refs[n]) for n in names)

    est, chosen = {}, []
    for k in range(FOLDS):
        train = [n for n in full if fold[n] != k]
        g = max(GRID, key=lambda g: hits(g, train))
        chosen.append(g)
        est.update({n: pick(cands_by[g][n], None, tempo.DEFAULT) for n in full if fold[n] == k})
    g = max(GRID, key=lambda g: hits(g, train_split))
    valid = {n: pick(cands_by[g][n], None, tempo.DEFAULT) for n in full if n not in train_split}
    return est, valid, chosen


def fit_model(train, cands, probs, refs, prior_names, clips, use, with_genre) -> tempo.TempoModel:
    prior = genre_prior(prior_names, clips) if with_genre else {}
    if use is None:
        return tempo.DEFAULT
    w = fit_weights(
        [cands[n] for n in train],
        [probs[n] if with_genre else None for n in train],
        [refs[n] for n in train],
        prior,
        use,
    )
    raw = {"weights": w, "weights_without_genre": w}
    if with_genre:  # the fallback for a track with no genre probabilities
        raw["weights_without_genre"] = fit_weights(
            [cands[n] for n in train], [None] * len(train), [refs[n] for n in train], {}, use[:5]
        )
    return tempo.TempoModel(weights=w, genre_prior=prior, raw=raw)


def report(full, clips, refs, lib, probs, cands_by, names, args) -> None:  # noqa: PLR0915
    fold = dict(zip(full, grouped_folds(full, clips), strict=True))
    test_groups = {k: {clips[n]["group"] for n in full if fold[n] == k} for k in range(FOLDS)}
    est: dict[str, dict[str, float | None]] = {v: {} for v in VARIANTS}
    valid_est: dict[str, dict[str, float | None]] = {v: {} for v in VARIANTS}
    train_split = [n for n in full if clips[n]["split"] == "train"]
    valid_split = [n for n in full if clips[n]["split"] == "valid"]
    for v, (src, use, with_genre) in VARIANTS.items():
        if src == "grid":  # the onset's widths chosen on the training folds, scored on the test
            est[v], valid_est[v], chosen = nested(full, fold, refs, cands_by, train_split)
            continue
        cands = cands_by[src]
        for k in range(FOLDS):
            test = [n for n in full if fold[n] == k]
            train = [n for n in full if fold[n] != k]
            # priors from every clip's annotation (excerpts too) of the other artists
            prior_names = [n for n in names if clips[n]["group"] not in test_groups[k]]
            model = fit_model(train, cands, probs, refs, prior_names, clips, use, with_genre)
            for n in test:
                est[v][n] = pick(cands[n], probs[n] if with_genre else None, model)
        prior_names = [n for n in names if clips[n]["split"] == "train"]
        model = fit_model(train_split, cands, probs, refs, prior_names, clips, use, with_genre)
        for n in valid_split:
            valid_est[v][n] = pick(cands[n], probs[n] if with_genre else None, model)
    print("nested: widths (smooth, high-pass) chosen per fold:", chosen)
    est[LIBROSA] = {n: lib[n] for n in full}
    valid_est[LIBROSA] = {n: lib[n] for n in valid_split}
    print("\n== grouped by artist, 5 folds, out of fold ==")
    cv = table(full, clips, refs, est, fold)
    print("\n== train -> valid (artist-disjoint split) ==")
    vfold = {n: 0 for n in valid_split}
    val = table(valid_split, clips, refs, valid_est, vfold, folds=1)
    results = {"clips_scored": len(full), "excerpts_left_out": len(names) - len(full)}
    results["cv_by_artist"] = cv
    results["train_to_valid"] = val
    results["candidates_hold_annotation"] = float(
        np.mean([any(acc1(c.bpm, refs[n]) for c in cands_by["cS"][n]) for n in full])
    )
    results["shipped_errors"] = errors(full, clips, refs, est[SHIPPED])
    results["stretch_seconds"] = tempo.STRETCH_SECONDS
    results["stretch_sweep_untrained_rule"] = {str(k): v for k, v in args.sweep.items()}
    # the genre prior fitted on every clip, scored in sample with the genre model's (in-sample)
    # probabilities and with every genre equally likely: what the genre evidence adds at best
    src, use, with_genre = VARIANTS[f"{S} stretch, learned, genre prior"]
    gmodel = fit_model(full, cands_by[src], probs, refs, names, clips, use, with_genre)
    flat = {n: {g: 0.1 for g in probs[n]} for n in full}
    results["genre_prior_in_sample_acc1"] = {
        what: float(np.mean([acc1(pick(cands_by[src][n], p[n], gmodel), refs[n]) for n in full]))
        for what, p in (("genre model's probabilities", probs), ("uniform", flat))
    }
    print("genre prior, in sample:", results["genre_prior_in_sample_acc1"])
    src, use, with_genre = VARIANTS[SHIPPED]
    model = fit_model(full, cands_by[src], probs, refs, names, clips, use, with_genre)
    if args.write:
        write_outputs(model, results, full, clips)


def write_outputs(model, results, full, clips) -> None:
    raw = dict(model.raw) or {"weights": model.weights, "weights_without_genre": model.weights}
    raw["variant"] = SHIPPED
    raw["genre_prior"] = {g: [round(m, 4), round(s, 4)] for g, (m, s) in model.genre_prior.items()}
    raw["weights"] = {k: round(v, 4) for k, v in raw["weights"].items()}
    raw["weights_without_genre"] = {k: round(v, 4) for k, v in raw["weights_without_genre"].items()}
    raw = {
        "about": "core.tempo's octave choice: a log-linear score over the tempo candidates "
        "(weights; weights_without_genre when a track has no genre probabilities); "
        "genre_prior: log2 BPM mean and spread per genre, weighed by the genre probabilities "
        "(empty: not used). Chosen by benchmarks/tempo_eval.py on the GTZAN development clips.",
        "trained_on": f"{len(full)} full-length GTZAN development clips",
        **raw,
        # core.tempo's constants as measured here (the code holds them; recorded for the card)
        "onset": {
            "smooth_frames": tempo.SMOOTH_FRAMES,
            "highpass_frames": tempo.HIGHPASS_FRAMES,
            "comb_beats": tempo.MULTIPLES,
        },
        "measured": {
            "cv_by_artist": {
                k: {"acc1": round(v["acc1"], 4), "acc2": round(v["acc2"], 4)}
                for k, v in results["cv_by_artist"].items()
                if k in (SHIPPED, NESTED, OLD, LIBROSA)
            }
        },
    }
    (ROOT / "models" / "tempo.json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    (ROOT / "benchmarks" / "tempo_results.json").write_text(
        json.dumps(results, indent=1) + "\n", encoding="utf-8"
    )
    (ROOT / "models" / "TEMPO_CARD.md").write_text(card(results, clips, full), encoding="utf-8")
    print("wrote models/tempo.json, models/TEMPO_CARD.md, benchmarks/tempo_results.json")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def card(results: dict, clips: dict, full: list[str]) -> str:
    cv, val = results["cv_by_artist"], results["train_to_valid"]
    lines = [
        "# Tempo card (core/tempo.py, models/tempo.json)",
        "",
        "Written by `benchmarks/tempo_eval.py` (from the cache `benchmarks/tempo_extract.py` makes).",
        "",
        f"Scored: the {results['clips_scored']} full 30 s GTZAN development clips against the "
        "GTZAN-Rhythm annotations; the "
        f"{results['excerpts_left_out']} 2-3 s excerpts are left out (too few beats: the app "
        f"gives no estimate under {tempo.MIN_SECONDS:g} s). Accuracy 1: within 4% of the "
        "annotated tempo; Accuracy 2: also within 4% of x1/2, x2, x1/3 or x3.",
        "",
        "## Out of fold, 5 folds grouped by artist (mean ± sd over folds)",
        "",
        "| estimator | Acc1 | Acc2 | Acc1 per fold | Acc2 per fold |",
        "|---|---|---|---|---|",
    ]
    for v, r in cv.items():
        lines.append(
            f"| {v} | {_pct(r['acc1'])} | {_pct(r['acc2'])} | "
            f"{_pct(np.mean(r['folds_acc1']))} ± {_pct(np.std(r['folds_acc1']))} | "
            f"{_pct(np.mean(r['folds_acc2']))} ± {_pct(np.std(r['folds_acc2']))} |"
        )
    lines += [
        "",
        f"## Per genre, out of fold: shipped ({SHIPPED}) vs librosa",
        "",
        "| genre | clips | Acc1 | Acc2 | librosa Acc1 | librosa Acc2 |",
        "|---|---|---|---|---|---|",
    ]
    for g, (n, a1, a2) in cv[SHIPPED]["per_genre"].items():
        _, l1, l2 = cv[LIBROSA]["per_genre"][g]
        lines.append(f"| {g} | {n} | {_pct(a1)} | {_pct(a2)} | {_pct(l1)} | {_pct(l2)} |")
    lines += [
        "",
        "## Train split -> valid split (artist-disjoint, the published protocol)",
        "",
        "| estimator | clips | Acc1 | Acc2 |",
        "|---|---|---|---|",
    ]
    n_valid = sum(x[0] for x in val[LIBROSA]["per_genre"].values())
    for v, r in val.items():
        lines.append(f"| {v} | {n_valid} | {_pct(r['acc1'])} | {_pct(r['acc2'])} |")
    lines += [
        "",
        "**The genre.** The genre model was trained on these clips: its probabilities on "
        "them are in-sample (sharper than on new music). The per-genre tempo priors are "
        "fitted from the true genres of the training folds (every clip's annotation, "
        "excerpts included); the genre probabilities only weigh them at prediction. Even so "
        "the genre prior did not help out of fold, and in sample (fitted on every clip) it "
        "scores Acc1 "
        + ", ".join(f"{_pct(v)} with {k}" for k, v in results["genre_prior_in_sample_acc1"].items())
        + ". The shipped rule does not use the genre.",
        "",
        f"**The onset.** Smoothing the onset strength over {tempo.SMOOTH_FRAMES} frames (a "
        f"Hann of ~50 ms) and removing its moving mean over {tempo.HIGHPASS_FRAMES} frames "
        f"(~0.4 s) instead of none and 16: Acc1 {_pct(cv[OLD]['acc1'])} -> "
        f"{_pct(cv[SHIPPED]['acc1'])}, Acc2 {_pct(cv[OLD]['acc2'])} -> "
        f"{_pct(cv[SHIPPED]['acc2'])}. The widths were chosen on all clips among "
        f"{len(GRID)} pairs; chosen inside the training folds only (row '{NESTED}', "
        "an honest figure for the choice) they still beat the untouched estimator. "
        "A comb over 4 beats (lags to 6 s) instead of 2 did not help; neither did (measured "
        "while choosing, not kept here) an onset per 2, 4 or 8 band groups, SuperFlux's "
        "max-filtered rise, other log compressions, a tempogram of 6-10 s windows, "
        "Percival's pulse-train cross-correlation for the candidates, or a fitted "
        "preference's width and centre.",
        "",
        f"**Why a {S} stretch.** The analysis' eight ~3 s windows pooled give Acc2 "
        f"{_pct(cv['windows pooled, untrained rule']['acc2'])} (the comb needs lags of several "
        "beats, longer than a window holds); one contiguous stretch of the middle "
        "(untrained rule, all full clips, Acc1 / Acc2): "
        + ", ".join(
            f"{k} s {_pct(a1)} / {_pct(a2)}"
            for k, (a1, a2) in results["stretch_sweep_untrained_rule"].items()
        )
        + ". Each second decoded costs analysis time (benchmarks/tempo_cost.py); the "
        "differences between 12 and 20 s are within the spread over folds.",
        "",
        "**What limits it.** Among each clip's candidates (the score's peaks and their x1/3 "
        "to x3 relatives) one is within 4% of the annotation for "
        f"{_pct(results['candidates_hold_annotation'])} of the clips: the choice among them, "
        "not the periodicity, loses most. The shipped estimator's misses (Acc1, out of fold) "
        "by their relation to the annotation: "
        + ", ".join(f"{k} {v}" for k, v in results["shipped_errors"]["all"].items())
        + " (octave errors x2 and x1/2 cost Acc1; 3:2, 4:3 and unrelated ones cost Acc2 too; "
        "per genre in benchmarks/tempo_results.json). The errors of the metre (x3/2, x2/3) "
        "and 'other' are mostly classical and jazz; a product of the autocorrelation comb "
        "with the onset's DFT (Peeters' hybrid, measured while choosing) moved Acc2 by about "
        "one point only and cost Acc1 nine, favouring the subdivision. "
        f"Classical ({_pct(cv[SHIPPED]['per_genre']['classical'][1])} "
        "Acc1, many non-octave errors: rubato, no percussion) and jazz "
        f"({_pct(cv[SHIPPED]['per_genre']['jazz'][1])}, mostly half or double of the annotated "
        "swing tempo) hold most of the misses; the learned octave choices "
        "(salience, double's and half's salience, log tempo, genre prior) did not beat a "
        "fixed log-normal preference around 120 BPM out of fold. The issue's targets "
        "(Acc1 75%, Acc2 92% on the held-back clips) are not reached. The same limit shows on "
        "synthetic drums (tests/core/test_tempo.py): kick and snare alternating at 150 BPM "
        "can read as 75 in a 12 s stretch of the encoded file (marked xfail there), 170 as 85 "
        "(tempo.estimate on 12 s of audiofactory.drums), and with hi-hats on every eighth "
        "note 60 BPM reads as 120 and 72 as 144 (60-150 BPM are right with hats on the beats "
        "only; 128 with eighth-note hats, a 2/3 error before the onset was smoothed, is right).",
        "",
    ]
    cost = ROOT / "benchmarks" / "tempo_cost.json"
    if cost.exists():
        c = json.loads(cost.read_text(encoding="utf-8"))
        lines += [
            "## Cost (benchmarks/tempo_cost.py, benchmarks/tempo_cost.json)",
            "",
            f"One worker, {c['tracks']} synthetic full-length tracks ({c['minutes']} min, MP3, "
            f"FLAC, M4A, Ogg), {c['runs']} runs, the two variants alternated track by track: "
            f"genre only {c['tracks_per_s']['genre only']:.2f} tracks/s, genre + tempo "
            f"{c['tracks_per_s']['genre + tempo']:.2f} (median of runs' change "
            f"{100 * c['throughput_change_median_of_runs']:+.1f}%, runs "
            + ", ".join(f"{100 * x:+.1f}%" for x in c["throughput_change_per_run"])
            + f"). The tempo's own work (its {tempo.STRETCH_SECONDS:g} s decoded, the estimate) "
            f"takes {c['tempo_ms_per_track']:.0f} ms a track: "
            f"{100 * c['tempo_share_of_analysis']:.1f}% of the analysis with it.",
            "",
        ]
    again = ROOT / "benchmarks" / "tempo_cost_smoothed.json"
    if again.exists():  # measured again with the smoothed onset (fewer tracks and runs)
        c = json.loads(again.read_text(encoding="utf-8"))
        lines += [
            f"Measured again with the smoothed onset ({c['tracks']} tracks, {c['runs']} runs, "
            "benchmarks/tempo_cost_smoothed.json): the tempo's own work "
            f"{c['tempo_ms_per_track']:.0f} ms a track, "
            f"{100 * c['tempo_share_of_analysis']:.1f}% of the analysis; throughput "
            f"{100 * c['throughput_change_median_of_runs']:+.1f}% (median of runs). The "
            "smoothing is a 3-tap convolution over the stretch's 750 onset frames.",
            "",
        ]
    return "\n".join(lines)


def table(full, clips, refs, est, fold, folds: int = FOLDS) -> dict:
    out: dict = {}
    genres = sorted({clips[n]["genre"] for n in full})
    print(f"\n{'variant':42s} {'Acc1':>6s} {'Acc2':>6s}   folds Acc1 (mean±sd)  Acc2")
    for v, e in est.items():
        a1 = np.mean([acc1(e[n], refs[n]) for n in full])
        a2 = np.mean([acc2(e[n], refs[n]) for n in full])
        f1 = [np.mean([acc1(e[n], refs[n]) for n in full if fold[n] == k]) for k in range(folds)]
        f2 = [np.mean([acc2(e[n], refs[n]) for n in full if fold[n] == k]) for k in range(folds)]
        print(
            f"{v:42s} {a1:6.1%} {a2:6.1%}   {np.mean(f1):.1%}±{np.std(f1):.1%}  "
            f"{np.mean(f2):.1%}±{np.std(f2):.1%}"
        )
        per = {}
        for g in genres:
            ns = [n for n in full if clips[n]["genre"] == g]
            per[g] = (
                len(ns),
                float(np.mean([acc1(e[n], refs[n]) for n in ns])),
                float(np.mean([acc2(e[n], refs[n]) for n in ns])),
            )
        out[v] = {
            "acc1": float(a1),
            "acc2": float(a2),
            "folds_acc1": [float(x) for x in f1],
            "folds_acc2": [float(x) for x in f2],
            "per_genre": per,
        }
    return out


if __name__ == "__main__":
    main()
