"""Does a genre survive loud modern mastering? (`genre_desktop.training.mastering`)

    python benchmarks/mastering.py [--data ../shared/gtzan] [--model DIR] [--raw-level]

`--model DIR` measures another model folder (an older model: `git show REV:models/...`);
`--raw-level` computes its windows without the loudness normalisation (models before it).
`make train` runs the same measurement and puts it in the model card.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from genre_desktop.core.model import GenreModel  # noqa: E402
from genre_desktop.training.dataset import find_clips  # noqa: E402
from genre_desktop.training.mastering import measure  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/gtzan")
    ap.add_argument("--model", type=Path)
    ap.add_argument("--raw-level", action="store_true")
    args = ap.parse_args()
    model = GenreModel(args.model)
    clips = find_clips(args.data)
    print(f"model {model.version}: {len(clips)} clips")
    for drive, share in measure(model, clips, args.raw_level).items():
        print(f"  genre unchanged after mastering with +{drive} dB drive: {share:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
