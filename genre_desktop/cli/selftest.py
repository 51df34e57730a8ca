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
        step = "decode and classify the sample"
        a = model.analyse(sample)
        print(f"model {model.version}: sample.flac -> {display_name(a.genre)} ({a.confidence:.0%})")
        step = "write a genre into a copy"
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "sample.flac"
            shutil.copyfile(sample, copy)
            before = audio.payload_digest(copy)
            tags.write_genres(copy, [display_name(a.genre)])
            back = tags.read(copy).genres
            if back != [display_name(a.genre)] or audio.payload_digest(copy) != before:
                raise RuntimeError(f"tag round trip failed: read back {back!r}")
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
