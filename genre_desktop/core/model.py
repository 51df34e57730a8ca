"""GenreModel: the shipped LiteRT model and its card. No TensorFlow here.

A track is analysed as a handful of ~3 s windows spread over it (skipping the first and
last 5%, and silence), decoded by seeking, run as one batch (one invoke a track); the genre
probabilities and embeddings are the means over the windows. One interpreter per
GenreModel: create one per worker thread or process.

The shipped file runs musicnn's front-end convolutions in int8 (XNNPACK's integer kernels)
and everything else in float32; its card says how it was built and how close it stays to
the float model (`quantisation`). Any .tflite with a float32 (B, 187, 96) input and the
three outputs loads the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genre_desktop.config import models_dir
from genre_desktop.core import audio, features
from genre_desktop.core.records import Analysis
from genre_desktop.errors import DecodeError, ModelError

MODEL_NAME = "genre_cnn"
DEFAULT_WINDOWS = 8  # measured on real full-length songs: see the model card
SILENCE_RMS = 10 ** (-55 / 20)  # about -55 dBFS
TOP_TAGS = 5


@dataclass(frozen=True, repr=False)
class Card:
    """The model's JSON card (what it is, how to feed it, how well it did)."""

    raw: dict

    def __repr__(self) -> str:
        return f"Card(version={self.version!r})"

    @property
    def version(self) -> str:
        return str(self.raw["version"])

    @property
    def labels(self) -> list[str]:
        return list(self.raw["labels"])

    @property
    def display_names(self) -> list[str]:
        return list(self.raw["display_names"])

    @property
    def tag_labels(self) -> list[str]:
        return list(self.raw.get("tag_labels", []))

    @property
    def related_min_score(self) -> float:
        """Cosine from which a neighbour counts as related (measured, in the card)."""
        return float(self.raw.get("similarity", {}).get("related_min_score", 0.0))

    @property
    def accuracy(self) -> float | None:
        return self.raw.get("metrics", {}).get("accuracy")


def load_card(folder: Path | None = None) -> Card:
    folder = folder or models_dir()
    path = folder / f"{MODEL_NAME}.json"
    try:
        return Card(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise ModelError("model card not found (models/genre_cnn.json)", path) from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"model card unreadable: {exc}", path) from exc


