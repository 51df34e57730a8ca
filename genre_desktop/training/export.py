"""Join the chosen head to the pretrained network, export LiteRT, and write the cards."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import keras
import numpy as np

from genre_desktop.core import audio, features
from genre_desktop.training import report
from genre_desktop.training.labels import DISPLAY, GENRES
from genre_desktop.training.musicnn_keras import LABELS, pretrained

MODEL_FILE = "genre_cnn.tflite"
CARD_FILE = "genre_cnn.json"
REFERENCE_FILE = "genre_cnn.reference.npz"
SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample.flac"
# LiteRT vs Keras on the same windows, largest difference of any output: float32 both, but
# XNNPACK reorders the sums (measured 1.2e-3 on the sample's probabilities)
TOLERANCE = 2e-3


class Temperature(keras.layers.Layer):
    """softmax(log p / T): the calibration fitted on out-of-fold predictions, per window."""

    def __init__(self, temperature: float = 1.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.temperature = float(temperature)

    def call(self, p):
        z = keras.ops.log(keras.ops.clip(p, 1e-7, 1.0)) / self.temperature
        return keras.ops.softmax(z, axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "temperature": self.temperature}


def keras_head(cand: dict, x: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int) -> keras.Model:
    """The candidate's head trained on window rows, as a Keras model (features -> one
    probability per genre). A logistic regression becomes one Dense softmax layer with the
    standardisation folded into its weights."""
    from genre_desktop.training import heads

    if cand["kind"] == "logreg":
        model = heads.logreg()
        model.fit(x, y, logisticregression__sample_weight=w)
        scaler, lr = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
        if list(lr.classes_) != list(range(len(GENRES))):
            raise ValueError("every genre must be in the training data")
        kernel = (lr.coef_ / scaler.scale_[None, :]).T.astype(np.float32)
        bias = (lr.intercept_ - (scaler.mean_ / scaler.scale_) @ lr.coef_.T).astype(np.float32)
        inp = keras.Input((x.shape[1],), name="features")
        dense = keras.layers.Dense(len(GENRES), activation="softmax", name="head_out")
        out = dense(inp)
        dense.set_weights([kernel, bias])
        head = keras.Model(inp, out, name="genre_head")
        np.testing.assert_allclose(
            head.predict(x[:64], verbose=0), model.predict_proba(x[:64]), atol=1e-4
        )
        return head
    fit = heads.fit_bag if cand["kind"] == "bag" else heads.fit_head
    return fit(x, y, w, seed=seed)[0]


def with_temperature(head: keras.Model, temperature: float) -> keras.Model:
    if temperature == 1.0:
        return head
    inp = keras.Input(head.input.shape[1:], name="features")
    return keras.Model(inp, Temperature(temperature, name="calibration")(head(inp)))


def build_app_model(
    head: keras.Model, spec: str, tuned: dict[str, list[np.ndarray]] | None = None
) -> keras.Model:
    """mel windows (B, 187, 96) -> probabilities (B, genres), embedding (B, H), tags (B, 50).
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
    calib = results["calibration"]
    model = build_app_model(with_temperature(head, calib["temperature"]), spec, tuned)
    blob = to_tflite(model)
    (out / MODEL_FILE).write_bytes(blob)
    sha = hashlib.sha256(blob).hexdigest()

    windows = sample_windows()
    ref = model.predict(windows, verbose=0)
    np.savez(out / REFERENCE_FILE, windows=windows, **{k: np.asarray(v) for k, v in ref.items()})

    chosen = results["chosen"]
    metrics = results["candidates"][chosen]
    real, gtzan = metrics["domains"]["real"], metrics["domains"]["gtzan"]
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
            "probabilities": f"softmax over the {len(GENRES)} genres, per window",
            "embedding": f"pretrained penultimate layer ({int(ref['embedding'].shape[1])} values), per window",
            "tags": "MSD_musicnn tag probabilities (50 sigmoid), per window",
        },
        "pooling": f"mean of window probabilities and embeddings over the windows of a track ({results['windows_per_track']} windows spread over it)",
        "architecture": "frozen pretrained musicnn"
        + f", window features {spec} -> "
        + (
            "standardised logistic regression (one dense softmax layer)"
            if "logreg" in chosen
            else f"normalise -> dense 64 ReLU -> softmax {len(GENRES)}"
        )
        + f" -> temperature {calib['temperature']:.2f}",
        "similarity": similarity,
        "recommended_min_confidence": calib["threshold"],
        "album_pooling": results.get("albums", {}).get("chosen_pooling", "mean"),
        "calibration": {k: v for k, v in calib.items() if k not in ("curve", "reliability")},
        "metrics": {
            "protocol": results["protocols"]["cv"]
            + "; item = mean of the app's windows, calibrated probabilities",
            "candidate": chosen,
            "chosen_because": results["chosen_because"],
            # the figure that matters to a person: real songs of artists never seen
            "accuracy": real["seeds"]["mean"],
            "accuracy_spread": real["seeds"],
            "fold_spread": real["folds"],
            "macro_f1": real["macro_f1"],
            "per_genre": metrics["all"]["per_genre"],
            "domains": {
                d: {
                    "accuracy": r["seeds"],
                    "folds": r["folds"],
                    "macro_f1": r["macro_f1"],
                    "items": r["n_clips"],
                }
                for d, r in metrics["domains"].items()
            },
            "gtzan_accuracy": gtzan["seeds"]["mean"],
            "gtzan_train_valid_accuracy": metrics["train_valid"]["accuracy"],
            "comparison_accuracy": {
                n: {
                    "real_songs": r["domains"]["real"]["seeds"]["mean"],
                    "gtzan": r["domains"]["gtzan"]["seeds"]["mean"],
                    "gtzan_train_valid": r["train_valid"]["accuracy"],
                }
                for n, r in results["candidates"].items()
            },
            "windows_study": results["windows_study"],
            "learning_curve": results["learning_curve"],
            "retrieval": results["retrieval"],
        },
        "training_data": {
            "description": "GTZAN (Tzanetakis & Cook 2002): the train and valid parts of the "
            "artist-filtered split of Kereliuk, Sturm & Larsen (2015); real songs: "
            + ", ".join(results["data"]["songs"])
            + "; every clean 3 s window, 1.5 s apart",
            **results["data"],
        },
        "pretrained": "musicnn 0.1.0 MSD_musicnn (Pons & Serra 2019), ISC licence: see NOTICE-musicnn.txt",
        "keras_litert_tolerance": TOLERANCE,
        "training_seconds": round(results["training_seconds"], 1),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (out / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    write_results(results, out)


def write_results(results: dict, out: Path) -> None:
    """cv_results.json and MODEL_CARD.md (again after later measurements are added)."""
    card = json.loads((out / CARD_FILE).read_text(encoding="utf-8"))
    saved = {k: v for k, v in results.items() if k not in ("oof", "rows_of", "windows")}
    (out / "cv_results.json").write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    report.write(results, card, out)
