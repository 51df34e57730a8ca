"""Tempo (BPM) of a track, numpy only: heard in one contiguous stretch of its middle.

The genre analysis reads ~3 s windows spread over the track; measured on GTZAN, their
autocorrelations pooled give Acc2 64% (the beat's multiples need longer lags than a window
holds), one contiguous stretch of 8 s 86%, 12 s 86%, 30 s 88%. So the analysis reads the
window nearest the middle of the track as the start of a stretch of STRETCH_SECONDS
(`GenreModel.analyse_with_stretch`, the same open file): the tempo costs the stretch's
other 5 s of decoding, about 9% of an int8 analysis (12 s cost 15%; benchmarks/tempo_cost.py).

Its onset strength (the rectified rise of the same log-mel the model reads, averaged over
the bands, smoothed over 3 frames, local mean removed) gives an autocorrelation, and a comb
over the beat's multiples scores every tempo from 40 to 240 BPM. The peaks of that score
and their octave relatives (x1/3 .. x3) are the candidates; models/tempo.json's log-linear
score picks one (its salience, its double's and half's, its tempo and, where the genre is
known, a per-genre tempo prior weighted by the genre probabilities): the octave is the
usual failure of a tempo estimator. The shipped weights are a fixed preference around
120 BPM: the learned ones did not beat it out of fold.

benchmarks/tempo_eval.py writes the JSON and measures it by artist-grouped folds on the
GTZAN development clips, beside librosa's estimate (models/TEMPO_CARD.md).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from genre_desktop.config import models_dir
from genre_desktop.core import features

FPS = features.SAMPLE_RATE / features.HOP  # 62.5 onset frames per second
MIN_BPM, MAX_BPM = 40.0, 240.0
STRETCH_SECONDS = 8.0  # accuracy within a fold's spread of 12 s, at 9% of the analysis, not 15%
# a track shorter than this holds too few beats for an estimate (a 2-3 s excerpt: none)
MIN_SECONDS = 6.0
SILENT = 1e-4  # onset strength below this everywhere: no beat to hear
GRID = np.exp(np.linspace(np.log(MIN_BPM), np.log(MAX_BPM), 600))  # ~0.3% steps
MULTIPLES = (
    2  # the autocorrelation reaches this many beats of the slowest tempo (measured: 3, 4 worse)
)
OCTAVES = (1 / 3, 1 / 2, 2 / 3, 1.0, 3 / 2, 2.0, 3.0)
# the onset envelope: smoothed over SMOOTH_FRAMES (a Hann of ~50 ms: an onset spread over a
# few frames, a soft attack, a beat a frame early or late still line up in the
# autocorrelation) and its moving mean over HIGHPASS_FRAMES (~0.4 s) removed; both measured
# on GTZAN (models/TEMPO_CARD.md: Acc2 84% -> 86%, Acc1 62% -> 66%)
SMOOTH_FRAMES = 3
HIGHPASS_FRAMES = 24
TEMPO_FILE = "tempo.json"


def stretch_for(duration: float) -> tuple[float, float] | None:
    """(start, length) in seconds of the stretch to hear the tempo in: STRETCH_SECONDS from
    the middle of the track (the whole of a shorter one); None when it is too short."""
    if duration < MIN_SECONDS:
        return None
    length = min(STRETCH_SECONDS, duration)
    return max(0.0, (duration - length) / 2), length


def onset_strength(log_mel: np.ndarray, smooth: int = SMOOTH_FRAMES) -> np.ndarray:
    """(frames,) onset strength of a (frames, bands) log-mel: the mean rectified rise (the
    log-compressed spectral flux), smoothed by a Hann window of `smooth` frames."""
    m = np.asarray(log_mel, dtype=np.float32)
    if len(m) < 2:
        return np.zeros(0, dtype=np.float32)
    rise = np.maximum(np.diff(m, axis=0), 0.0).mean(axis=1)
    if smooth > 1 and len(rise) >= smooth:
        win = np.hanning(smooth + 2)[1:-1]
        rise = np.convolve(rise, win / win.sum(), mode="same")
    return rise.astype(np.float32)


def _highpass(x: np.ndarray, width: int = HIGHPASS_FRAMES) -> np.ndarray:
    """x minus its moving average over `width` frames, rectified (an adaptive threshold)."""
    if len(x) < width:
        return x - x.mean()
    kernel = np.ones(width, dtype=np.float64) / width
    smooth = np.convolve(x, kernel, mode="same")
    return np.maximum(x - smooth, 0.0)


def autocorrelation(
    env: np.ndarray, max_lag: int, highpass: int = HIGHPASS_FRAMES
) -> np.ndarray | None:
    """Unbiased, normalised autocorrelation of one onset envelope up to `max_lag`."""
    x = _highpass(np.asarray(env, dtype=np.float64), highpass)
    x = x - x.mean()
    n = len(x)
    energy = float(np.dot(x, x))
    if n < 8 or energy <= 1e-12:
        return None
    size = 1 << int(np.ceil(np.log2(2 * n)))
    f = np.fft.rfft(x, size)
    ac = np.fft.irfft(f * np.conj(f), size)[: max_lag + 1]
    lags = np.arange(max_lag + 1)
    overlap = np.maximum(n - lags, 1)
    return (ac / energy) * (n / overlap)


def periodicity(
    log_mels: list[np.ndarray] | np.ndarray,
    smooth: int = SMOOTH_FRAMES,
    highpass: int = HIGHPASS_FRAMES,
    multiples: int = MULTIPLES,
) -> np.ndarray | None:
    """The mean autocorrelation of the windows' onset envelopes, lags 0..max, or None when
    no window holds an onset (silence). The keywords are for benchmarks/tempo_eval.py."""
    envs = [onset_strength(m, smooth) for m in log_mels]
    envs = [e for e in envs if len(e) > 16 and float(e.max()) > SILENT]
    if not envs:
        return None
    n = min(len(e) for e in envs)
    max_lag = int(min(n - 2, math.ceil(FPS * 60.0 / MIN_BPM) * multiples))
    acs = [a for a in (autocorrelation(e, max_lag, highpass) for e in envs) if a is not None]
    if not acs:
        return None
    return np.mean(acs, axis=0)


def salience(acf: np.ndarray, bpms: np.ndarray = GRID) -> np.ndarray:
    """A comb over the autocorrelation: for each tempo, the mean of its beat's first
    multiples (interpolated) that fit in the lags measured."""
    lag = FPS * 60.0 / bpms
    total = np.zeros(len(bpms))
    count = np.zeros(len(bpms))
    top = len(acf) - 1
    for k in (1, 2, 3, 4):
        at = lag * k
        ok = at < top
        i = np.floor(at[ok]).astype(int)
        frac = at[ok] - i
        v = acf[i] * (1 - frac) + acf[i + 1] * frac
        total[ok] += v
        count[ok] += 1
    return np.where(count > 0, total / np.maximum(count, 1), 0.0)


def _peaks(s: np.ndarray, n: int = 3) -> list[int]:
    idx = [i for i in range(1, len(s) - 1) if s[i] >= s[i - 1] and s[i] > s[i + 1]]
    idx.sort(key=lambda i: -s[i])
    return idx[:n]


def _refine(s: np.ndarray, i: int) -> float:
    """The tempo at a grid peak, parabolic interpolation in log tempo."""
    if 0 < i < len(s) - 1:
        a, b, c = s[i - 1], s[i], s[i + 1]
        d = a - 2 * b + c
        off = 0.5 * (a - c) / d if d < 0 else 0.0
        off = float(np.clip(off, -0.5, 0.5))
    else:
        off = 0.0
    step = math.log(GRID[1] / GRID[0])
    return float(math.exp(math.log(GRID[i]) + off * step))


@dataclass(frozen=True)
class Candidate:
    """One tempo the score offers, with the score (relative to its best) at it and at its
    double and half: what the octave choice weighs."""

    bpm: float
    salience: float
    double: float = 0.0
    half: float = 0.0


def _at(s: np.ndarray, bpm: float) -> float:
    """The score's best value within 4% of `bpm` (0 outside the grid)."""
    near = np.nonzero(np.abs(np.log(GRID) - math.log(bpm)) <= math.log(1.04))[0]
    return float(s[near].max()) if len(near) else 0.0


