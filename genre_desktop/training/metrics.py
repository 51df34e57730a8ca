"""Clip-level metrics for the model card: accuracy, macro-F1, per-genre P/R/F1/ROC-AUC,
confusion matrix; and retrieval precision@k for embeddings."""

from __future__ import annotations

import numpy as np

from genre_desktop.training.labels import GENRES


def classification_report(y_true: np.ndarray, probs: np.ndarray) -> dict:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, roc_auc_score

    y_pred = probs.argmax(1)
    labels = list(range(len(GENRES)))
    p, r, f, n = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per = {}
    for i, g in enumerate(GENRES):
        if 0 < (y_true == i).sum() < len(y_true):
            auc = float(roc_auc_score(y_true == i, probs[:, i]))
        else:  # a domain without this genre (or with nothing else): no AUC
            auc = float("nan")
        per[g] = {
            "precision": float(p[i]),
            "recall": float(r[i]),
            "f1": float(f[i]),
            "roc_auc": auc,
            "support": int(n[i]),
        }
    return {
        "accuracy": float((y_pred == y_true).mean()),
        "macro_f1": float(np.mean(f)),
        "balanced_accuracy": float(np.mean(r)),
        "min_recall": float(np.min(r)),
        "per_genre": per,
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "n_clips": int(len(y_true)),
    }


def precision_at_k(
    emb: np.ndarray, labels: np.ndarray, groups: np.ndarray, ks=(5, 10), center: bool = True
) -> dict[str, float]:
    """Share of the k nearest (cosine) neighbours with the query's genre, never counting
    neighbours from the query's own group (artist block). Every clip is a query against all
    others; embeddings must come from models that did not see the clip (out-of-fold)."""
    x = emb - emb.mean(0, keepdims=True) if center else emb.astype(np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    sim = x @ x.T
    same_group = groups[:, None] == groups[None, :]
    sim[same_group] = -np.inf
    order = np.argsort(-sim, axis=1)
    out = {}
    for k in ks:
        hits = []
        for i in range(len(x)):
            nn = [j for j in order[i, :k] if np.isfinite(sim[i, j])]
            if nn:
                hits.append(np.mean(labels[nn] == labels[i]))
        out[f"p@{k}"] = float(np.mean(hits))
    return out


def spread(values) -> dict[str, float]:
    """Mean, standard deviation, min and max of a list of scores (folds or seeds)."""
    v = np.asarray(values, dtype=np.float64)
    return {
        "mean": float(v.mean()),
        "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
        "min": float(v.min()),
        "max": float(v.max()),
        "n": int(len(v)),
    }
