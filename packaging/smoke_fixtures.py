"""Write one short file per supported format (the tests' real encoders) and what the
development build says about each, for `packaging/build.py --fixtures`: the bundle's
audio-only FFmpeg must decode all of them and agree with the PyPI FFmpeg.

Runs in the development environment (.venv): the encoders live there, not in the bundle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import audiofactory  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/smoke-audio").resolve()
    files = audiofactory.make_library(out / "audio", seconds=8.0)
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "GENRE_DESKTOP_DATA_DIR": data, "GENRE_DESKTOP_CONFIG_DIR": data}
        result = subprocess.run(
            [sys.executable, "-m", "genre_desktop", "classify", "--json", str(out / "audio")],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    expected = {Path(r["path"]).name: r for r in rows}
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