def candidates(s: np.ndarray) -> list[Candidate]:
    """The score's peaks and their octave relatives, each snapped to the nearest peak of the
    score within 4%, best score first."""
    best = float(s.max())
    if best <= 0:
        return []
    logs = np.log(GRID)
    out: dict[int, Candidate] = {}
    for p in _peaks(s):
        for r in OCTAVES:
            t = GRID[p] * r
            if not MIN_BPM <= t <= MAX_BPM:
                continue
            near = np.nonzero(np.abs(logs - math.log(t)) <= math.log(1.04))[0]
            j = int(near[np.argmax(s[near])])
            if j not in out:
                bpm = _refine(s, j)
                out[j] = Candidate(
                    bpm, float(s[j]) / best, _at(s, 2 * bpm) / best, _at(s, bpm / 2) / best
                )
    return sorted(out.values(), key=lambda c: -c.salience)


# -- the octave choice (learned: models/tempo.json) -----------------------------------------
@dataclass(frozen=True)
class TempoModel:
    """Weights of the candidate score and the per-genre tempo priors (log2 BPM mean, sd)."""

    weights: dict[str, float]
    genre_prior: dict[str, tuple[float, float]] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)

    def score(self, c: Candidate, probabilities: dict[str, float] | None) -> float:
        use_genre = bool(probabilities) and bool(self.genre_prior)
        f = candidate_features(c, probabilities if use_genre else None, self.genre_prior)
        w = self.weights if use_genre else self.raw.get("weights_without_genre", self.weights)
        return float(sum(w.get(k, 0.0) * v for k, v in f.items()))


