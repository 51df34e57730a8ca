"""Helpers shared by the subcommands: the library, output in JSON Lines or a table."""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from genre_desktop import config
from genre_desktop.core.library import Library, default_path


class EXIT:
    """Documented exit codes (see `genre-desktop --help`)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    BUSY = 3
    INTERRUPTED = 130


# a command waits this long for another writer (the app, another command) before exit 3
LOCK_WAIT_S = 5.0


def write_session(library: Library, kind, **kwargs):
    """The write session of a command: waits up to LOCK_WAIT_S for another writer, saying
    so on stderr, then raises BusyError."""
    from genre_desktop.core.session import WriteSession

    def waiting() -> None:
        print(
            f"genre-desktop: another genre-desktop is writing tags for this library; "
            f"waiting up to {LOCK_WAIT_S:.0f} s…",
            file=sys.stderr,
            flush=True,
        )

    return WriteSession(library, kind, wait=LOCK_WAIT_S, on_wait=waiting, **kwargs)


def open_library(args) -> Library:
    return Library(default_path(config.data_dir(getattr(args, "data_dir", None))))


def load_settings_or_exit(args):
    try:
        return config.load_settings()
    except config.ConfigError as exc:
        print(f"genre-desktop: {exc}", file=sys.stderr)
        raise SystemExit(EXIT.USAGE) from exc


def no_audio_message(paths: Sequence[str]) -> str:
    """Nothing to do is not success: say where nothing was found and what was looked for."""
    from genre_desktop.core.audio import EXTENSIONS

    where = ", ".join(paths)
    return f"no audio files in {where} (looked for {', '.join(EXTENSIONS)})"


def emit_json(obj: dict[str, Any], out: TextIO = sys.stdout) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def middle_cut(text: str, width: int) -> str:
    """Cut from the middle, keeping both ends (what tells apart two long values that share
    their start)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def end_cut(text: str, width: int) -> str:
    """Keep the start, which is what names a thing ('01 - Alan Jackson - Don't Rock…'), cut
    after a whole word where that loses little ('Singer-…', not 'Singe…riter')."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = text[: width - 1]
    cut = max(head.rfind(" "), head.rfind("-") + 1 if "-" in head else -1)
    if text[width - 1] in " ,;":  # a word ends right at the cut
        cut = len(head)
    if cut >= (width - 1) * 0.75:
        head = head[:cut].rstrip(" ,;")
    return head + "…"


def path_cut(path: str, width: int) -> str:
    """A path in `width` characters that keeps what tells files apart: the file name, with as
    many of its folders as fit ('…/Album/02 - Unknown.flac'). Folders go before any of the
    name does (but a disc folder, which tells '…/disc 2/01' from '…/disc 1/01'); a name
    longer than the width keeps its start (the title is what identifies a file)."""
    if len(path) <= width:
        return path
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    for keep in range(len(parts) - 1, 0, -1):  # as many trailing folders as fit
        tail = "/".join(parts[-keep - 1 :])
        if len(tail) + 2 <= width:
            return "…/" + tail
    parent = parts[-2] if len(parts) > 1 else ""
    if _DISC.fullmatch(parent.strip()):  # 'disc 2/01 - Intro' tells apart from 'disc 1/...'
        prefix = f"…/{parent}/"
        if width - len(prefix) >= 12:
            return prefix + end_cut(name, width - len(prefix))
    return end_cut(name, width)


_DISC = re.compile(r"(?i)(disc|disk|cd)\s*\d+")


def terminal_width(out: TextIO = sys.stdout) -> int | None:
    """Columns of the terminal `out` writes to; None for a pipe or file (no cutting)."""
    try:
        if not out.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size((80, 24)).columns


WHOLE_MAX = 24  # a column kept whole (a genre) is cut only beyond this


def fit_widths(
    widths: list[int], budget: int, flexible: int, whole: Sequence[int] = ()
) -> list[int]:
    """Widths that fit `budget` (2 spaces between columns): the `whole` columns keep their
    width (up to WHOLE_MAX); the others share what is left, short ones whole and long ones
    cut to one level (the `flexible` one, a file, counts twice)."""
    widths = list(widths)
    gaps = 2 * (len(widths) - 1)
    if sum(widths) + gaps <= budget:
        return widths
    out = list(widths)
    for i in whole:
        out[i] = min(widths[i], WHOLE_MAX)
    others = [i for i in range(len(widths)) if i not in whole]
    room = budget - gaps - sum(out[i] for i in whole)

    def share(level: int) -> dict[int, int]:
        return {i: min(widths[i], level * (2 if i == flexible else 1)) for i in others}

    level = 0
    while level < max(widths, default=0) and sum(share(level + 1).values()) <= room:
        level += 1
    parts = share(level)
    spare = room - sum(parts.values())
    for i in sorted(others, key=lambda i: i != flexible):  # the file first, then the rest
        more = min(spare, widths[i] - parts[i])
        parts[i] += more
        spare -= more
    for i in others:
        out[i] = max(4, parts[i])
    return out


def _cut(text: str, width: int) -> str:
    """A cell cut to `width`: a path as `path_cut` cuts it, other text keeping its start."""
    return path_cut(text, width) if "/" in text or "\\" in text else end_cut(text, width)


def table(
    rows: Sequence[Sequence[str]],
    headers: Sequence[str],
    out: TextIO = sys.stdout,
    flexible: int = 0,
    whole: Sequence[int] = (),
    optional: Sequence[int] = (),
) -> None:
    """A plain-text table. A terminal gets aligned rows that fit its width: columns with
    nothing in them are left out, then the `optional` ones (in that order) while the rest
    would not fit whole; the `whole` columns (genres) keep their width, and the others
    share the rest, keeping the start of what they cut. A pipe gets every column and every
    cell whole, tab-separated (as `classify` prints them: cut -f, awk -F'\t')."""
    cells = [[str(c) for c in row] for row in rows]
    budget = terminal_width(out)
    if budget is None:
        out.write("\t".join(headers) + "\n")
        for r in cells:
            out.write("\t".join(r) + "\n")
        out.flush()
        return
    keep = [i for i in range(len(headers)) if i == flexible or any(r[i] for r in cells)]
    natural = {i: max([len(headers[i])] + [len(r[i]) for r in cells]) for i in keep}
    for i in optional:
        if sum(natural[k] for k in keep) + 2 * (len(keep) - 1) <= budget:
            break
        if i in keep and i != flexible:
            keep.remove(i)
    headers = [headers[i] for i in keep]
    cells = [[r[i] for i in keep] for r in cells]
    widths = fit_widths(
        [natural[i] for i in keep],
        budget,
        keep.index(flexible),
        [keep.index(i) for i in whole if i in keep],
    )
    line = [end_cut(h, w).ljust(w) for h, w in zip(headers, widths, strict=True)]
    out.write("  ".join(line).rstrip() + "\n")
    for r in cells:
        line = [_cut(c, w).ljust(w) for c, w in zip(r, widths, strict=True)]
        out.write("  ".join(line).rstrip() + "\n")
    out.flush()


def display_path(path: str, args_paths: Sequence[str]) -> str:
    """A path as the person typed its folder: relative to the folder argument it is under
    (the folder's own name first), else as it is."""
    import os

    for a in args_paths:
        root = os.path.abspath(a)
        if os.path.isdir(root) and path.startswith(root.rstrip(os.sep) + os.sep):
            return os.path.join(
                os.path.basename(root.rstrip(os.sep)) or root, os.path.relpath(path, root)
            )
    return path


def interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def confirm(question: str, yes: bool, what: str) -> bool | None:
    """--yes: go ahead. A terminal: ask (default no). No terminal and no --yes: refuse and
    say how (None)."""
    if yes:
        return True
    if not interactive():
        print(
            f"genre-desktop: not {what} without confirmation: add --yes to go ahead "
            "(or --dry-run to see the plan)",
            file=sys.stderr,
        )
        return None
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


class ProgressBar:
    """Count, rate and time left on a terminal (stderr); nothing elsewhere."""

    def __init__(self, total: int, label: str = "Analysing", enabled: bool = True) -> None:
        self.enabled = enabled and total > 0 and _stderr_tty()
        self._n = 0
        self._start = time.perf_counter()
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._p = Progress(
            TextColumn(label), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True,
            console=Console(stderr=True), redirect_stdout=False, redirect_stderr=False,
        )  # fmt: skip
        self._p.start()
        self._t = self._p.add_task("", total=total, rate="")

    def print(self, text: str, err: bool = False) -> None:
        """A line as it is done, above the bar on a terminal; a pipe gets it plainly."""
        on_terminal = err or _isatty(sys.stdout)
        if self.enabled and on_terminal:
            self._p.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            print(text, file=sys.stderr if err else sys.stdout, flush=True)

    def advance(self) -> None:
        self._n += 1
        if self.enabled:
            rate = self._n / max(1e-6, time.perf_counter() - self._start)
            self._p.update(self._t, advance=1, rate=f"{rate:.1f} tracks/s")

    def close(self) -> None:
        if self.enabled:
            self._p.stop()


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _stderr_tty() -> bool:
    return _isatty(sys.stderr)
