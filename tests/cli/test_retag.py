"""`genre-desktop retag`: dry run, policy, journal, undo, interruptions, kills, two at once."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from genre_desktop.core import audio, tags
from genre_desktop.core.records import WriteRequest
from tests import audiofactory

pytestmark = pytest.mark.usefixtures("needs_model")


@pytest.fixture
def needs_model(model_available):
    if not model_available:
        pytest.skip("models/genre_cnn.tflite not built (make train)")


def cli(*args, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "genre_desktop", *args], capture_output=True, text=True, **kw
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def retag_cmd(folder) -> list[str]:
    """A one-job retag that writes every prediction (the runs these tests interrupt)."""
    return [
        sys.executable,
        "-m",
        "genre_desktop",
        "retag",
        str(folder),
        "--yes",
        "--min-confidence",
        "0",
        "--jobs",
        "1",
    ]


def jsonl(proc) -> list[dict]:
    return [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]


def digest_tree(folder) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="module")
def _mixed_master(tmp_path_factory):
    """56 files without a genre, of all eight variants, 6 s each."""
    folder = tmp_path_factory.mktemp("mixed")
    variants = list(audiofactory.VARIANTS)
    for i in range(56):
        v = variants[i % len(variants)]
        audiofactory.write(
            folder / f"track{i:02d}_{v.replace('-', '_')}",
            v,
            seconds=2.0,
            seed=100 + i,
            tags={"title": f"Track {i}", "artist": f"Band {i % 5}"},
        )
    return folder


@pytest.fixture
def mixed(tmp_path, _mixed_master):
    dst = tmp_path / "collection"
    shutil.copytree(_mixed_master, dst)
    return dst


def test_dry_run_changes_no_byte_and_lists_the_plan(mixed, music_library):
    shutil.copy(music_library["flac"], mixed / "has_genre.flac")
    before = digest_tree(mixed)
    proc = cli("retag", str(mixed), "--dry-run", "--min-confidence", "0")
    assert proc.returncode == 0
    plan = [line for line in proc.stdout.splitlines() if " -> " in line]
    assert len(plan) == 56
    assert all(
        line.split(": ", 1)[1].startswith("(none) -> ") and line.endswith("%)") for line in plan
    )
    assert "Already had a genre: 1" in proc.stderr
    assert digest_tree(mixed) == before


def test_retag_writes_missing_genres_keeps_existing_and_undo_restores(mixed, music_library):
    shutil.copy(music_library["flac"], mixed / "has_genre.flac")
    before_audio = {p: audio.payload_digest(p) for p in mixed.iterdir()}
    proc = cli("retag", str(mixed), "--json", "--yes", "--min-confidence", "0", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    recs = jsonl(proc)
    summary = recs[-1]
    assert (
        summary["summary"]
        and summary["written"] == 56
        and summary["had_genre"] == 1
        and summary["failed"] == 0
    )
    for r in recs[:-1]:
        if r["status"] == "written":
            assert tags.read(r["path"]).genres == r["new"]
    assert tags.read(mixed / "has_genre.flac").genres == ["Old Genre"]
    assert {p: audio.payload_digest(p) for p in mixed.iterdir()} == before_audio
    # second run: nothing left to do, from the cache
    again = jsonl(cli("retag", str(mixed), "--json", "--yes", "--min-confidence", "0"))[-1]
    assert again["written"] == 0 and again["had_genre"] == 57
    history = jsonl(cli("history", "--json"))
    assert history[-1]["kind"] == "retag" and history[-1]["counts"]["written"] == 56
    assert cli("undo", "--yes").returncode == 0
    assert all(tags.read(p).genres == [] for p in mixed.iterdir() if p.name != "has_genre.flac")


def test_threshold_from_the_config_file(mixed, private_dirs):
    cfg = private_dirs / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("min_confidence = 1.0\n")
    summary = jsonl(cli("retag", str(mixed), "--json", "--yes"))[-1]
    assert summary["written"] == 0 and summary["below_threshold"] == 56
    shown = json.loads(cli("config", "--json").stdout)
    assert shown["settings"]["min_confidence"] == 1.0 and shown["config_file_exists"]
    # the command line overrides the file
    assert (
        jsonl(cli("retag", str(mixed), "--json", "--yes", "--min-confidence", "0"))[-1]["written"]
        == 56
    )


def test_hostile_files_are_reported_and_the_rest_tagged(mixed, tmp_path):
    audiofactory.make_hostile(mixed / "hostile", good=next(mixed.glob("*.ogg")))
    proc = cli("retag", str(mixed), "--json", "--yes", "--min-confidence", "0")
    summary = jsonl(proc)[-1]
    assert proc.returncode == 0
    assert summary["written"] >= 56 and summary["failed"] >= 5
    failed = {
        os.path.basename(r["path"]): r["error"] for r in jsonl(proc)[:-1] if r["status"] == "failed"
    }
    for name in ("zero.mp3", "random.flac", "notes.m4a", "id3only.mp3"):
        assert failed.get(name), (name, failed)


def test_two_retags_at_once_one_writes_the_other_overwrites_nothing(mixed):
    """Both plan without the lock; whichever takes it first writes. The other waits, then
    either says the library is busy (exit 3) or finds every file changed since it read it
    and reports them instead of overwriting (exit 1: nothing of its own written)."""
    env = os.environ.copy()
    first = subprocess.Popen(
        retag_cmd(mixed),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.5)
    second = cli("retag", str(mixed), "--yes", "--min-confidence", "0")
    out, err = first.communicate(timeout=300)
    runs = {first.returncode: (out, err), second.returncode: (second.stdout, second.stderr)}
    assert 0 in runs and len(runs) == 2 or set(runs) == {0}, runs
    if 3 in runs:
        assert "another genre-desktop is writing" in runs[3][1]
    elif 1 in runs:  # planned before the other wrote, then found every file changed
        lines = runs[1][0].splitlines()
        assert sum("genre changed since it was read" in line for line in lines) == 56, runs[1]
    assert all(len(tags.read(p).genres) == 1 for p in mixed.iterdir())


def retag_writing(folder) -> subprocess.Popen:
    """A retag started and seen writing its first file: its batch is surely mid-way (a fixed
    sleep let a fast machine finish all 56 files first)."""
    proc = subprocess.Popen(
        retag_cmd(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert ": written" in first, first
    return proc


@pytest.mark.skipif(
    sys.platform == "win32",
    reason="Windows delivers Ctrl-C only to a console process group (CTRL_C_EVENT), not as a "
    "signal to one child; the Linux and macOS runners cover the interrupt",
)
def test_ctrl_c_finishes_the_file_prints_the_summary_and_resumes(mixed):
    proc = retag_writing(mixed)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    written = 1 + sum(": written" in line for line in out.splitlines())
    assert written < 56, "the interrupt did not stop the batch"
    assert "interrupted" in err and "Written:" in err
    resumed = jsonl(cli("retag", str(mixed), "--json", "--yes", "--min-confidence", "0"))[-1]
    assert resumed["failed"] == 0
    assert all(len(tags.read(p).genres) == 1 for p in mixed.iterdir())


@pytest.mark.slow
def test_killed_twenty_times_and_resumed_every_file_intact_then_undone(mixed):
    # 280 files: enough work for 20 kills mid-batch (168 were, until the int8 model made the
    # analysis 2.5x faster and runs finished before the 20th kill)
    for p in sorted(mixed.iterdir()):
        for n in (1, 2, 3, 4):
            shutil.copy(p, p.with_name(f"copy{n}_" + p.name))
    paths = sorted(p for p in mixed.iterdir())
    audio_before = {p: audio.decode_native(p)[0] for p in paths}
    rng = np.random.default_rng(2024)
    cmd = retag_cmd(mixed)
    kills = 0
    for _ in range(60):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(float(rng.uniform(0.3, 1.2)))
        killed = proc.poll() is None
        if killed:
            proc.kill()  # portable: SIGKILL on POSIX, TerminateProcess on Windows
            kills += 1
        _, err = proc.communicate()
        assert proc.returncode == 0 or killed, err
        for p in paths:  # after every kill: old genre or new, never damaged
            assert len(tags.read(p).genres) <= 1
        if kills >= 20:
            break
    assert kills >= 20
    final = cli(*cmd[3:])
    assert final.returncode == 0, final.stderr
    for p in paths:
        assert len(tags.read(p).genres) == 1
        np.testing.assert_array_equal(audio.decode_native(p)[0], audio_before[p])
    history = jsonl(cli("history", "--json"))
    retags = [b for b in history if b["kind"] == "retag"]
    assert len(retags) == 1 and retags[0]["counts"]["written"] == len(paths)  # one batch, resumed
    assert cli("undo", "--yes").returncode == 0
    for p in paths:
        assert tags.read(p).genres == []
        np.testing.assert_array_equal(audio.decode_native(p)[0], audio_before[p])


def _in_terminal(
    args: list[str], answer: str, timeout: float = 240, at_question=None
) -> tuple[int, str]:
    """Run a command on a pseudo-terminal (as in a terminal window), answer its question
    (after calling `at_question()`, what another program does while the person reads)."""
    import pty
    import select

    main_fd, sub_fd = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "genre_desktop", *args],
        stdin=sub_fd,
        stdout=sub_fd,
        stderr=sub_fd,
        env={**os.environ, "COLUMNS": "80"},
        close_fds=True,
    )
    os.close(sub_fd)
    seen = b""
    answered = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main_fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if not answered and b"[y/N]" in seen:
                if at_question is not None:
                    at_question()
                os.write(main_fd, answer.encode() + b"\n")
                answered = True
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(main_fd)
    return proc.returncode, seen.decode("utf-8", "replace")


def test_retag_on_a_terminal_shows_the_plan_and_asks_before_writing(mixed):
    before = digest_tree(mixed)
    rc, screen = _in_terminal(["retag", str(mixed), "--min-confidence", "0"], "n")
    assert (
        rc == 0
        and "Would write 56 file(s)" in screen
        and "Write the genre into 56 file(s)?" in screen
    )
    assert "Nothing written." in screen
    assert digest_tree(mixed) == before  # "no" wrote nothing
    rc, screen = _in_terminal(["retag", str(mixed), "--min-confidence", "0"], "y")
    assert rc == 0 and "Written: 56" in screen
    assert all(len(tags.read(p).genres) == 1 for p in mixed.iterdir())
    assert "XNNPACK" not in screen  # no runtime noise on the terminal


def test_retag_without_a_terminal_or_yes_refuses_and_says_how(mixed):
    before = digest_tree(mixed)
    proc = cli("retag", str(mixed), "--min-confidence", "0")
    assert proc.returncode == 2 and "add --yes" in proc.stderr
    assert digest_tree(mixed) == before


def test_classify_streams_rows_as_files_are_done(mixed):
    proc = subprocess.Popen(
        [sys.executable, "-m", "genre_desktop", "classify", str(mixed), "--json", "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    first = json.loads(proc.stdout.readline())
    still_running = proc.poll() is None
    rest, err = proc.communicate(timeout=300)
    assert first["genre"] and still_running, "the first row came only at the end"
    assert len(rest.splitlines()) == 55
    assert "XNNPACK" not in err and "INFO" not in err


def _library():
    from genre_desktop import config
    from genre_desktop.core.library import Library, default_path

    return Library(default_path(config.data_dir()))


def test_the_apps_apply_while_a_retag_runs_waits_or_refuses_and_damages_nothing(mixed):
    from genre_desktop.errors import BusyError
    from genre_desktop.ui import tasks

    before = {p: audio.payload_digest(p) for p in mixed.iterdir()}
    proc = retag_writing(mixed)
    files = sorted(mixed.iterdir())[:5]
    job = tasks.apply_changes(
        [WriteRequest(0, str(p), [], ["Jazz"], None, 1.0, False, True) for p in files], 4
    )
    library = _library()
    try:
        outcome = job(library)
    except BusyError as exc:
        outcome = exc
    proc.communicate(timeout=300)
    assert proc.returncode == 0
    batches = library.batches()
    if isinstance(outcome, BusyError):  # the usual case: the retag still held the lock
        assert "another genre-desktop is writing" in outcome.reason
        assert [b.kind for b in batches] == ["retag"]
    # every file journalled once by the retag, read back whole, audio untouched
    written = [c.path for b in batches if b.kind == "retag" for c in library.changes(b.id)]
    assert sorted(written) == sorted(set(written)) and len(written) == 56
    assert {p: audio.payload_digest(p) for p in mixed.iterdir()} == before
    library.close()


def test_a_retag_while_the_app_writes_refuses_with_the_same_message(mixed):
    from genre_desktop.core.records import BatchKind
    from genre_desktop.core.session import WriteSession

    library = _library()
    with WriteSession(library, BatchKind.APP):  # the app's Apply holds the lock
        proc = cli("retag", str(mixed), "--yes", "--min-confidence", "0")
    assert proc.returncode == 3 and "another genre-desktop is writing" in proc.stderr
    assert "waiting up to 5 s" in proc.stderr and "nothing written" in proc.stderr
    assert library.batches() == []
    assert all(tags.read(p).genres == [] for p in mixed.iterdir())
    library.close()


def test_retag_asks_without_the_lock_and_leaves_a_file_changed_meanwhile(tmp_path, music_library):
    """While retag waits for its answer, another writer may write; the file it changed is
    reported as changed by someone else, not overwritten."""
    folder = tmp_path / "three"
    folder.mkdir()
    for variant in ("flac", "mp3", "ogg"):
        shutil.copy(music_library[variant], folder / music_library[variant].name)
    first = folder / music_library["flac"].name
    meanwhile = {}

    def other_writer() -> None:
        meanwhile["proc"] = cli("tags", str(first), "--set-genre", "Funk", "--yes")

    rc, screen = _in_terminal(
        ["retag", str(folder), "--overwrite", "--min-confidence", "0"],
        "y",
        at_question=other_writer,
    )
    assert meanwhile["proc"].returncode == 0, meanwhile["proc"].stderr  # not locked out
    assert rc == 0, screen
    assert "genre changed since it was read" in screen
    assert tags.read(first).genres == ["Funk"]
    others = [p for p in folder.iterdir() if p != first]
    assert all(tags.read(p).genres not in ([], ["Old Genre"]) for p in others)
