"""`--self-test`: load the model, classify the bundled sample, write a genre into a temporary
copy and read it back, and load PortAudio. Exit 0 when all of it works, 1 with the reason otherwise."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from genre_desktop.config import resources_dir


def self_test() -> int:
    from genre_desktop.core import audio, tags
    from genre_desktop.core.labels import display_name
    from genre_desktop.core.model import GenreModel

    sample = resources_dir() / "sample.flac"
    step = "start"
    try:
        t0 = time.perf_counter()
        step = "load the model"
        model = GenreModel()
        step = "reproduce the model's reference outputs"
        import numpy as np

        from genre_desktop.config import models_dir

        with np.load(models_dir() / "genre_cnn.reference.npz") as ref:
            got = model.run(ref["windows"])
            worst = max(
                float(np.max(np.abs(got[k] - ref[k])))
                for k in ("probabilities", "tags", "embedding")
            )
            tolerance = float(model.card.raw.get("keras_litert_tolerance", 2e-3))
            if worst > tolerance:
                raise RuntimeError(
                    f"outputs differ from the training run's by {worst:.2e} (allowed {tolerance:.2e})"
                )
            expected = display_name(model.card.labels[int(ref["probabilities"].mean(0).argmax())])
        step = "decode and classify the sample"
        a = model.analyse(sample)
        print(
            f"model {model.version}: reference windows reproduced (largest difference {worst:.2e}, "
            f"allowed {tolerance:.2e}); sample.flac decoded and classified ({display_name(a.genre)})"
        )
        if display_name(a.genre) != expected and a.windows == len(got["probabilities"]):
            raise RuntimeError(
                f"sample.flac is {display_name(a.genre)}, the reference says {expected}"
            )
        step = "write a genre into a copy"
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "sample.flac"
            shutil.copyfile(sample, copy)
            before = audio.payload_digest(copy)
            tags.write_genres(copy, [display_name(a.genre)])
            back = tags.read(copy).genres
            if back != [display_name(a.genre)] or audio.payload_digest(copy) != before:
                raise RuntimeError(f"tag round trip failed: read back {back!r}")
        step = "hold the library's write lock against a second process"
        print(lock_check())
        step = "load PortAudio for the preview player"
        import sounddevice as sd

        try:
            output = f"default output: {sd.query_devices(kind='output')['name']}"
        except Exception:  # no device is not a broken bundle: previews say so in the app
            output = "no audio output device"
        print(f"player: {sd.get_portaudio_version()[1]}; {output}")
        print(f"self-test passed in {time.perf_counter() - t0:.2f} s")
        return 0
    except Exception as exc:
        print(f"self-test failed: could not {step}: {exc}", file=sys.stderr)
        return 1


def _second_writer(path: str) -> str:
    """In a spawned process (the bundle re-entered through freeze_support): try the lock."""
    from genre_desktop.core.lock import WriteLock
    from genre_desktop.errors import BusyError

    try:
        WriteLock(Path(path)).acquire().release()
    except BusyError as exc:
        return str(exc)
    return "acquired"


def lock_check() -> str:
    """A second process must be refused the lock with who holds it (Windows: mandatory
    byte-range locks), and spawned processes must start at all (a frozen bundle)."""
    import multiprocessing
    import os

    from genre_desktop.core.lock import WriteLock

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "write.lock"
        with WriteLock(path), multiprocessing.get_context("spawn").Pool(1) as pool:
            said = pool.apply(_second_writer, (str(path),))
    if f"pid {os.getpid()}" not in said:
        raise RuntimeError(f"a second process was not refused the lock as it should be: {said}")
    return "write lock: a second process is refused and told who holds it"
