"""`make package`: build dist/GenreDesktop/ with PyInstaller, report what takes the space,
smoke-test the bundle (--version, --self-test, an offscreen start of the window), and on
Linux add the .desktop file and icons and a tarball."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "GenreDesktop"


def bundle_exe(platform: str = sys.platform, dist: Path = DIST) -> Path:
    """The program a person starts: the .app's binary on macOS (not the one-folder build
    it is made from), the windowed exe on Windows."""
    if platform == "darwin":
        return dist / "GenreDesktop.app" / "Contents" / "MacOS" / "GenreDesktop"
    return dist / "GenreDesktop" / ("GenreDesktop.exe" if platform == "win32" else "GenreDesktop")


def cli_exe(platform: str = sys.platform, dist: Path = DIST) -> Path:
    """The program the commands run from: on Windows the console exe beside the windowed
    one (a windowed exe has no stdout for pipes and shells do not wait for it)."""
    if platform == "win32":
        return dist / "GenreDesktop" / "genre-desktop-cli.exe"
    return bundle_exe(platform, dist)


EXE = bundle_exe()
CLI_EXE = cli_exe()


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def report_sizes(top: int = 12) -> int:
    """Real bytes on disk (PyInstaller links duplicate libraries; links are not counted)."""
    internal = BUNDLE / "_internal"
    total = size_of(BUNDLE)
    print(f"bundle: {total / 1e6:.1f} MB unpacked")
    entries = sorted(
        ((size_of(p), p) for p in internal.iterdir() if not p.is_symlink()), reverse=True
    )[:top]
    for size, p in entries:
        print(f"  {size / 1e6:7.1f} MB  {p.relative_to(BUNDLE)}")
    return total


def smoke() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GENRE_DESKTOP_EXIT_AFTER_SHOW": "1"}
    for args in (["--version"], ["--self-test"], []):
        out = subprocess.run(
            [str(EXE), *args], capture_output=True, text=True, env=env, timeout=120
        )
        print(f"$ {EXE.name} {' '.join(args)}\n{out.stdout.strip()}")
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            raise SystemExit(f"bundle smoke test failed: {args}")
    if CLI_EXE != EXE:  # Windows: the console program's output reaches a pipe
        out = subprocess.run(
            [str(CLI_EXE), "--version"], capture_output=True, text=True, env=env, timeout=120
        )
        print(f"$ {CLI_EXE.name} --version\n{out.stdout.strip()}")
        if out.returncode != 0 or not out.stdout.strip():
            raise SystemExit(f"{CLI_EXE.name} --version printed nothing to a pipe: {out.stderr}")


def classify_json(
    command: list[str], folder: Path, extra: list[str] | None = None
) -> tuple[dict[str, dict], str, int]:
    """`COMMAND classify --json FOLDER` with a throw-away library: results by file name,
    stderr and the exit status (used here on the bundle, by smoke_fixtures.py on .venv)."""
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "GENRE_DESKTOP_DATA_DIR": data, "GENRE_DESKTOP_CONFIG_DIR": data}
        out = subprocess.run(
            [*command, "classify", "--json", *(extra or []), str(folder)],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return {Path(r["path"]).name: r for r in rows}, out.stderr, out.returncode


def classify_fixtures(fixtures: Path, tolerance: float = 2e-3) -> None:
    """The bundle classifies one file of every supported format (packaging/smoke_fixtures.py)
    and agrees with the development build: its audio-only FFmpeg decodes them all alike."""
    expected = json.loads((fixtures / "expected.json").read_text())
    # two worker processes: the bundle must start its spawned analysis workers
    got, stderr, returncode = classify_json([str(CLI_EXE)], fixtures / "audio", ["--jobs", "2"])
    problems = []
    for name, want in sorted(expected.items()):
        row = got.get(name)
        if row is None or "error" in row:
            problems.append(f"{name}: {row.get('error') if row else 'no result'}")
            continue
        diff = max(abs(row["probabilities"][g] - p) for g, p in want["probabilities"].items())
        status = "ok" if diff <= tolerance else "DIFFERS"
        print(
            f"  {name:16} {row['genre']:12} {row['confidence']:.3f}  max diff {diff:.1e} {status}"
        )
        if diff > tolerance:
            problems.append(
                f"{name}: probabilities differ from the development build by {diff:.3g}"
            )
    if returncode != 0 or problems:
        print(stderr, file=sys.stderr)
        raise SystemExit("bundle classify failed:\n  " + "\n  ".join(problems))
    print(f"bundle classified all {len(expected)} formats like the development build")


def linux_extras(tarball: bool) -> Path | None:
    share = BUNDLE / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "packaging" / "linux" / "genre-desktop.desktop", share / "applications")
    for size in (16, 32, 48, 64, 128, 256, 512):
        d = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        d.mkdir(parents=True, exist_ok=True)
        shutil.copy(
            ROOT / "resources" / "icons" / f"genre-desktop-{size}.png", d / "genre-desktop.png"
        )
    shutil.copy(ROOT / "packaging" / "linux" / "install.sh", BUNDLE / "install.sh")
    if not tarball:
        return None
    from genre_desktop import __version__

    path = DIST / f"GenreDesktop-{__version__}-linux-x86_64.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(BUNDLE, arcname="GenreDesktop")
    print(f"tarball: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-build", action="store_true", help="only test the existing bundle")
    ap.add_argument("--tarball", action="store_true", help="Linux: also write a .tar.gz")
    ap.add_argument("--fixtures", type=Path, help="smoke_fixtures.py output to classify")
    args = ap.parse_args()
    if not args.no_build:
        shutil.rmtree(BUNDLE, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
             "--distpath", str(DIST), "--workpath", str(ROOT / "build"), str(ROOT / "packaging" / "genre_desktop.spec")],
            check=True, cwd=ROOT,
        )  # fmt: skip
    report_sizes()
    smoke()
    if args.fixtures:
        classify_fixtures(args.fixtures)
    if sys.platform.startswith("linux"):
        linux_extras(args.tarball)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
