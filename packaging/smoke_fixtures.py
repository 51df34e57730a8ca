"""Write one short file per supported format (the tests' real encoders) and what the
development build says about each, for `packaging/build.py --fixtures`: the bundle's
audio-only FFmpeg must decode all of them and agree with the PyPI FFmpeg.

Runs in the development environment (.venv): the encoders live there, not in the bundle."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "packaging"))

import audiofactory  # noqa: E402


def main() -> int:
    # packaging/build.py (the name `build` sorts as first- or third-party depending on
    # whether a build/ folder exists, so it is imported here, not among the imports above)
    from build import classify_json

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/smoke-audio").resolve()
    files = audiofactory.make_library(out / "audio", seconds=8.0)
    expected, stderr, returncode = classify_json(
        [sys.executable, "-m", "genre_desktop"], out / "audio"
    )
    if returncode != 0:
        raise SystemExit(f"the development build's classify failed:\n{stderr}")
    missing = [
        p.name for p in files.values() if p.name not in expected or "error" in expected[p.name]
    ]
    if missing:
        raise SystemExit(f"the development build could not classify: {missing}")
    (out / "expected.json").write_text(json.dumps(expected, indent=1))
    print(f"{len(expected)} smoke fixtures in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
