"""The library's own genre model: learned from the genres its owner already wrote.

The tagged part of a library is training data in the owner's words. `learn()` normalises
those tags (`normalise`), keeps the genres it can learn (any of our genres, however few
songs carry it; a word of the owner's own with 5+ songs by 2+ artists), and fits, in numpy
on each track's cached stock analysis:

1. the stock model read in the owner's words: P(owner's genre | our genre), the channel
   that best explains the owner's tags from what the stock model said of the same songs
   (maximum likelihood, by EM), plus 5 songs' worth of the names that match (so
   'Electronica' takes over from our Electronic when the owner's songs say so, and a small
   library starts from what the stock model knows);
2. a softmax correction on the stock log-probabilities, descriptive tags and embedding,
   strongly regularised towards (1).

Our genres the owner has not used stay open, in our names, unless the owner's tagged songs
say they call one otherwise (5 songs' worth of it by the stock model, or the songs of one
of their words mostly sounding like it: 'Heavy Metal' closes 'Metal'). Junk tags ('Other')
are no genre, by core.policy's one rule. It then checks itself honestly:
agreement with the owner's tags on artists held out of the fit (grouped by the artist tag,
else the folder), next to the stock model's agreement on the same songs (its names mapped
to the owner's where they match). The learned model is used only where it beats the stock
one, and always answering the owner's commonest genre, beyond chance (a sign test on the
songs they disagree on); its temperature and its write threshold (>= 95% precision) come
from that same check (`Learned.threshold`; `core.plan.threshold_of` decides when it applies:
unless the person chose a threshold).

`Learned` is a `core.plan.Judge`: the plan asks it to re-read each stock analysis.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from genre_desktop.core import policy
from genre_desktop.core.labels import display_name
from genre_desktop.core.records import Analysis, Track

VERSION = 2  # the stored model's format (2: the stock model read in the owner's words + correction)
META_KEY = "learned"
MIN_SONGS = 5  # a genre with fewer tagged songs is not learned
MIN_ARTISTS = 2  # ... nor one sung by a single artist (it could not be checked)
FOLDS = 5
TARGET_PRECISION = 0.95
# the correction's L2 (towards the stock model read in the owner's words): of 0.1, 1 and 10,
# 10 did best on the simulated half-tagged libraries (benchmarks/learn_sim.py), where it is
# as good as no correction at all; weaker ones overfit a few hundred songs
L2 = 10.0
# the learned model replaces the stock one only when it wins on the held-out songs where
# they disagree beyond chance (a sign test at this level); a few lucky songs are not enough
MAX_P = 0.05
# the name prior counts as this many songs per stock genre: of 1 and 5, 5 kept a library with
# few tagged songs from unlearning what the stock model knows (benchmarks/learn_sim.py)
PRIOR_SONGS = 5.0
STEPS = 150  # of the correction's Adam; 300 gave the same figures at twice the time
JUNK = policy.JUNK  # the one rule for what is no genre ('Other', 'Unknown'): core.policy
key = policy.genre_key
normalise = policy.owned_genres


def group_of(t: Track) -> str:
    """Who a track is by, for the held-out check: its artist tag, else its folder."""
    who = (t.album_artist or t.artist).strip().casefold()
    return f"artist:{who}" if who else f"folder:{os.path.dirname(t.path)}"


def features(a: Analysis, stock_labels: list[str], tag_names: list[str]) -> np.ndarray:
    """The stock model's evidence for one track: log-probabilities, descriptive tags and
    the embedding (the similarity vector)."""
    p = np.array([a.probabilities.get(k, 0.0) for k in stock_labels], dtype=np.float64)
    tags = dict(a.tags)
    t = np.array([tags.get(k, 0.0) for k in tag_names], dtype=np.float64)
    e = (
        np.asarray(a.embedding, dtype=np.float64)
        if a.embedding is not None
        else np.zeros(0, dtype=np.float64)
    )
    return np.concatenate([np.log(np.clip(p, 1e-6, 1.0)), t, e])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def stock_probabilities(a: Analysis, stock_labels: list[str]) -> np.ndarray:
    p = np.array([a.probabilities.get(k, 0.0) for k in stock_labels], dtype=np.float64)
    return p / max(float(p.sum()), 1e-12)


def name_prior(stock_labels: list[str], words: list[str]) -> np.ndarray:
    """(stock label x owner genre): 1 where the owner's word is our name in any spelling,
    a uniform row for our names the owner does not use."""
    keys = [key(w) for w in words]
    prior = np.full((len(stock_labels), len(words)), 1.0 / len(words))
    for j, lab in enumerate(stock_labels):
        if _ours(lab) in keys:
            prior[j] = 0.0
            prior[j, keys.index(_ours(lab))] = 1.0
    return prior


def _ours(label: str) -> str:
    """The key of one of our genres, however the owner spells it ('hiphop', 'Hip-Hop')."""
    return key(display_name(label))


def fit_transfer(
    s: np.ndarray, y: np.ndarray, prior: np.ndarray, strength: float = PRIOR_SONGS, iters: int = 50
) -> np.ndarray:
    """P(owner's genre | stock genre): the channel that best explains the owner's tags from
    what the stock model said of the same songs (maximum likelihood of
    sum_j s_ij T[j, y_i], by EM), with `strength` songs' worth of the name prior on every
    stock genre (so a genre the owner tagged rarely, or never, stays what its name says).
    Rows sum to 1."""
    onehot = np.eye(prior.shape[1])[y]
    t = s.T @ onehot + strength * prior  # start: each song counts as the stock model saw it
    t /= t.sum(1, keepdims=True)
    for _ in range(iters):
        joint = s * t[:, y].T  # song i, stock genre j: s_ij T[j, y_i]
        resp = joint / np.maximum(joint.sum(1, keepdims=True), 1e-12)
        t = resp.T @ onehot + strength * prior
        t /= t.sum(1, keepdims=True)
    return t


@dataclass
class Head:
    """The learned model's numbers: the stock model's genres read in the owner's words
    (`transfer`), plus a softmax correction on standardised features."""

    transfer: np.ndarray  # stock label x owner genre
    mu: np.ndarray
    sd: np.ndarray
    w: np.ndarray
    b: np.ndarray

    def logits(self, x: np.ndarray, s: np.ndarray) -> np.ndarray:
        return _read(s, self.transfer) + ((x - self.mu) / self.sd) @ self.w + self.b


def _read(s: np.ndarray, transfer: np.ndarray) -> np.ndarray:
    """Log-probabilities of the owner's genres from the stock model's probabilities."""
    return np.log(np.clip(s @ transfer, 1e-6, 1.0))


def fit_head(
    x: np.ndarray,
    s: np.ndarray,
    y: np.ndarray,
    prior: np.ndarray,
    owned: int | None = None,
    l2: float = L2,
    steps: int = STEPS,
) -> Head:
    """The stock model's evidence read in the owner's words (`fit_transfer`) is where the
    model starts; a multinomial logistic correction on standardised features (L2 towards
    that start, Adam in numpy, `STEPS` full-batch steps in float32: the whole `learn` of
    10,000 tagged tracks, 6 fits, takes about 3 s on 2 cores, `make bench`) learns what the
    owner's genres add. A small library stays near the stock model.
    Columns from `owned` on are our genres the owner has not used: only the stock model
    speaks for them (no correction)."""
    n_classes = prior.shape[1]
    k = n_classes if owned is None else owned  # the columns the correction may move
    transfer = fit_transfer(s, y, prior)
    mu = x.mean(0)
    sd = x.std(0) + 1e-6
    xs = ((x - mu) / sd).astype(np.float32)  # float32: twice the speed, plenty of precision
    base = _read(s, transfer).astype(np.float32)
    n, d = xs.shape
    w = np.zeros((d, k), dtype=np.float32)
    b = np.zeros(k, dtype=np.float32)
    target = np.eye(n_classes, dtype=np.float32)[y][:, :k]
    m_w, v_w, m_b, v_b = (np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b))
    lr, b1, b2 = 0.05, 0.9, 0.999
    for step in range(1, steps + 1):
        z = base.copy()
        z[:, :k] += xs @ w + b
        g = (_softmax(z)[:, :k] - target) / n
        gw = xs.T @ g + l2 * w
        gb = g.sum(0) + l2 * b
        m_w = b1 * m_w + (1 - b1) * gw
        v_w = b2 * v_w + (1 - b2) * gw**2
        m_b = b1 * m_b + (1 - b1) * gb
        v_b = b2 * v_b + (1 - b2) * gb**2
        c1, c2 = 1 - b1**step, 1 - b2**step
        w -= lr * (m_w / c1) / (np.sqrt(v_w / c2) + 1e-8)
        b -= lr * (m_b / c1) / (np.sqrt(v_b / c2) + 1e-8)
    w_all = np.zeros((d, n_classes))
    w_all[:, :k] = w
    b_all = np.zeros(n_classes)
    b_all[:k] = b
    return Head(transfer, mu, sd, w_all, b_all)


def _folds(groups: list[str], k: int, seed: int = 0) -> list[np.ndarray]:
    """Artist-grouped folds: every artist's songs in one fold."""
    rng = np.random.default_rng(seed)
    names = sorted(set(groups))
    rng.shuffle(names)
    fold_of = {g: i % k for i, g in enumerate(names)}
    idx = np.array([fold_of[g] for g in groups])
    return [np.flatnonzero(idx == i) for i in range(k)]


def _temperature(p_logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the held-out negative log-likelihood (grid)."""
    best, best_t = np.inf, 1.0
    for t in np.linspace(0.5, 3.0, 26):
        z = p_logits / t
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1))).mean()
        if nll < best:
            best, best_t = nll, float(t)
    return best_t


def sign_test(wins: int, losses: int) -> float:
    """One-sided sign test (McNemar, exact): the chance of at least `wins` of the
    `wins + losses` songs the two models disagree on going the learned model's way if
    neither were better."""
    n = wins + losses
    if n == 0:
        return 1.0
    return sum(math.comb(n, k) for k in range(wins, n + 1)) / 2**n


def threshold_for(conf: np.ndarray, right: np.ndarray, target: float = TARGET_PRECISION) -> float:
    """The lowest confidence at which the predictions at or above it are right at least
    `target` of the time (1.0 when no threshold reaches it, at least 5 predictions)."""
    order = np.argsort(-conf)
    hits = np.cumsum(right[order])
    n = np.arange(1, len(order) + 1)
    ok = (hits / n >= target) & (n >= 5)
    if not ok.any():
        return 1.0
    last = int(np.flatnonzero(ok).max())
    return float(conf[order][last])


@dataclass
class Report:
    """What `learn` found and decided, for people (the command and the app's dialog)."""

    tagged: int = 0  # tracks with a usable genre tag and an analysis
    untagged: int = 0  # tracks with no genre: what the learned model proposes for
    genres: dict[str, int] = field(default_factory=dict)  # kept: owner's word -> songs
    dropped: dict[str, str] = field(default_factory=dict)  # owner's word -> why
    spellings: dict[str, list[str]] = field(default_factory=dict)  # word -> other spellings
    learned_accuracy: float | None = None  # held-out artists
    stock_accuracy: float | None = None  # same songs, the stock model in the owner's words
    checked: int = 0  # held-out songs checked
    artists: int = 0
    threshold: float = 1.0
    ours: list[str] = field(default_factory=list)  # our genres the owner has not used
    renamed: list[str] = field(default_factory=list)  # ours the owner calls by other words
    wins: int = 0  # held-out songs the learned model got right and the stock one wrong
    losses: int = 0  # ... and the other way round
    p_value: float = 1.0  # sign test of wins against losses
    plain_accuracy: float | None = None  # always the commonest genre, on the same songs
    precision: float | None = None  # of the held-out songs at or above the threshold
    coverage: float | None = None  # share of held-out songs at or above the threshold
    used: bool = False  # the learned model beats the stock one and is used
    reason: str = ""
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [
            f"Tagged songs used: {self.tagged} ({self.artists} artists); untagged: {self.untagged}."
        ]
        if self.genres:
            out.append(
                "Genres learned: "
                + ", ".join(
                    f"{g} ({n})" for g, n in sorted(self.genres.items(), key=lambda kv: -kv[1])
                )
            )
        for word, others in sorted(self.spellings.items()):
            out.append(f"  {word} also written as: {', '.join(others)}")
        if self.ours:
            out.append(
                "Also proposed, in our names (none of your tags uses them): " + ", ".join(self.ours)
            )
        if self.renamed:
            out.append(
                "Not proposed in our names (your tags call these otherwise): "
                + ", ".join(self.renamed)
            )
        if self.dropped:
            out.append("Not learned:")
            out += [f"  {g}: {why}" for g, why in sorted(self.dropped.items())]
        if self.learned_accuracy is not None and self.stock_accuracy is not None:
            out.append(
                f"Held-out check ({self.checked} songs by artists left out of each fit): "
                f"learned {self.learned_accuracy:.0%} agree with your tags, "
                f"stock model {self.stock_accuracy:.0%} (learned right where stock was wrong: "
                f"{self.wins}, the other way round: {self.losses})."
            )
        if self.used and self.precision is None:
            out.append(
                "No confidence was right 95% of the time on the held-out songs: nothing is "
                "written on its own; accept the suggestions you agree with."
            )
        if self.used and self.precision is not None and self.coverage is not None:
            out.append(
                f"Write threshold {self.threshold:.0%}: {self.precision:.0%} of the held-out "
                f"songs at or above it were right ({self.coverage:.0%} of them reached it)."
            )
        out.append(self.reason)
        return out


@dataclass
class Learned:
    """The library's fitted model: a plan Judge in the owner's words."""

    labels: list[str]  # the owner's words
    stock_version: str
    stock_labels: list[str]
    tag_names: list[str]
    head: Head
    temperature: float
    threshold: float
    tags_signature: str
    report: dict[str, Any]
    spellings: dict[str, str] = field(default_factory=dict)  # key() -> owner's word

    @property
    def version(self) -> str:
        return f"learned-{self.tags_signature[:8]}"

    def __call__(self, track: Track, analysis: Analysis) -> Analysis:
        x = features(analysis, self.stock_labels, self.tag_names)[None, :]
        s = stock_probabilities(analysis, self.stock_labels)[None, :]
        p = _softmax(self.head.logits(x, s) / self.temperature)[0]
        probs = {lab: float(v) for lab, v in zip(self.labels, p, strict=True)}
        best = max(probs, key=lambda k: probs[k])
        return Analysis(
            self.version,
            best,
            probs[best],
            probs,
            tags=analysis.tags,
            embedding=analysis.embedding,
            windows=analysis.windows,
        )

    def name(self, text: str) -> str:
        """The owner's spelling of a genre they use ('hip-hop' -> 'Hip Hop'); other text as
        our names spell it."""
        return self.spellings.get(key(text), display_name(text))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": VERSION,
            "labels": self.labels,
            "stock_version": self.stock_version,
            "stock_labels": self.stock_labels,
            "tag_names": self.tag_names,
            "transfer": self.head.transfer.tolist(),
            "mu": self.head.mu.tolist(),
            "sd": self.head.sd.tolist(),
            "w": self.head.w.tolist(),
            "b": self.head.b.tolist(),
            "temperature": self.temperature,
            "threshold": self.threshold,
            "tags_signature": self.tags_signature,
            "report": self.report,
            "spellings": self.spellings,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Learned:
        if d.get("format") != VERSION:
            raise ValueError(f"stored in format {d.get('format')}, this version reads {VERSION}")
        return cls(
            d["labels"],
            d["stock_version"],
            d["stock_labels"],
            d["tag_names"],
            Head(*(np.array(d[k]) for k in ("transfer", "mu", "sd", "w", "b"))),
            float(d["temperature"]),
            float(d["threshold"]),
            d["tags_signature"],
            d.get("report", {}),
            d.get("spellings", {}),
        )


def tags_signature(tracks: Iterable[Track], skip: set[str] | None = None) -> str:
    """Changes when the genres the owner wrote change (new tags make a model stale); the
    files this app wrote (`skip`) do not count."""
    h = hashlib.sha1()
    skip = skip or set()
    for t in sorted(tracks, key=lambda t: t.path):
        if t.genres and t.path not in skip:
            h.update(f"{t.path}\x1f{';'.join(t.genres)}\n".encode())
    return h.hexdigest()


def learn(
    tracks: list[Track],
    analyses: dict[int, Analysis],
    stock_version: str,
    stock_labels: list[str],
    tag_names: list[str],
    written_by_app: set[str] | None = None,
    correct: bool = True,
) -> tuple[Learned | None, Report]:
    """Fit the library's model from its owner's genre tags. Returns (the model, or None when
    it does not beat the stock model or there is too little to learn from; the report).
    `written_by_app`: paths whose genre this app wrote (they teach nothing new).
    `correct=False`: the stock model read in the owner's words only (the benchmark's
    comparison)."""
    start = time.perf_counter()
    steps = STEPS if correct else 0
    report = Report()
    written_by_app = written_by_app or set()
    # 1. the owner's words
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    per_track: dict[int, str] = {}
    cleaned = {t.id: normalise(t.genres) for t in tracks}
    for t in tracks:
        if t.path in written_by_app:
            continue
        genres = cleaned[t.id]
        if not genres:
            continue
        first = genres[0]  # the first genre is the one a track is learned as
        spellings[key(first)][first] += 1
        for g in genres[1:]:
            spellings[key(g)][g] += 0  # known as a spelling, not counted
        per_track[t.id] = key(first)
    # the owner's most common spelling (a tie: the one with capitals, 'Blues' over 'blues')
    word = {
        k: max(c.items(), key=lambda kv: (kv[1], kv[0] != kv[0].casefold(), kv[0]))[0]
        for k, c in spellings.items()
        if c
    }
    report.spellings = {
        word[k]: sorted(s for s in c if s != word[k]) for k, c in spellings.items() if len(c) > 1
    }
    by_id = {t.id: t for t in tracks}
    usable = [i for i in per_track if i in analyses]
    report.untagged = sum(1 for g in cleaned.values() if not g)
    songs: Counter[str] = Counter(per_track[i] for i in usable)
    artists: dict[str, set[str]] = defaultdict(set)
    for i in usable:
        artists[per_track[i]].add(group_of(by_id[i]))
    ours = {_ours(lab) for lab in stock_labels}
    keep = []
    for k, n in songs.items():
        if k in ours:  # one of our genres: the stock model already knows it
            keep.append(k)
        elif n < MIN_SONGS:
            report.dropped[word[k]] = f"{n} song{'s' if n != 1 else ''} (at least {MIN_SONGS})"
        elif len(artists[k]) < MIN_ARTISTS:
            report.dropped[word[k]] = "one artist only (it could not be checked)"
        else:
            keep.append(k)
    keep.sort(key=lambda k: word[k].casefold())
    rows = [i for i in usable if per_track[i] in keep]
    report.tagged = len(rows)
    report.genres = {word[k]: songs[k] for k in keep}
    groups = [group_of(by_id[i]) for i in rows]
    report.artists = len(set(groups))
    if len(keep) < 2 or report.artists < FOLDS:
        report.reason = (
            "Nothing changes: too few tagged songs to learn from (need 2 genres, each one "
            f"of ours or a word of yours on {MIN_SONGS}+ songs by {MIN_ARTISTS}+ artists, "
            f"and songs by {FOLDS}+ artists in all)."
            if tracks
            else "Nothing changes: no tracks."
        )
        report.seconds = time.perf_counter() - start
        return None, report
    x = np.stack([features(analyses[i], stock_labels, tag_names) for i in rows])
    s = np.stack([stock_probabilities(analyses[i], stock_labels) for i in rows])
    y = np.array([keep.index(per_track[i]) for i in rows])
    # our genres the owner has not used stay open, in our names: unless enough of the
    # owner's tagged songs sound like one (by the stock model's count) and carry other
    # words, which says the owner calls it something else ('Electronica' for Electronic);
    # or the songs of one word of the owner's mostly sound like it, however few they are
    # (six 'Heavy Metal' songs the stock model hears as metal: no 'Metal' beside it)
    owners = [c for c, k in enumerate(keep) if k not in ours]
    extra = []
    for j, lab in enumerate(stock_labels):
        if _ours(lab) in keep:
            continue
        if s[:, j].sum() >= MIN_SONGS or any(s[y == c, j].mean() >= 0.5 for c in owners):
            report.renamed.append(display_name(lab))
        else:
            extra.append(display_name(lab))
    labels = [word[k] for k in keep] + extra
    report.ours = extra
    n_classes = len(labels)
    prior = name_prior(stock_labels, labels)
    # 2. the held-out check: artist-grouped folds
    logits = np.zeros((len(rows), n_classes))
    commonest = np.zeros(len(rows), dtype=int)  # the plainest guess: the fold's commonest genre
    for test in _folds(groups, FOLDS):
        train = np.setdiff1d(np.arange(len(rows)), test)
        commonest[test] = np.bincount(y[train], minlength=n_classes).argmax()
        if len(set(y[train])) < 2:
            continue
        head = fit_head(x[train], s[train], y[train], prior, len(keep), steps=steps)
        logits[test] = head.logits(x[test], s[test])
    pred = logits.argmax(1)
    learned_right = pred == y
    stock_pred = [_ours(analyses[i].genre) for i in rows]
    stock_right = np.array([sp == per_track[i] for sp, i in zip(stock_pred, rows, strict=True)])
    report.checked = len(rows)
    report.learned_accuracy = float(learned_right.mean())
    report.stock_accuracy = float(stock_right.mean())
    temperature = _temperature(logits, y)
    p = _softmax(logits / temperature)
    conf = p.max(1)
    threshold = threshold_for(conf, learned_right.astype(float))
    report.threshold = threshold
    at = conf >= threshold
    report.coverage = float(at.mean())
    report.precision = float(learned_right[at].mean()) if at.any() else None
    sig = tags_signature(tracks, written_by_app)
    report.wins = int((learned_right & ~stock_right).sum())
    report.losses = int((~learned_right & stock_right).sum())
    report.p_value = sign_test(report.wins, report.losses)
    if report.p_value > MAX_P:
        report.reason = (
            "Nothing changes: on artists held out, the learned model agrees with your tags "
            + (
                "no more often than the stock model does."
                if report.wins <= report.losses
                else f"more often than the stock model, but on too few songs to be sure "
                f"(right on {report.wins} songs it missed, wrong on {report.losses} it got; "
                f"p = {report.p_value:.2f})."
            )
        )
        report.seconds = time.perf_counter() - start
        return None, report
    # tags that do not follow the sound beat the stock model's names only by being the
    # owner's words: the learned model must also beat always answering the commonest genre
    plain = commonest == y
    report.plain_accuracy = float(plain.mean())
    if sign_test(int((learned_right & ~plain).sum()), int((~learned_right & plain).sum())) > MAX_P:
        report.reason = (
            "Nothing changes: your genre tags do not follow the sound closely enough to learn "
            f"from; on artists held out, the learned model did no better than always answering "
            f"'{labels[int(np.bincount(y).argmax())]}' ({report.plain_accuracy:.0%})."
        )
        report.seconds = time.perf_counter() - start
        return None, report
    # 3. the final fit on every tagged song
    head = fit_head(x, s, y, prior, len(keep), steps=steps)
    report.used = True
    report.reason = (
        "Used from now on: classify, retag and the app propose these genres in your words."
    )
    report.seconds = time.perf_counter() - start
    model = Learned(
        labels,
        stock_version,
        list(stock_labels),
        list(tag_names),
        head,
        temperature,
        threshold,
        sig,
        report.__dict__.copy(),
        {k: word[k] for k in word},
    )
    return model, report


def load(library: Any, stock_version: str | None = None) -> tuple[Learned | None, str]:
    """The library's learned model, if any: (model, '') or (None, why not: '' when none was
    learned, else what made it stale)."""
    d = library.get_meta(META_KEY)
    if not d:
        return None, ""
    try:
        model = Learned.from_json(d)
    except (KeyError, TypeError, ValueError):
        return None, "the learned model could not be read; learn again"
    if stock_version is not None and model.stock_version != stock_version:
        return None, "a new stock model was installed since the library learned; learn again"
    return model, ""


def stale_tags(library: Any, model: Learned) -> bool:
    """The genres written in the library changed since it learned."""
    return tags_signature(library.tracks(), library.written_paths()) != model.tags_signature


def save(library: Any, model: Learned | None) -> None:
    library.set_meta(META_KEY, model.to_json() if model is not None else None)


def learn_library(
    library: Any,
    tracks: list[Track],
    stock_version: str,
    stock_labels: list[str],
    tag_names: list[str],
) -> tuple[Learned | None, Report]:
    """`learn` on tracks of a library with their cached stock analyses; a model that is
    used is stored with the library (one that is not changes nothing)."""
    model, report = learn(
        tracks,
        library.analyses(stock_version),
        stock_version,
        stock_labels,
        tag_names,
        written_by_app=library.written_paths(),
    )
    if model is not None:
        save(library, model)
    return model, report
