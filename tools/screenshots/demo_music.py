"""Genre-like synthetic music for the README's screenshots (`make screenshots`): a few
seconds each of a style's usual ingredients (tempo, drum pattern, bass, harmony, timbre),
made with numpy alone, so the screenshots need no recordings and no licence."""

from __future__ import annotations

import numpy as np

SR = 44100


def _env(n: int, attack: float, decay: float) -> np.ndarray:
    t = np.arange(n) / SR
    return np.minimum(1.0, t / max(attack, 1e-4)) * np.exp(-t / decay)


def _tone(freq: float, dur: float, harmonics=(1.0, 0.5, 0.25), decay=0.6, attack=0.005):
    n = int(dur * SR)
    t = np.arange(n) / SR
    y = sum(a * np.sin(2 * np.pi * freq * (k + 1) * t) for k, a in enumerate(harmonics))
    return y * _env(n, attack, decay)


def _kick(dur=0.35):
    n = int(dur * SR)
    t = np.arange(n) / SR
    return np.sin(2 * np.pi * (50 + 90 * np.exp(-t * 30)) * t) * np.exp(-t * 9)


def _noise(rng, dur, decay, bright=True):
    n = int(dur * SR)
    y = rng.standard_normal(n)
    if bright:
        y = np.diff(y, prepend=0.0)
    return y * np.exp(-np.arange(n) / SR / decay)


def _place(out: np.ndarray, sound: np.ndarray, at: float, gain: float = 1.0) -> None:
    i = int(at * SR)
    if i >= len(out):
        return
    j = min(len(out), i + len(sound))
    out[i:j] += gain * sound[: j - i]


def _chord(root: float, kind: str = "maj") -> list[float]:
    steps = {"maj": (0, 4, 7), "min": (0, 3, 7), "7": (0, 4, 7, 10), "m7": (0, 3, 7, 10)}[kind]
    return [root * 2 ** (s / 12) for s in steps]


def song(style: str, seconds: float = 10.0, seed: int = 0) -> np.ndarray:
    """Mono float32 at 44.1 kHz in one of: classical, metal, disco, hiphop, reggae, jazz,
    blues, country, pop, rock."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * SR))
    key = 110 * 2 ** (rng.integers(0, 7) / 12)
    bpm = {"classical": 66, "metal": 170, "disco": 122, "hiphop": 90, "reggae": 76, "jazz": 140,
           "blues": 84, "country": 110, "pop": 116, "rock": 128}[style]  # fmt: skip
    beat = 60 / bpm
    beats = int(seconds / beat)
    prog = [0, 5, 7, 0] if style != "jazz" else [2, 7, 0, 9]
    for b in range(beats):
        at = b * beat
        bar, pos = divmod(b, 4)
        root = key * 2 ** (prog[bar % 4] / 12)
        if style == "classical":  # piano arpeggios over sustained strings
            for k, f in enumerate(_chord(root * 2, "maj" if bar % 2 == 0 else "min")):
                _place(out, _tone(f, 1.5, (1, 0.3, 0.1), decay=0.8), at + k * beat / 3, 0.25)
            if pos == 0:
                vib = _tone(root, 4 * beat, (1, 0.4, 0.2), decay=8, attack=0.4)
                _place(out, vib, at, 0.15)
            continue
        if style == "metal":  # palm-muted power chords, double kick, crash
            chord = sum(
                _tone(f, beat, (1, 0.8, 0.6, 0.5, 0.4), decay=0.3) for f in (root / 2, root * 0.75)
            )
            _place(out, np.tanh(6 * chord) * 0.5, at)
            for s in range(4):
                _place(out, _kick(0.12), at + s * beat / 4, 0.6)
            if pos in (1, 3):
                _place(out, _noise(rng, 0.25, 0.08), at, 0.5)
            continue
        if style in ("disco", "pop"):  # four on the floor, offbeat hats, octave bass
            _place(out, _kick(), at, 0.9)
            _place(out, _noise(rng, 0.12, 0.04), at + beat / 2, 0.25)
            for s in range(2):
                f = root / 2 * (2 if s else 1)
                _place(out, _tone(f, beat / 2, (1, 0.5), decay=0.15), at + s * beat / 2, 0.4)
            if pos == 0:
                for f in _chord(root * 2, "min" if style == "disco" else "maj"):
                    _place(out, _tone(f, 4 * beat, (1, 0.3, 0.2), decay=2.0, attack=0.05), at, 0.1)
            if pos in (1, 3):
                _place(out, _noise(rng, 0.2, 0.06, bright=False), at, 0.35)
            continue
        if style == "hiphop":  # boom-bap: heavy kick, hard snare, sub bass, sparse keys
            if pos in (0, 2) or (pos == 3 and bar % 2):
                _place(out, _kick(0.5), at, 1.0)
            if pos in (1, 3):
                _place(out, _noise(rng, 0.25, 0.07), at, 0.6)
            _place(out, _noise(rng, 0.05, 0.015), at + beat / 2, 0.15)
            if pos == 0:
                _place(out, _tone(root / 4, 2 * beat, (1, 0.2), decay=1.2), at, 0.6)
                for f in _chord(root * 2, "m7"):
                    _place(out, _tone(f, 1.0, (1, 0.2), decay=0.4), at + beat, 0.08)
            continue
        if style == "reggae":  # the skank on the offbeat, one-drop, deep bass
            for f in _chord(root * 2, "min"):
                _place(out, _tone(f, 0.15, (1, 0.6, 0.4), decay=0.06), at + beat / 2, 0.18)
            if pos == 2:
                _place(out, _kick(0.4), at, 0.9)
                _place(out, _noise(rng, 0.12, 0.03), at, 0.4)
            _place(
                out, _tone(root / 2 * (1.5 if pos == 3 else 1), beat, (1, 0.3), decay=0.5), at, 0.5
            )
            continue
        if style == "jazz":  # swung ride, walking bass, soft 7th chords
            _place(out, _noise(rng, 0.4, 0.15) * 0.5, at, 0.2)
            _place(out, _noise(rng, 0.2, 0.08) * 0.5, at + beat * 2 / 3, 0.12)
            walk = key / 2 * 2 ** (rng.choice([0, 2, 3, 5, 7, 9, 10]) / 12)
            _place(out, _tone(walk, beat, (1, 0.4), decay=0.35), at, 0.55)
            if pos in (0, 2):
                for f in _chord(root * 2, "m7" if bar % 2 else "7"):
                    _place(out, _tone(f, 1.2, (1, 0.15), decay=0.5), at + beat * 2 / 3, 0.07)
            continue
        # blues, country, rock: guitar-ish strums over a backbeat
        crunch = {"blues": 2.0, "country": 1.0, "rock": 5.0}[style]
        strum = sum(
            _tone(f, beat, (1, 0.6, 0.4, 0.3), decay=0.4)
            for f in _chord(root, "7" if style == "blues" else "maj")
        )
        _place(
            out,
            np.tanh(crunch * strum) / crunch * 0.8,
            at + (beat / 3 if style == "blues" and b % 2 else 0),
        )
        _place(out, _kick(), at if pos in (0, 2) else at + 10, 0.8)
        if pos in (1, 3):
            _place(out, _noise(rng, 0.2, 0.06), at, 0.45)
        _place(out, _tone(root / 2, beat, (1, 0.3), decay=0.4), at, 0.4)
    out /= np.max(np.abs(out)) + 1e-9
    return (0.8 * out).astype(np.float32)