def spans_for(
    duration: float, n: int = DEFAULT_WINDOWS, length: float = features.WINDOW_SECONDS
) -> list[tuple[float, float]]:
    """(start, length) of up to n windows spread over a track of `duration` seconds.

    Short clips: every half-window hop (as in training), at most n. Longer tracks: evenly
    spaced between 5% and 95% of the track, leaving out intros and fades."""
    if duration <= length:
        return [(0.0, length)]
    hop = length / 2
    if duration <= length + hop * (n - 1):
        count = int((duration - length) // hop) + 1
        return [(i * hop, length) for i in range(count)]
    lo, hi = 0.05 * duration, 0.95 * duration - length
    if hi <= lo:
        lo, hi = 0.0, duration - length
    return [(float(s), length) for s in np.linspace(lo, hi, n)]


def reads_with_stretch(
    spans: list[tuple[float, float]], duration: float, stretch: float
) -> tuple[int, list[tuple[float, float]]]:
    """The (start, length) reads of one pass over a file: the windows' spans, the one nearest
    the middle lengthened to a `stretch` starting at or before it (k, its index; -1 and the
    spans as they are when there is no stretch)."""
    reads = list(spans)
    if stretch <= 0:
        return -1, reads
    k = int(np.argmin([abs(s + n / 2 - duration / 2) for s, n in spans]))
    start = max(0.0, min(spans[k][0], duration - stretch))
    reads[k] = (start, max(stretch, spans[k][1]))
    return k, reads


@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence C-level stderr (file descriptor 2) for a moment: LiteRT prints "INFO: Created
    TensorFlow Lite XNNPACK delegate for CPU." when the first tensors are allocated, once per
    process, and offers no Python switch for its log level. Python's own sys.stderr is left
    alone; a failure still raises (and is reported) after the descriptor is back."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real descriptor 2 (a frozen GUI app)
        yield
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
        finally:
            os.close(devnull)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if len(x) else 0.0


class GenreModel:
    """Loads models/genre_cnn.tflite (checked against the card's sha256)."""

    def __init__(
        self, folder: Path | None = None, num_threads: int = 1, windows: int = DEFAULT_WINDOWS
    ) -> None:
        from ai_edge_litert.interpreter import Interpreter

        folder = folder or models_dir()
        self.card = load_card(folder)
        path = folder / self.card.raw["file"]
        try:
            blob = path.read_bytes()
        except OSError as exc:
            raise ModelError(f"model file unreadable: {exc}", path) from exc
        if hashlib.sha256(blob).hexdigest() != self.card.raw["sha256"]:
            raise ModelError("model file does not match its card (sha256 differs): reinstall", path)
        try:
            self._interp = Interpreter(model_content=blob, num_threads=num_threads)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"model cannot be loaded: {exc}", path) from exc
        self._input = self._interp.get_input_details()[0]
        self._outputs = self._output_map()
        self._batch = -1
        self._lock = threading.Lock()
        self.windows = windows
        # the usual batch (one track's windows) is planned now: XNNPACK packs the weights
        # when tensors are allocated, so the first track does not pay for it
        self._resize(windows)

    def _output_map(self) -> dict[str, int]:
        """Output name -> tensor index, matched by signature when present, else by width."""
        sig = self._interp.get_signature_list()
        out: dict[str, int] = {}
        details = self._interp.get_output_details()
        if sig:
            runner_outputs = next(iter(sig.values()))["outputs"]
            by_name = {d["name"]: d["index"] for d in details}
            for name in runner_outputs:
                if name in by_name:
                    out[name] = by_name[name]
        if {"probabilities", "embedding", "tags"} <= out.keys():
            return out
        n_labels, n_tags = len(self.card.labels), len(self.card.tag_labels)
        for d in details:
            width = int(d["shape"][-1])
            key = (
                "probabilities" if width == n_labels else "tags" if width == n_tags else "embedding"
            )
            out[key] = d["index"]
        return out

    @property
    def version(self) -> str:
        return self.card.version

    def run(self, windows: np.ndarray) -> dict[str, np.ndarray]:
        """(B, 187, 96) float32 windows -> per-window outputs."""
        x = np.ascontiguousarray(windows, dtype=np.float32)
        with self._lock:
            self._resize(x.shape[0])
            self._interp.set_tensor(self._input["index"], x)
            self._interp.invoke()
            return {k: np.array(self._interp.get_tensor(i)) for k, i in self._outputs.items()}

    def _resize(self, batch: int) -> None:
        """Plan the interpreter for `batch` windows (kept until another size comes)."""
        if batch == self._batch:
            return
        shape = [batch, features.WINDOW_FRAMES, features.N_MELS]
        self._interp.resize_tensor_input(self._input["index"], shape)
        with _quiet_native_stderr() if self._batch == -1 else contextlib.nullcontext():
            self._interp.allocate_tensors()
        self._batch = batch

    def windows_of(self, path: str | os.PathLike[str], duration: float | None = None) -> np.ndarray:
        """Decode and featurise the windows of one file (silent windows skipped)."""
        return self._read(path, duration)[0]

    def analyse_with_stretch(
        self, path: str | os.PathLike[str], duration: float, stretch: float
    ) -> tuple[Analysis, np.ndarray | None]:
        """The analysis, and a contiguous `stretch` seconds of the track's middle (mono at
        the model's rate) read in the same pass: the window nearest the middle is cut from
        the start of the stretch instead of being decoded on its own, so the stretch costs
        only its other seconds (core.tempo hears the tempo in it)."""
        windows, y = self._read(path, duration, stretch)
        return self.analyse_windows(windows), y

    def _read(
        self, path: str | os.PathLike[str], duration: float | None = None, stretch: float = 0.0
    ) -> tuple[np.ndarray, np.ndarray | None]:
        if duration is None or duration <= 0:
            duration = audio.probe(path).duration
        spans = spans_for(duration, self.windows)
        k, reads = reads_with_stretch(spans, duration, stretch)
        excerpts = audio.load_excerpts(path, features.SAMPLE_RATE, reads)
        y = None
        if k >= 0:
            y = excerpts[k]
            at = int(round((spans[k][0] - reads[k][0]) * features.SAMPLE_RATE))
            excerpts[k] = y[at : at + int(round(spans[k][1] * features.SAMPLE_RATE))]
        usable = [
            (s, e)
            for s, e in zip(spans, excerpts, strict=True)
            if len(e) > features.SAMPLE_RATE * 0.25
        ]
        if not usable:
            raise DecodeError(f"{audio.CORRUPT} (no audio in it)", path)
        loud = [(s, e) for s, e in usable if _rms(e) >= SILENCE_RMS]
        if len(loud) < self.windows and duration > 30:
            # silence (hidden tracks, quiet intros, long fades): look again between the spans
            # already read, and keep what is not silent
            taken = [s[0] for s, _ in usable]
            grid = spans_for(duration, 3 * self.windows)
            extra = [sp for sp in grid if all(abs(sp[0] - t) > 1.5 for t in taken)]
            more = audio.load_excerpts(path, features.SAMPLE_RATE, extra) if extra else []
            loud += [
                (s, e)
                for s, e in zip(extra, more, strict=True)
                if len(e) > features.SAMPLE_RATE * 0.25 and _rms(e) >= SILENCE_RMS
            ]
            loud.sort(key=lambda se: se[0][0])
        chosen = [e for _, e in loud] or [e for _, e in usable]  # a silent track is still analysed
        if len(chosen) > self.windows:
            idx = np.linspace(0, len(chosen) - 1, self.windows).round().astype(int)
            chosen = [chosen[i] for i in idx]
        return np.stack([features.window_features(e) for e in chosen]), y

    def analyse_windows(self, windows: np.ndarray) -> Analysis:
        out = self.run(windows)
        probs = out["probabilities"].mean(0)
        probs = probs / probs.sum()
        labels = self.card.labels
        best = int(np.argmax(probs))
        tag_p = out["tags"].mean(0) if "tags" in out else np.zeros(0)
        tag_labels = self.card.tag_labels
        top = (
            [(tag_labels[i], round(float(tag_p[i]), 4)) for i in np.argsort(-tag_p)[:TOP_TAGS]]
            if len(tag_p)
            else []
        )
        return Analysis(
            model_version=self.version,
            genre=labels[best],
            confidence=float(probs[best]),
            probabilities={lab: round(float(p), 6) for lab, p in zip(labels, probs, strict=True)},
            tags=top,
            embedding=self.similarity_vector(out["embedding"].mean(0), probs),
            windows=len(windows),
        )

    def similarity_vector(self, penultimate: np.ndarray, probs: np.ndarray) -> np.ndarray:
        """The card's similarity embedding: unit-length mean-centred penultimate layer next
        to weight x unit-length genre probabilities (chosen by measured precision at 5)."""
        sim = self.card.raw.get("similarity", {})
        mean = np.asarray(sim.get("penultimate_mean", np.zeros_like(penultimate)), dtype=np.float32)
        weight = float(sim.get("probability_weight", 0.0))
        a = penultimate.astype(np.float32) - mean
        a /= float(np.linalg.norm(a)) + 1e-9
        b = probs.astype(np.float32) / (float(np.linalg.norm(probs)) + 1e-9)
        return np.concatenate([a, weight * b]).astype(np.float32)

    def analyse(self, path: str | os.PathLike[str], duration: float | None = None) -> Analysis:
        """Genre, confidence, probabilities, tags and embedding of one audio file."""
        return self.analyse_windows(self.windows_of(path, duration))
