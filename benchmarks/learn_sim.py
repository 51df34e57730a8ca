"""Half-tagged libraries simulated from ../shared, measured honestly and in seconds.

Every development item (GTZAN clips, ../shared/realsongs, ../shared/realworld) becomes a
track of a simulated library whose stock analysis is what the app would have cached for it,
with one change that keeps the comparison honest: its stock genre probabilities come from
the shipped recipe (msd_all+mlp) trained **out of fold**, artist-grouped, so no song is
judged by a stock model that heard its artist (the shipped model was trained on all of
them). Tags and embedding come from the frozen pretrained network (the training cache), as
the app computes them over its 8 windows.

For each library, tagged share (10/30/60% of the artists) and split seed: the tagged
artists' songs get the genre in a made-up vocabulary (the owner's words, in a few
spellings), the rest none; `core.learn.learn` fits on the tagged ones as `genre-desktop
learn` does, and the learned model (when used) and the stock model (read in the owner's
words where the names match) are scored on the untagged songs: the share given the owner's
exact genre, and the precision and coverage of what each would write at its threshold.

    python benchmarks/learn_sim.py [--shares 0.1 0.3 0.6] [--splits 5] [--card models/MODEL_CARD.md]

Needs the `train` extra (TensorFlow fits the out-of-fold stock heads once; cached).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CACHE = ROOT / ".cache" / "training"
# the owner's words: the first is how most of their files spell it; the others turn up too
WORDS = {
    "blues": ["Blues", "blues"],
    "classical": ["Classical", "Klassik"],
    "country": ["Country", "Country & Western"],
    "disco": ["Disco", "disco"],
    "electronic": ["Electronica", "electronica"],
    "hiphop": ["Hip Hop", "Hip-Hop", "HipHop"],
    "jazz": ["Jazz", "jazz"],
    "metal": ["Heavy Metal", "heavy metal"],
    "pop": ["Pop", "pop"],
    "reggae": ["Reggae", "reggae"],
    "rock": ["Rock", "rock"],
}
LIBRARIES = {
    "real songs": lambda c: c.real,  # realsongs + realworld: modern songs people own
    "GTZAN": lambda c: not c.real,
}


def oof_stock(data, items, log=print) -> np.ndarray:
    """Window probabilities of the shipped recipe, each item's from a fit without its artist
    (5 artist-grouped folds), cached beside the features."""
    from genre_desktop.training import train

    cand = train.CANDIDATES["msd_all+mlp"]
    h = hashlib.sha256(repr((sorted(cand.items()), [c.group for c in items])).encode())
    h.update(np.asarray(data["label"]).tobytes())
    path = CACHE / f"learn-oof-{h.hexdigest()[:16]}.npy"
    if path.exists():
        return np.load(path)
    t0 = time.time()
    x = train.features_of(data, cand["spec"])
    rows_of = train.rows_by_item(data, len(items))
    groups = np.array([c.group for c in items])
    wp = np.zeros((len(data["clip"]), train.N_CLASSES))
    for tr, te in train.folds(data["label"], groups, train.SEED):
        wp += train.fit_and_score(cand, data, x, items, rows_of, tr, te, train.SEED)
    np.save(path, wp)
    log(f"out-of-fold stock heads fitted in {time.time() - t0:.0f} s -> {path}")
    return wp


def analyses_of(items, log=print):
    """Per item, the Analysis the app would cache (stock probabilities out of fold)."""
    from genre_desktop.core.model import TOP_TAGS, GenreModel
    from genre_desktop.core.records import Analysis
    from genre_desktop.training import extract, train
    from genre_desktop.training.calibration import apply_temperature

    data = extract.extract(items, CACHE, log=log)
    wp = oof_stock(data, items, log)
    model = GenreModel()
    card = model.card
    temperature = float(card.raw["calibration"]["temperature"])
    windows = train.app_windows(data, train.rows_by_item(data, len(items)), train.DEFAULT_WINDOWS())
    out = []
    for i in range(len(items)):
        w = windows[i]
        p = apply_temperature(wp[w], temperature).mean(0)
        p = p / p.sum()
        tags = data["MSD_musicnn:tags"][w].mean(0)
        top = [(card.tag_labels[j], float(tags[j])) for j in np.argsort(-tags)[:TOP_TAGS]]
        emb = model.similarity_vector(data["MSD_musicnn:penultimate"][w].mean(0), p)
        best = int(np.argmax(p))
        out.append(
            Analysis(
                card.version,
                card.labels[best],
                float(p[best]),
                {lab: float(v) for lab, v in zip(card.labels, p, strict=True)},
                tags=top,
                embedding=emb,
                windows=len(w),
            )
        )
    return out, card


def simulate(items, analyses, card, members, share, seed):
    from genre_desktop.core import learn
    from genre_desktop.core.labels import display_name
    from genre_desktop.core.records import Track

    rng = np.random.default_rng(seed)
    artists = sorted({items[i].group for i in members})
    n_tag = max(1, int(round(share * len(artists))))
    tagged = set(rng.choice(artists, n_tag, replace=False).tolist())
    tracks, truth = [], {}
    for i in members:
        c = items[i]
        words = WORDS[c.genre]
        genre = (
            [words[0] if rng.random() < 0.8 else str(rng.choice(words))]
            if c.group in tagged
            else []
        )
        tracks.append(
            Track(i + 1, str(c.path), 0, 0, artist=c.group, title=c.path.stem, genres=genre)
        )
        truth[i + 1] = words[0]
    by_id = {t.id: analyses[t.id - 1] for t in tracks}
    model, report = learn.learn(tracks, by_id, card.version, card.labels, card.tag_labels)
    plain, _ = learn.learn(tracks, by_id, card.version, card.labels, card.tag_labels, correct=False)
    untagged = [t for t in tracks if not t.genres]
    stock_threshold = float(card.raw.get("recommended_min_confidence", 0.91))
    row = {
        "share": share,
        "seed": seed,
        "tagged_songs": len(tracks) - len(untagged),
        "untagged": len(untagged),
        "used": report.used,
        "heldout_learned": report.learned_accuracy,
        "heldout_stock": report.stock_accuracy,
        "seconds": report.seconds,
    }

    pairs: dict[str, list[tuple[str, str]]] = {}

    def scored(judge, name, threshold, key=None):
        right, written, written_right = [], 0, 0
        for t in untagged:
            a = by_id[t.id] if judge is None else judge(t, by_id[t.id])
            said = name(a.genre)
            ok = said == truth[t.id]
            if key:
                pairs.setdefault(key, []).append((truth[t.id], said))
            right.append(ok)
            if a.confidence >= threshold:
                written += 1
                written_right += ok
        n = max(len(untagged), 1)
        return (
            sum(right) / n,
            written_right / written if written else None,
            written / n,
        )

    # the stock model in the owner's words: its name when the owner uses it in any spelling
    owner = {learn.key(w): WORDS[g][0] for g in WORDS for w in WORDS[g]}

    def stock_name(label):
        return owner.get(learn.key(display_name(label)), display_name(label))

    row["stock_exact"], row["stock_precision"], row["stock_coverage"] = scored(
        None, stock_name, stock_threshold, "stock"
    )
    # the stock model read in any spelling and any name ('Electronic' for 'Electronica'):
    # what a person reading its answers would count, not what it can write
    row["stock_any"] = float(
        np.mean([by_id[t.id].genre == items[t.id - 1].genre for t in untagged])
    )
    for name, m in (("learned", model), ("transfer", plain)):
        if m is not None:
            acc, prec, cov = scored(m, m.name, m.threshold, name)
        else:  # nothing learned: the app keeps the stock model
            acc, prec, cov = row["stock_exact"], row["stock_precision"], row["stock_coverage"]
            pairs[name] = list(pairs["stock"])
        row[f"{name}_exact"], row[f"{name}_precision"], row[f"{name}_coverage"] = acc, prec, cov
    row["threshold"] = model.threshold if model is not None else None
    row["pairs"] = pairs  # (the owner's word, what was proposed) per untagged song
    return row


def per_genre(pairs: list[tuple[str, str]]) -> dict:
    """Precision, recall, F1 per owner word, and the confusion matrix (rows: the owner's
    word; columns: what was proposed), pooled over the splits."""
    truth = sorted({t for t, _ in pairs})
    said = sorted({p for _, p in pairs} - set(truth))
    cols = truth + said
    cm = [[sum(1 for t, p in pairs if t == a and p == b) for b in cols] for a in truth]
    out = {}
    for i, g in enumerate(truth):
        tp = cm[i][i]
        n_pred = sum(cm[r][i] for r in range(len(truth)))
        n_true = sum(cm[i])
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_true if n_true else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[g] = {"precision": prec, "recall": rec, "f1": f1, "songs": n_true}
    return {"per_genre": out, "confusion": {"rows": truth, "columns": cols, "counts": cm}}


def summarise(rows):
    def med(key):
        v = [r[key] for r in rows if r[key] is not None]
        return (float(np.mean(v)), float(np.min(v)), float(np.max(v))) if v else None

    return {
        k: med(k)
        for k in (
            "learned_exact",
            "transfer_exact",
            "stock_exact",
            "stock_any",
            "learned_precision",
            "learned_coverage",
            "stock_precision",
            "stock_coverage",
            "heldout_learned",
            "heldout_stock",
            "seconds",
        )
    } | {"used": sum(bool(r["used"]) for r in rows), "runs": len(rows)}


NOTES = [
    "The learned model reads the stock model's genres in the owner's words (a channel fitted "
    "by maximum likelihood, with a 5-song prior from the names that match) and adds a strongly "
    "regularised correction on the stock log-probabilities, tags and embedding; it is used only "
    "when it beats, on held-out artists and beyond chance (sign test, p <= 0.05), both the "
    "stock model and always answering the owner's commonest genre. "
    "Chosen among few options on these simulations: the correction's L2 (0.1, 1, 10; 10 "
    "kept), the channel by counts or by maximum likelihood (ML kept), the name prior as 1 or 5 "
    "songs (5 kept); a nearest-neighbour vote on the embedding added nothing and was dropped.",
    "What it gives: the owner's words (the stock model can never write `Electronica` or "
    "`Heavy Metal`), at about the stock model's accuracy read in any name. It does not beat "
    "the stock model's ear: on real songs, at 30-60% tagged, the learned model gives the "
    "owner's exact name to 66-68% of the untagged songs, the stock model 53-56% in the "
    "owner's words and 68-71% in any name. The 80% asked for is not reached; the stock "
    "model's learning curve (above) flattens near 70% with more real-song artists, and a "
    "few hundred tagged songs do not move that ceiling.",
    "With 10% tagged, the check never finds the learned model better beyond chance: nothing "
    "changes (0/5 splits), which is the intended safe outcome.",
    "Written precision: the learned threshold is the lowest at which 95% of the held-out "
    "songs were right, yet on the untagged songs of real-song libraries 81-93% of what it "
    "writes is right (the stock model's, in the owner's words, 72-73%): a threshold picked "
    "from 50-110 tagged songs is optimistic. Two stricter rules (at least 20 songs above it; "
    "a Wilson lower bound) wrote no more precisely and were not kept.",
]


HEADER = (
    "| library | tagged artists | untagged songs | learned: exact | learned: written precision "
    "(coverage) | stock in the owner's words: exact | stock, any name | stock: written precision "
    "(coverage) | transfer only: exact | used | held-out check: learned vs stock |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def table_row(lib, share, untagged, s) -> str:
    def f(v):
        return "-" if v is None else f"{v[0]:.1%} ({v[1]:.0%}-{v[2]:.0%})"

    def g(v):
        return "-" if v is None else f"{v[0]:.0%}"

    return (
        f"| {lib} | {share:.0%} | {untagged} | **{f(s['learned_exact'])}** | "
        f"{g(s['learned_precision'])} ({g(s['learned_coverage'])}) | {f(s['stock_exact'])} | "
        f"{f(s['stock_any'])} | {g(s['stock_precision'])} ({g(s['stock_coverage'])}) | "
        f"{f(s['transfer_exact'])} | {s['used']}/{s['runs']} | "
        f"{g(s['heldout_learned'])} vs {g(s['heldout_stock'])} |"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shares", type=float, nargs="+", default=[0.1, 0.3, 0.6])
    ap.add_argument("--splits", type=int, default=5)
    ap.add_argument(
        "--json",
        default=str(ROOT / "benchmarks" / "learn_results.json"),
        help="write every run and the summary here (the model card's section reads it)",
    )
    ap.add_argument(
        "--card", help="rewrite the learn section of this MODEL_CARD.md (between its markers)"
    )
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from genre_desktop.training.dataset import find_clips, find_songs

    items = find_clips(SHARED / "gtzan")
    for folder in ("realsongs", "realworld"):
        items += find_songs(SHARED / folder)
    analyses, card = analyses_of(items, log=lambda m: print(m, file=sys.stderr))
    results: dict = {"splits": args.splits, "notes": NOTES, "runs": [], "summary": {}}
    print(HEADER)
    for lib, pick in LIBRARIES.items():
        members = [i for i, c in enumerate(items) if pick(c)]
        for share in args.shares:
            rows = [
                simulate(items, analyses, card, members, share, seed) | {"library": lib}
                for seed in range(args.splits)
            ]
            s = summarise(rows) | {"untagged": rows[0]["untagged"]}
            for name in ("learned", "stock"):
                s[f"{name}_by_genre"] = per_genre([p for r in rows for p in r["pairs"][name]])
            for r in rows:
                del r["pairs"]
            results["runs"] += rows
            results["summary"][f"{lib} {share:.0%}"] = s

            print(table_row(lib, share, rows[0]["untagged"], s), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.card:
        from genre_desktop.training.report import LEARN_BEGIN, LEARN_END, learn_section

        card = Path(args.card)
        text = card.read_text(encoding="utf-8")
        section = "\n".join(learn_section(results))
        if LEARN_BEGIN in text:
            head, rest = text.split(LEARN_BEGIN, 1)
            text = head + section + "\n" + rest.split(LEARN_END, 1)[1].lstrip("\n")
        else:
            head, sep, tail = text.partition("## Licence")
            text = head + section + "\n" + sep + tail
        card.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
