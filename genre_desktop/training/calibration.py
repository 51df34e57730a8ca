"""Confidence that means something: temperature scaling fitted on out-of-fold predictions,
the expected calibration error before and after, and the precision-coverage curve that
sets the default write threshold."""

from __future__ import annotations

import numpy as np

EPS = 1e-7


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log p / T): temperature scaling of the logits, written on probabilities (the
    same map for any head, and what the exported model computes per window)."""
    if temperature == 1.0:
        return probs
    z = np.log(np.clip(probs, EPS, 1.0)) / temperature
    z -= z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def ece(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the top prediction, equal-width confidence bins."""
    conf = probs.max(1)
    hit = probs.argmax(1) == labels
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            total += sel.mean() * abs(hit[sel].mean() - conf[sel].mean())
    return float(total)


def nll(probs: np.ndarray, labels: np.ndarray) -> float:
    return float(-np.mean(np.log(np.clip(probs[np.arange(len(labels)), labels], EPS, 1.0))))


def coverage_curve(probs: np.ndarray, labels: np.ndarray, thresholds=None) -> list[dict]:
    """For each threshold: share of clips whose confidence reaches it, accuracy among them."""
    thresholds = np.round(np.arange(0.0, 1.0, 0.05), 2) if thresholds is None else thresholds
    conf = probs.max(1)
    hit = probs.argmax(1) == labels
    rows = []
    for t in thresholds:
        sel = conf >= t
        rows.append(
            {
                "threshold": float(t),
                "coverage": float(sel.mean()),
                "precision": float(hit[sel].mean()) if sel.any() else float("nan"),
            }
        )
    return rows


def threshold_for(
    probs: np.ndarray, labels: np.ndarray, target: float
) -> tuple[float, float, float]:
    """The lowest confidence threshold (0.01 steps) at and above which every higher
    threshold keeps precision >= target; returns (threshold, precision, coverage)."""
    conf = probs.max(1)
    hit = probs.argmax(1) == labels
    grid = np.round(np.arange(0.0, 1.0, 0.01), 2)
    ok = []
    for t in grid:
        sel = conf >= t
        ok.append(bool(sel.sum() >= 10 and hit[sel].mean() >= target))
    # the lowest t from which precision stays at the target (no lucky dip below it)
    chosen = 0.99
    for i in range(len(grid) - 1, -1, -1):
        if not ok[i]:
            break
        chosen = float(grid[i])
    sel = conf >= chosen
    return chosen, float(hit[sel].mean()) if sel.any() else 1.0, float(sel.mean())


def fit(pooled, labels: np.ndarray, target: float) -> dict:
    """Temperature by out-of-fold NLL (grid 0.3-3), then the write threshold on the
    calibrated out-of-fold probabilities. `pooled(t)` gives the items' probabilities under
    temperature t, one array per shuffle, each row matching `labels`."""
    grid = np.round(np.arange(0.3, 3.01, 0.05), 2)
    losses = [np.mean([nll(p, labels) for p in pooled(float(t))]) for t in grid]
    temperature = float(grid[int(np.argmin(losses))])
    before, after = pooled(1.0), pooled(temperature)
    lab_all = np.concatenate([labels] * len(after))
    p_before, p_after = np.concatenate(before), np.concatenate(after)
    t, prec, cov = threshold_for(p_after, lab_all, target)
    return {
        "method": "temperature scaling of window logits, fitted by out-of-fold NLL",
        "temperature": temperature,
        "ece_before": ece(p_before, lab_all),
        "ece_after": ece(p_after, lab_all),
        "nll_before": nll(p_before, lab_all),
        "nll_after": nll(p_after, lab_all),
        "target_precision": target,
        "threshold": t,
        "precision_at_threshold": prec,
        "coverage_at_threshold": cov,
        "curve": coverage_curve(p_after, lab_all),
        "reliability": reliability(p_before, p_after, lab_all),
    }


def reliability(before: np.ndarray, after: np.ndarray, labels: np.ndarray, bins: int = 10):
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for name, p in (("before", before), ("after", after)):
        conf, hit = p.max(1), p.argmax(1) == labels
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            sel = (conf > lo) & (conf <= hi)
            out.append(
                {
                    "which": name,
                    "bin": [float(lo), float(hi)],
                    "n": int(sel.sum()),
                    "confidence": float(conf[sel].mean()) if sel.any() else None,
                    "accuracy": float(hit[sel].mean()) if sel.any() else None,
                }
            )
    return out
