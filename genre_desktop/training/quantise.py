"""A faster build of the shipped model, with the same head (issue 34). TensorFlow here.

    python -m genre_desktop.training.quantise --out models   # from the float model in models/

The genre head is not retrained: its weights are read from the shipped float model's
constant tensors (`head_from_tflite`); the pretrained network comes from the musicnn
checkpoint as in training. Exact rewrites of musicnn's front-end first (float maths, the
same sums in another order; a test holds them to the checkpoint's network):

1. Each branch is conv -> ReLU -> batch norm -> max over frequency. The batch norm is a
   per-channel affine map a*x + b, monotone, so it commutes with the max:
   max_f(a*relu(c) + b) = a*relu(max_f c) + b when a >= 0, and a*relu(-max_f(-c)) + b when
   a < 0 (those channels' conv weights negated). The affine map then runs on (T, C)
   instead of (T, F, C): 59x, 30x and 96x fewer elements.
2. The timbral convs (7 x 38 and 7 x 67 over one input channel) read the neighbouring mel
   bands laid out as channels (a float identity conv copies them) and become 7 x 1 convs
   over 38 and 67 channels.
3. The temporal convs (128, 64 and 32 frames over one channel, 'same') become polyphase
   convs: frames in blocks of 8 laid out as channels, the 8 output phases as channels too.
4. The calibration softmax(log(softmax(z)) / T) is written softmax(z / T) (log-softmax
   differs from z by a constant per window), without the 1e-7 clip.

Then `to_int8`: only the five front-end convolutions (96% of the 1.4 G multiply-adds of a
window) run in int8 (weights per channel, activations calibrated on windows of the
development audio), through XNNPACK's integer kernels, which pad the input channels to 4-16 lanes: hence 2
and 3, one input channel would waste most of each lane. Everything after the front-end
(mid-end, back-end, head, calibration), the input and the outputs stay float32: quantising
the mid-end moved the probabilities by up to 0.2 on the sample's windows.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
from keras import layers, ops

from genre_desktop.core import features
from genre_desktop.training.musicnn_keras import (
    N_FRAMES,
    N_MELS,
    checkpoint_dir,
    load_pretrained,
    midend_backend,
)

PHASES = 8  # frames per block in the polyphase temporal convs (XNNPACK int8 lanes)


def head_from_tflite(blob: bytes) -> dict[str, np.ndarray | float]:
    """The genre head of the shipped float model: normalisation (x - mean) * scale, dense
    64 ReLU, dense 11 softmax, temperature. Read from its constant tensors by op."""
    from ai_edge_litert.interpreter import Interpreter

    it = Interpreter(model_content=blob, experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    ops_ = it._get_ops_details()
    names = {t["index"]: t["name"] for t in it.get_tensor_details()}

    def const(op: dict, k: int) -> np.ndarray:
        return np.array(it.get_tensor(op["inputs"][k]))

    fcs = [o for o in ops_ if o["op_name"] == "FULLY_CONNECTED"]
    hidden = next(o for o in fcs if "head_hidden" in names[o["inputs"][1]])
    out = next(o for o in fcs if "head_out" in names[o["inputs"][1]])
    sub = next(o for o in ops_ if o["op_name"] == "SUB" and "head_norm" in names[o["inputs"][1]])
    mul = next(
        o
        for o in ops_
        if o["op_name"] == "MUL" and len(o["inputs"]) == 2 and "head_norm" in names[o["inputs"][1]]
    )
    temp = next(o for o in ops_ if o["op_name"] == "MUL" and "calibration" in names[o["inputs"][1]])
    return {
        "mean": const(sub, 1).reshape(-1),
        "scale": const(mul, 1).reshape(-1),
        "w1": const(hidden, 1).T.copy(),
        "b1": const(hidden, 2),
        "w2": const(out, 1).T.copy(),
        "b2": const(out, 2),
        "temperature": float(1.0 / float(const(temp, 1))),
    }


class Affine(layers.Layer):
    """x * scale + shift (per last-axis channel), constants baked in."""

    def __init__(self, scale, shift, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scale_ = np.asarray(scale, np.float32)
        self.shift_ = np.asarray(shift, np.float32)

    def call(self, x):
        return x * ops.convert_to_tensor(self.scale_) + ops.convert_to_tensor(self.shift_)


class SignedReluAffine(layers.Layer):
    """a * relu(s * m) + b: the batch norm after a max over frequency (see module doc)."""

    def __init__(self, sign, scale, shift, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sign_ = np.asarray(sign, np.float32)
        self.scale_ = np.asarray(scale, np.float32)
        self.shift_ = np.asarray(shift, np.float32)

    def call(self, m):
        r = ops.relu(m * ops.convert_to_tensor(self.sign_))
        return r * ops.convert_to_tensor(self.scale_) + ops.convert_to_tensor(self.shift_)


class FreqMax(layers.Layer):
    def call(self, x):
        return ops.max(x, axis=2)


def _bn_affine(bn: layers.BatchNormalization) -> tuple[np.ndarray, np.ndarray]:
    gamma, beta, mean, var = (np.asarray(w, np.float64) for w in bn.get_weights())
    a = gamma / np.sqrt(var + bn.epsilon)
    return a.astype(np.float32), (beta - a * mean).astype(np.float32)


def build_fast_musicnn(unfold: bool = True, polyphase: bool = True) -> keras.Model:
    """MSD_musicnn with the front-end batch norms after the frequency max (exact).
    `unfold`: each timbral conv (7 x W over one input channel) becomes a float identity conv
    that lays the W neighbouring mel bands out as channels, then a 7 x 1 conv over W
    channels: the same sums (the identity conv copies exactly), but a shape integer kernels
    run well (one input channel is padded to 4-16 lanes in XNNPACK's int8 kernels)."""
    from genre_desktop.training.musicnn_keras import build_musicnn

    ref = build_musicnn("msd")
    load_pretrained(ref, checkpoint_dir("MSD_musicnn"), "msd")
    inp = keras.Input((N_FRAMES, N_MELS), name="msd_mel")
    x = layers.Reshape((N_FRAMES, N_MELS, 1))(inp)
    a0, b0 = _bn_affine(ref.get_layer("msd_batch_normalization"))
    x = Affine(a0, b0, name="input_bn")(x)
    pad7 = layers.ZeroPadding2D(((3, 3), (0, 0)))(x)

    def branch(src, conv_name: str, bn_name: str, kernel, padding: str):
        conv = ref.get_layer(conv_name)
        w, bias = conv.get_weights()
        a, b = _bn_affine(ref.get_layer(bn_name))
        s = np.where(a < 0, -1.0, 1.0).astype(np.float32)
        if unfold and kernel[1] > 1:
            width = kernel[1]
            spread = layers.Conv2D(width, (1, width), use_bias=False, name="unfold_" + conv_name)
            src = spread(src)
            spread.set_weights([np.eye(width, dtype=np.float32).reshape(1, width, 1, width)])
            w = w.transpose(0, 2, 1, 3)  # (7, W, 1, C) -> (7, 1, W, C)
            kernel = (kernel[0], 1)
        new = layers.Conv2D(
            w.shape[-1], kernel, padding=padding, activation=None, name="fast_" + conv_name
        )
        c = new(src)
        new.set_weights([w * s, bias * s])
        m = FreqMax()(c)
        return SignedReluAffine(s, a, b, name="fast_" + bn_name)(m)

    def temporal(conv_name: str, bn_name: str, length: int):
        """A 'same' conv of `length` x 1 over one channel, as a polyphase conv: the frames
        in blocks of PHASES laid out as channels, the output phases as channels too. The
        same sums (taps past the kernel are zero), over PHASES input channels."""
        w, bias = ref.get_layer(conv_name).get_weights()  # (L, 1, 1, C)
        a, b = _bn_affine(ref.get_layer(bn_name))
        s = np.where(a < 0, -1.0, 1.0).astype(np.float32)
        n_out, p = w.shape[-1], PHASES
        taps = (length - 1 + p - 1) // p + 1
        blocks = -(-N_FRAMES // p)
        rows = blocks + taps - 1
        before = (length - 1) // 2  # TensorFlow's 'same': the extra zero goes after
        xp = layers.ZeroPadding2D(((before, rows * p - N_FRAMES - before), (0, 0)))(x)
        xr = layers.Reshape((rows, p, N_MELS))(xp)
        xt = layers.Permute((1, 3, 2))(xr)  # (rows, mel band, phase)
        w2 = np.zeros((taps, 1, p, p * n_out), np.float32)
        for j in range(taps):
            for r in range(p):
                for q in range(p):
                    k = p * j + r - q
                    if 0 <= k < length:
                        w2[j, 0, r, q * n_out : (q + 1) * n_out] = w[k, 0, 0] * s
        new = layers.Conv2D(p * n_out, (taps, 1), padding="valid", name="fast_" + conv_name)
        c = new(xt)
        new.set_weights([w2, np.tile(bias * s, p)])
        m = FreqMax()(c)  # (blocks, phase x channel)
        m = layers.Reshape((blocks * p, n_out))(m)
        m = layers.Cropping1D((0, blocks * p - N_FRAMES))(m)
        return SignedReluAffine(s, a, b, name="fast_" + bn_name)(m)

    f74 = branch(pad7, "msd_conv2d0", "msd_batch_normalization1", (7, 38), "valid")
    f77 = branch(pad7, "msd_conv2d1", "msd_batch_normalization2", (7, 67), "valid")
    if polyphase:
        s1 = temporal("msd_conv2d2", "msd_batch_normalization3", 128)
        s2 = temporal("msd_conv2d3", "msd_batch_normalization4", 64)
        s3 = temporal("msd_conv2d4", "msd_batch_normalization5", 32)
    else:
        s1 = branch(x, "msd_conv2d2", "msd_batch_normalization3", (128, 1), "same")
        s2 = branch(x, "msd_conv2d3", "msd_batch_normalization4", (64, 1), "same")
        s3 = branch(x, "msd_conv2d4", "msd_batch_normalization5", (32, 1), "same")
    front = layers.Concatenate(axis=-1, name="msd_frontend")([f74, f77, s1, s2, s3])
    out = midend_backend(front, "msd")
    out.pop("midend")
    model = keras.Model(inp, out, name="msd_musicnn_fast")
    for layer in model.layers:  # mid-end and back-end: the checkpoint's weights, by name
        if layer.weights and layer.name.startswith("msd_"):
            layer.set_weights(ref.get_layer(layer.name).get_weights())
    return model


def build_fast_app_model(head: dict, unfold: bool = True, polyphase: bool = True) -> keras.Model:
    """mel windows -> probabilities (calibrated), embedding (penultimate), tags."""
    net = build_fast_musicnn(unfold, polyphase)
    inp = keras.Input((features.WINDOW_FRAMES, features.N_MELS), name="mel")
    o = net(inp)
    x = layers.Concatenate()([o["penultimate"], o["pool"], o["tags"]])
    x = Affine(head["scale"], -np.asarray(head["mean"]) * head["scale"], name="head_norm")(x)
    h1 = layers.Dense(64, activation="relu", name="head_hidden")
    x = h1(x)
    h1.set_weights([head["w1"], head["b1"]])
    h2 = layers.Dense(len(head["b2"]), name="head_logits")
    z = h2(x)
    t = float(head["temperature"])
    h2.set_weights([head["w2"] / t, head["b2"] / t])  # softmax(log softmax(z) / T) = softmax(z / T)
    probs = layers.Softmax(name="calibrated")(z)
    return keras.Model(
        inp, {"probabilities": probs, "embedding": o["penultimate"], "tags": o["tags"]}
    )


def _frozen(model: keras.Model):
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    @tf.function(
        input_signature=[
            tf.TensorSpec([None, features.WINDOW_FRAMES, features.N_MELS], tf.float32, name="mel")
        ]
    )
    def serve(mel):
        out = model(mel, training=False)
        return {k: out[k] for k in ("probabilities", "embedding", "tags")}

    return convert_variables_to_constants_v2(serve.get_concrete_function())


def to_float(model: keras.Model) -> bytes:
    import tensorflow as tf

    return tf.lite.TFLiteConverter.from_concrete_functions([_frozen(model)]).convert()


def to_int8(model: keras.Model, calibration: np.ndarray, int8: tuple[str, ...]) -> bytes:
    """The convolutions whose layer name contains one of `int8` run in int8 (weights per
    channel, activations calibrated on the `calibration` windows); every other op stays
    float32, as do the input and the outputs."""
    import tensorflow as tf
    from ai_edge_litert.interpreter import Interpreter

    frozen = _frozen(model)
    plain = tf.lite.TFLiteConverter.from_concrete_functions([frozen]).convert()
    it = Interpreter(model_content=plain)
    names = {t["index"]: t["name"] for t in it.get_tensor_details()}
    deny = []
    for op in it._get_ops_details():
        out = names[op["outputs"][0]]
        keep = op["op_name"] == "CONV_2D" and any(f"/{p}" in out for p in int8)
        if not keep:
            deny.append(out)

    def representative():
        for i in range(len(calibration)):
            yield [calibration[i : i + 1].astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_concrete_functions([frozen])
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [
        tf.lite.OpsSet.TFLITE_BUILTINS_INT8,
        tf.lite.OpsSet.TFLITE_BUILTINS,
    ]
    options = tf.lite.experimental.QuantizationDebugOptions(denylisted_nodes=deny)
    debugger = tf.lite.experimental.QuantizationDebugger(
        converter=conv, debug_dataset=representative, debug_options=options
    )
    return bytes(debugger.get_nondebug_quantized_model())


CALIBRATION_ITEMS = 60
CALIBRATION_SEED = 34


def calibration_windows(items, n: int = CALIBRATION_ITEMS, seed: int = CALIBRATION_SEED):
    """One of the app's windows (`GenreModel.windows_of`) from each of `n` development items
    drawn at random: the activations' ranges for the int8 convolutions. Read from the
    development audio at export; nothing of it is stored."""
    from genre_desktop.core.model import GenreModel

    rng = np.random.default_rng(seed)
    pick = rng.choice(len(items), 4 * n, replace=False)[:n]
    model = GenreModel()
    rows = []
    for i in pick:
        w = model.windows_of(items[i].path)
        rows.append(w[rng.integers(len(w))])
    return np.stack(rows).astype(np.float32)


def litert_outputs(blob: bytes, windows: np.ndarray) -> dict[str, np.ndarray]:
    from ai_edge_litert.interpreter import Interpreter

    it = Interpreter(model_content=blob, num_threads=1)
    inp = it.get_input_details()[0]
    it.resize_tensor_input(inp["index"], list(windows.shape))
    it.allocate_tensors()
    it.set_tensor(inp["index"], windows)
    it.invoke()
    out = {}
    for d in it.get_output_details():
        v = np.array(it.get_tensor(d["index"]))
        out[{11: "probabilities", 50: "tags"}.get(v.shape[-1], "embedding")] = v
    return out


def export(out: Path, items, int8: bool = True) -> dict:
    """Write models/genre_cnn.tflite (the fast build of the shipped float model's maths),
    its reference outputs and its card (the float model's card, updated)."""
    import datetime as dt
    import hashlib
    import json

    from genre_desktop.training import export as base

    card = json.loads((out / base.CARD_FILE).read_text(encoding="utf-8"))
    if "quantisation" in card:
        raise ValueError("models/ already holds a quantised build: start from the float model")
    float_blob = (out / base.MODEL_FILE).read_bytes()
    if hashlib.sha256(float_blob).hexdigest() != card["sha256"]:
        raise ValueError("the model file does not match its card")
    head = head_from_tflite(float_blob)
    model = build_fast_app_model(head)
    # the float Keras model's outputs as `make train` stored them: the rewrite must give them
    with np.load(out / base.REFERENCE_FILE) as old:
        windows = np.asarray(old["windows"])
        keras_ref = {k: np.asarray(old[k]) for k in ("probabilities", "embedding", "tags")}
    np.testing.assert_allclose(base.sample_windows(), windows, atol=1e-4)
    fast = model.predict(windows, verbose=0)
    for k, v in keras_ref.items():
        np.testing.assert_allclose(np.asarray(fast[k]), v, atol=1e-4, err_msg=k)
    if int8:
        calib = calibration_windows(items)
        blob = to_int8(model, calib, INT8_LAYERS)
    else:
        blob = to_float(model)
    ours = litert_outputs(blob, windows)
    vs_float = {k: float(np.max(np.abs(ours[k] - keras_ref[k]))) for k in ours}
    sha = hashlib.sha256(blob).hexdigest()
    (out / base.MODEL_FILE).write_bytes(blob)
    np.savez(
        out / base.REFERENCE_FILE,
        windows=windows,
        **ours,
        **{f"float_{k}": v for k, v in keras_ref.items()},
    )
    previous = {"version": card["version"], "sha256": card["sha256"], "file": card["file"]}
    card.update(
        {
            "version": f"{dt.date.today():%Y.%m.%d}-{sha[:8]}",
            "sha256": sha,
            "size_bytes": len(blob),
            "keras_litert_tolerance": base.TOLERANCE,
            "reference": "genre_cnn.reference.npz: the sample's windows, this file's LiteRT "
            "outputs at export (probabilities, embedding, tags) and the float Keras model's "
            "(float_*)",
            "quantisation": {
                "recipe": RECIPE if int8 else FLOAT_RECIPE,
                "int8_layers": list(INT8_LAYERS) if int8 else [],
                "calibration": (
                    f"one app window from each of {CALIBRATION_ITEMS} development items "
                    f"(GTZAN clips and real songs) drawn at random, seed {CALIBRATION_SEED}"
                    if int8
                    else "none"
                ),
                "head": "the float model's head, read from its constant tensors (not retrained)",
                "float_model": previous,
                "max_difference_from_float_on_reference_windows": vs_float,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
        }
    )
    (out / base.CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card


INT8_LAYERS = ("fast_msd_conv2d",)  # the five front-end convolutions
RECIPE = (
    "musicnn front-end rewritten exactly (batch norm after the frequency max; timbral convs "
    "over mel bands laid out as channels; temporal convs in polyphase form, 8 frames a "
    "block), then post-training integer quantisation of the five front-end convolutions "
    "only: int8 weights per output channel, int8 activations (per tensor, calibrated), "
    "XNNPACK's int8 kernels; everything after the front-end, the input and the outputs "
    "float32"
)
FLOAT_RECIPE = (
    "musicnn front-end rewritten exactly (batch norm after the frequency max; timbral convs "
    "over mel bands laid out as channels; temporal convs in polyphase form), float32"
)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from genre_desktop.training.dataset import find_clips, find_songs

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default="models")
    ap.add_argument("--data", default="../shared/gtzan")
    ap.add_argument("--songs", nargs="*", default=["../shared/realsongs", "../shared/realworld"])
    ap.add_argument("--float", action="store_true", help="the exact float rewrite only")
    args = ap.parse_args(argv)
    items = find_clips(args.data)
    for folder in args.songs:
        items += find_songs(folder)
    card = export(Path(args.out), items, int8=not args.float)
    print(card["version"], card["quantisation"]["max_difference_from_float_on_reference_windows"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
