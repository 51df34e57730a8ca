"""Join the chosen head to the pretrained network, export LiteRT, and write the cards."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import keras
import numpy as np

from genre_desktop.core import audio, features
from genre_desktop.core.labels import DISPLAY, GENRES
from genre_desktop.core.training import report
from genre_desktop.core.training.musicnn_keras import LABELS, pretrained

MODEL_FILE = "genre_cnn.tflite"
CARD_FILE = "genre_cnn.json"
REFERENCE_FILE = "genre_cnn.reference.npz"
SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample.flac"
# LiteRT vs Keras on the same windows, largest difference of any output: float32 both, but
# XNNPACK reorders the sums (measured 1.2e-3 on the sample's probabilities)
TOLERANCE = 2e-3


def build_app_model(
    head: keras.Model, spec: str, tuned: dict[str, list[np.ndarray]] | None = None
) -> keras.Model:
    """mel windows (B, 187, 96) -> probabilities (B, 10), embedding (B, H), tags (B, 50).
    `tuned`: fine-tuned weights of MSD_musicnn layers, by layer name."""
    parts = spec.split("+")
    nets = {}
    for part in parts:
        name = part.split(":")[0]
        if name not in nets:
            nets[name] = pretrained(name)
    for layer_name, weights in (tuned or {}).items():
        nets["MSD_musicnn"].get_layer(layer_name).set_weights(weights)
    inp = keras.Input((features.WINDOW_FRAMES, features.N_MELS), name="mel")
    outs = {name: net(inp) for name, net in nets.items()}
    feats = [outs[p.split(":")[0]][p.split(":")[1]] for p in parts]
    x = feats[0] if len(feats) == 1 else keras.layers.Concatenate()(feats)
    probs = head(x)
    main = outs.get("MSD_musicnn", next(iter(outs.values())))
    return keras.Model(
        inp, {"probabilities": probs, "embedding": main["penultimate"], "tags": main["tags"]}
    )


def to_tflite(model: keras.Model) -> bytes:
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    @tf.function(
        input_signature=[
            tf.TensorSpec([None, features.WINDOW_FRAMES, features.N_MELS], tf.float32, name="mel")
        ]
    )
    def serve(mel):
        out = model(mel, training=False)
        return {
            "probabilities": out["probabilities"],
            "embedding": out["embedding"],
            "tags": out["tags"],
        }

    frozen = convert_variables_to_constants_v2(serve.get_concrete_function())
    converter = tf.lite.TFLiteConverter.from_concrete_functions([frozen])
    return converter.convert()


def sample_windows() -> np.ndarray:
    y = audio.load(SAMPLE, features.SAMPLE_RATE)
    return features.clip_windows(y, features.WINDOW_FRAMES)


def export_model(
    head: keras.Model,
    spec: str,
    results: dict,
    out: Path,
    similarity: dict,
    tuned: dict[str, list[np.ndarray]] | None = None,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model = build_app_model(head, spec, tuned)
    blob = to_tflite(model)
    (out / MODEL_FILE).write_bytes(blob)
    sha = hashlib.sha256(blob).hexdigest()

    windows = sample_windows()
    ref = model.predict(windows, verbose=0)
    np.savez(out / REFERENCE_FILE, windows=windows, **{k: np.asarray(v) for k, v in ref.items()})

    chosen = results["chosen"]
    metrics = results["candidates"][chosen]
    card = {
        "name": "Genre Desktop genre CNN",
        "version": f"{dt.date.today():%Y.%m.%d}-{sha[:8]}",
        "file": MODEL_FILE,
        "sha256": sha,
        "size_bytes": len(blob),
        "labels": list(GENRES),
        "display_names": [DISPLAY[g] for g in GENRES],
        "tag_labels": LABELS["MSD_musicnn"],
        "feature_recipe": features.RECIPE,
        "input": {
            "name": "mel",
            "shape": [-1, features.WINDOW_FRAMES, features.N_MELS],
            "dtype": "float32",
        },
        "outputs": {
            "probabilities": "softmax over the ten genres, per window",
            "embedding": f"pretrained penultimate layer ({int(ref['embedding'].shape[1])} values), per window",
            "tags": "MSD_musicnn tag probabilities (50 sigmoid), per window",
        },
        "pooling": "mean of window probabilities and embeddings over the windows of a track",
        "architecture": (
            "pretrained musicnn (front-end frozen, mid-end and back-end fine-tuned)"
            if tuned
            else "frozen pretrained musicnn"
        )
        + f", window features {spec} -> normalise -> dense 64 ReLU -> softmax 10",
        "similarity": similarity,
        "metrics": {
            "protocol": f"{results['folds']}-fold StratifiedGroupKFold on the development clips, groups = genre + block of 10 clip numbers (artist-safe); clip = mean of 3 s windows",
            "accuracy": metrics["accuracy"],
            "macro_f1": metrics["macro_f1"],
            "min_recall": metrics["min_recall"],
            "per_genre": metrics["per_genre"],
            "comparison_accuracy": {n: r["accuracy"] for n, r in results["candidates"].items()},
            "retrieval": results["retrieval"],
        },
        "training_data": {
            "description": "GTZAN (Tzanetakis & Cook 2002), the train part of the artist-filtered split of Kereliuk, Sturm & Larsen (2015); clean + augmented 3 s windows",
            **results["data"],
        },
        "pretrained": "musicnn 0.1.0 MSD_musicnn / MTT_musicnn (Pons & Serra 2019), ISC licence: see NOTICE-musicnn.txt",
        "keras_litert_tolerance": TOLERANCE,
        "training_seconds": round(results["training_seconds"], 1),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (out / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    (out / "cv_results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    report.write(results, card, out)
