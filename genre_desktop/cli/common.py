"""Helpers shared by the subcommands: the library, output in JSON Lines or a table."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from genre_desktop import config
from genre_desktop.core.library import Library, default_path
from genre_desktop.errors import GenreDesktopError


class EXIT:
    """Documented exit codes (see `genre-desktop --help`)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    BUSY = 3
    INTERRUPTED = 130


def open_library(args) -> Library:
    return Library(default_path(config.data_dir(getattr(args, "data_dir", None))))


def load_settings_or_exit(args):
    try:
        return config.load_settings()
    except config.ConfigError as exc:
        print(f"genre-desktop: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def emit_json(obj: dict[str, Any], out: TextIO = sys.stdout) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def table(rows: Sequence[Sequence[str]], headers: Sequence[str], out: TextIO = sys.stdout) -> None:
    """An aligned plain-text table; long cells are cut with an ellipsis."""
    limit = 40
    cells = [
        [str(c) if len(str(c)) <= limit else str(c)[: limit - 1] + "…" for c in row] for row in rows
    ]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    for r in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


def error_text(exc: BaseException) -> str:
    return exc.reason if isinstance(exc, GenreDesktopError) else str(exc)


def fmt_duration(seconds: float) -> str:
    s = int(round(seconds))
    return (
        f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )
