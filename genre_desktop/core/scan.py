"""Walk folders into the library: audio recognised by content as well as extension,
symlinks followed without looping, unchanged files skipped by (size, mtime_ns), removed and
renamed files noticed. Progress and cancellation through a small callback object."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from genre_desktop.core import audio, fields, pathkey, tags
from genre_desktop.core.library import Library
from genre_desktop.core.records import Track
from genre_desktop.errors import GenreDesktopError

# Never sniffed: common companions of music files
SKIP_EXTENSIONS = {
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".txt", ".nfo", ".cue", ".log", ".m3u",
    ".m3u8", ".pls", ".pdf", ".db", ".ini", ".sfv", ".md5", ".json", ".xml", ".html", ".lrc",
    ".accurip", ".ds_store", ".py", ".zip", ".rar", ".7z", ".exe", ".dll", ".so", ".mkv", ".avi",
}  # fmt: skip


class Cancelled(Exception):
    """The person pressed Cancel (or Ctrl-C)."""


@dataclass
class Progress:
    """Callbacks from long work. `cancelled()` is polled between files."""

    on_progress: Callable[[int, int, str], None] | None = None  # done, total, current path
    is_cancelled: Callable[[], bool] | None = None

    def report(self, done: int, total: int, path: str = "") -> None:
        if self.on_progress:
            self.on_progress(done, total, path)

    def check(self) -> None:
        if self.is_cancelled and self.is_cancelled():
            raise Cancelled()


@dataclass
class ScanResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    cancelled: bool = False

    @property
    def seen(self) -> int:
        return len(self.added) + len(self.updated) + self.unchanged


def _is_candidate(path: str) -> bool:
    name = os.path.basename(path)
    if name.startswith("._") or name.endswith(tags.TMP_SUFFIX):
        return False
    ext = os.path.splitext(name)[1].lower()
    if ext in audio.EXTENSIONS:
        return True
    if ext in SKIP_EXTENSIONS:
        return False
    try:  # no audio extension: look at the content
        return audio.sniff_file(path) is not None
    except OSError:
        return False


def walk(
    paths: Iterable[str | os.PathLike[str]], errors: list[tuple[str, str]] | None = None
) -> Iterator[str]:
    """Audio candidates under the given files/folders, each once; symlinked folders are
    followed, but a folder already visited (by device and inode) is not entered again."""
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()  # by key: one file, however spelled (core.pathkey)
    errors = errors if errors is not None else []

    def visit_file(p: str) -> Iterator[str]:
        k = pathkey.key(p)
        if k not in seen_files and _is_candidate(p):
            seen_files.add(k)
            yield p

    for start in paths:
        start = os.path.abspath(os.fspath(start))
        try:
            st = os.stat(start)
        except FileNotFoundError:
            reason = (
                "symbolic link to something that no longer exists"
                if os.path.islink(start)
                else "no such file or folder"
            )
            errors.append((start, reason))
            continue
        except OSError as exc:
            errors.append((start, f"cannot read: {exc.strerror or exc}"))
            continue
        if not stat.S_ISDIR(st.st_mode):
            yield from visit_file(start)
            continue
        stack = [start]
        while stack:
            folder = stack.pop()
            try:
                fst = os.stat(folder)
            except OSError as exc:
                errors.append((folder, f"cannot read folder: {exc.strerror or exc}"))
                continue
            key = (fst.st_dev, fst.st_ino)
            if key in seen_dirs:
                continue  # a symlink loop or a second link to the same folder
            seen_dirs.add(key)
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                errors.append((folder, f"cannot list folder: {exc.strerror or exc}"))
                continue
            subdirs = []
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=True):
                        subdirs.append(entry.path)
                    elif entry.is_file(follow_symlinks=True):
                        yield from visit_file(entry.path)
                    elif entry.is_symlink():
                        errors.append((entry.path, "dangling symbolic link"))
                except OSError as exc:
                    errors.append((entry.path, f"cannot read: {exc.strerror or exc}"))
            stack.extend(reversed(subdirs))


def read_track(path: str) -> Track:
    """Stat and tags of one file; a file we cannot read becomes a Track with `error` set."""
    st = os.stat(path)
    try:
        t = tags.read(path)
    except GenreDesktopError as exc:
        return Track(
            0,
            path,
            st.st_size,
            st.st_mtime_ns,
            format=Path(path).suffix.lstrip(".").lower(),
            error=exc.reason,
        )
    # every tag field (core.fields) is copied: an attribute of Track, or one of its extra
    own, extra = fields.split(fields.values(t), set(Track.__dataclass_fields__))
    return Track(
        0,
        path,
        st.st_size,
        st.st_mtime_ns,
        format=t.format,
        codec=t.codec,
        duration=t.duration,
        sample_rate=t.sample_rate,
        channels=t.channels,
        extra=extra,
        **own,
    )


def scan(
    library: Library,
    paths: Iterable[str | os.PathLike[str]],
    progress: Progress | None = None,
    batch: int = 200,
    remember: bool = True,
) -> ScanResult:
    """Bring the library in step with the folders/files in `paths` (remembered as the
    library's folders unless `remember` is False)."""
    progress = progress or Progress()
    roots = [_as_known(library, os.path.abspath(os.fspath(p))) for p in paths]
    for r in roots:
        if remember and os.path.isdir(r):
            library.add_root(r)
    result = ScanResult()
    known = library.known_stats(roots)
    # by key: a file whose path is spelled differently now (a case-only rename, NFC/NFD,
    # a mapped drive for its UNC path) is the row we have, never a second one
    known_by_key = {pathkey.key(p): p for p in known}
    files = []
    for i, f in enumerate(walk(roots, result.errors)):
        files.append(f)
        if i % 500 == 0:
            progress.check()
    total = len(files)
    pending: list[Track] = []
    new_tracks: list[Track] = []
    try:
        for done, path in enumerate(files, 1):
            if done % 50 == 0 or done == total:
                progress.report(done, total, path)
            progress.check()
            try:
                st = os.stat(path)
            except OSError as exc:
                result.errors.append((path, f"vanished or unreadable: {exc.strerror or exc}"))
                continue
            was = known_by_key.get(pathkey.key(path), path)
            old = known.get(was)
            if old is not None and was != path:
                library.move_track(old[2], path)  # keeps the path as the file system spells it
                result.renamed.append((was, path))
            if old is not None and (old[0], old[1]) == (st.st_size, st.st_mtime_ns):
                result.unchanged += 1
                continue
            try:
                track = read_track(path)
            except OSError as exc:
                result.errors.append((path, f"vanished or unreadable: {exc.strerror or exc}"))
                continue
            if track.error:
                result.errors.append((path, track.error))
            if old is None:
                new_tracks.append(track)
            else:
                result.updated.append(path)
                pending.append(track)
            if len(pending) >= batch:
                library.add_tracks(pending)
                pending.clear()
    except Cancelled:
        result.cancelled = True
    finally:
        library.add_tracks(pending)

    if result.cancelled:
        library.add_tracks(new_tracks)
        result.added = [t.path for t in new_tracks]
        return result

    # removed files, and renames: a new path with the same size and mtime as a vanished one
    present = {pathkey.key(f) for f in files}
    gone = {
        p: v for p, v in known.items() if pathkey.key(p) not in present and not os.path.exists(p)
    }
    by_sig = {(v[0], v[1]): (p, v[2]) for p, v in gone.items()}
    still_new = []
    for t in new_tracks:
        match = by_sig.pop((t.size, t.mtime_ns), None)
        if match is not None:
            old_path, track_id = match
            library.move_track(track_id, t.path)
            library.add_tracks([t])  # refresh tags under the new path, same id
            result.renamed.append((old_path, t.path))
            gone.pop(old_path, None)
        else:
            still_new.append(t)
    library.add_tracks(still_new)
    result.added = [t.path for t in still_new]
    library.remove_tracks(v[2] for v in gone.values())
    result.removed = sorted(gone)
    return result


def _as_known(library: Library, root: str) -> str:
    """A folder spelled as the library already knows it (c:\\music -> C:\\Music), so the
    paths under it keep one spelling."""
    k = pathkey.key(root)
    return next((r for r in library.roots() if pathkey.key(r) == k), root)