def candidate_features(
    c: Candidate,
    probabilities: dict[str, float] | None,
    genre_prior: dict[str, tuple[float, float]],
) -> dict[str, float]:
    """What the octave choice weighs for one candidate."""
    x = math.log2(c.bpm / 120.0)
    f = {
        "salience": c.salience,
        "double": c.double,
        "half": c.half,
        "log_tempo": x,
        "log_tempo_sq": x * x,
        "genre_prior": 0.0,
    }
    if probabilities and genre_prior:
        like = 0.0
        for g, p in probabilities.items():
            if g in genre_prior:
                mu, sd = genre_prior[g]
                z = (math.log2(c.bpm) - mu) / sd
                like += p * math.exp(-0.5 * z * z) / sd
        f["genre_prior"] = math.log(like + 1e-6)
    return f


DEFAULT = TempoModel(
    weights={"salience": 4.0, "log_tempo": 0.0, "log_tempo_sq": -1.0, "genre_prior": 0.0}
)


@lru_cache(maxsize=4)
def _load(path: str) -> TempoModel:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return TempoModel(
            weights={k: float(v) for k, v in raw["weights"].items()},
            genre_prior={g: (float(m), float(s)) for g, (m, s) in raw["genre_prior"].items()},
            raw=raw,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT  # a missing or broken file: the untrained rule (prefer ~120 BPM)


def load_model(folder: Path | None = None) -> TempoModel:
    return _load(str((folder or models_dir()) / TEMPO_FILE))


def estimate_from_log_mel(
    log_mel: np.ndarray,
    probabilities: dict[str, float] | None = None,
    model: TempoModel | None = None,
) -> float | None:
    """The tempo in BPM of a contiguous stretch's (frames, bands) log-mel (and of its genre
    probabilities, when known), or None: too short, silent, or no beat heard."""
    if len(log_mel) < MIN_SECONDS * FPS:
        return None
    acf = periodicity([log_mel])
    if acf is None or len(acf) < FPS * 60.0 / MIN_BPM:
        return None
    cands = candidates(salience(acf))
    if not cands:
        return None
    model = model or load_model()
    best = max(cands, key=lambda c: model.score(c, probabilities))
    return round(best.bpm, 1)


def estimate(
    y: np.ndarray, probabilities: dict[str, float] | None = None, model: TempoModel | None = None
) -> float | None:
    """The tempo of a contiguous stretch of mono 16 kHz audio (see `stretch_for`)."""
    y = np.asarray(y, dtype=np.float32)
    if len(y) < MIN_SECONDS * features.SAMPLE_RATE:
        return None
    return estimate_from_log_mel(
        features.log_mel(features.normalise_loudness(y)), probabilities, model
    )
