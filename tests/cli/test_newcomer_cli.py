"""A newcomer's commands (issue 31): missing paths are usage errors, failed writes are not
offered for undo, dry runs name what failed, and rows read at 80 columns in a real pty."""

from __future__ import annotations

import pytest

from tests.cli.test_retag import cli


@pytest.mark.parametrize(
    "command",
    [
        ["tags"],
        ["tags", "--set-genre", "Jazz", "--yes"],
        ["classify"],
        ["retag", "--dry-run"],
        ["learn"],
        ["similar"],
    ],
)
def test_a_path_that_does_not_exist_is_a_usage_error_for_every_command(command, tmp_path):
    missing = str(tmp_path / "nowhere" / "song.mp3")
    proc = cli(*command, missing)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert f"no such file or folder: {missing}" in proc.stderr
    # an option's value before the path is not mistaken for it
    proc = cli(command[0], "--data-dir", str(tmp_path / "data"), *command[1:], missing)
    assert proc.returncode == 2 and f"no such file or folder: {missing}" in proc.stderr


def run_in_pty(
    *args: str,
    cols: int = 80,
    answer: str | None = None,
    wait_before_answer: float = 0.0,
    stderr_tty: bool = True,
) -> tuple[str, int, float]:
    """`genre-desktop ARGS` in a real pseudo-terminal `cols` wide (stdin, stdout and stderr
    all on it; stderr elsewhere unless `stderr_tty`: no progress bar). `answer` is typed once a '[y/N]' question shows, after `wait_before_answer`
    seconds. Returns (everything it printed, exit code, seconds the question waited)."""
    import fcntl
    import os
    import pty
    import select
    import struct
    import subprocess
    import sys
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
    env = dict(os.environ, COLUMNS=str(cols), LINES="40", TERM="xterm")
    proc = subprocess.Popen(
        [sys.executable, "-m", "genre_desktop", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave if stderr_tty else subprocess.DEVNULL,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    out = b""
    waited = 0.0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
            if answer is not None and b"[y/N]" in out:
                time.sleep(wait_before_answer)
                waited = wait_before_answer
                os.write(master, answer.encode() + b"\n")
                answer = None
        elif proc.poll() is not None:
            break
    rc = proc.wait(timeout=60)
    os.close(master)
    text = out.decode("utf-8", "replace").replace("\r\n", "\n")
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)  # the progress bar's escapes
    return text, rc, waited


def test_a_failed_write_is_not_offered_for_undo(music_library):
    path = music_library["flac"]
    path.chmod(0o444)
    try:
        proc = cli("tags", str(path), "--set-genre", "Pop")
    finally:
        path.chmod(0o644)
    assert "read-only" in proc.stderr and proc.returncode == 1
    assert "undo" not in proc.stderr  # nothing was written: nothing to undo
    assert "Nothing to undo" in cli("undo", "--yes").stderr + cli("undo", "--yes").stdout
    # a write that happened is offered
    proc = cli("tags", str(path), "--set-genre", "Pop")
    assert "undo with `genre-desktop undo" in proc.stderr


def test_retag_dry_run_names_the_file_it_could_not_read_and_time_leaves_out_the_question(
    tmp_path, model_available
):
    from tests import audiofactory

    if not model_available:
        pytest.skip("models/genre_cnn.tflite not built (make train)")
    folder = tmp_path / "music"
    folder.mkdir()
    for i in range(2):
        audiofactory.write(folder / f"song {i}.flac", "flac", seconds=3, seed=i)
    (folder / "broken.mp3").write_bytes(b"")
    proc = cli("retag", str(folder), "--dry-run", "--min-confidence", "0")
    assert "broken.mp3" in proc.stderr, proc.stderr
    text, rc, waited = run_in_pty(
        "retag", str(folder), "--min-confidence", "0", answer="y", wait_before_answer=4.0
    )
    assert rc == 0 and waited == 4.0 and "broken.mp3" in text, text
    took = float(text.split("Time: ")[1].split(" s")[0])
    start = cli("retag", str(folder), "--dry-run", "--min-confidence", "0", "--json").stdout
    assert took < 4.0, (took, text, start[-300:])


def test_retag_fills_in_a_file_whose_genre_is_other(tmp_path, model_available):
    from tests import audiofactory

    if not model_available:
        pytest.skip("models/genre_cnn.tflite not built (make train)")
    f = audiofactory.write(tmp_path / "a.flac", "flac", seconds=3, tags={"genre": "Other"})
    g = audiofactory.write(tmp_path / "b.flac", "flac", seconds=3, seed=2, tags={"genre": "Rock"})
    import json

    recs = {
        r["path"]: r
        for r in map(
            json.loads,
            cli(
                "retag", str(tmp_path), "--dry-run", "--json", "--min-confidence", "0"
            ).stdout.splitlines(),
        )
        if "path" in r
    }
    assert recs[str(f)]["status"] == "would-write", recs[str(f)]
    assert recs[str(g)]["status"] == "has-genre"


@pytest.fixture
def owners_folder(tmp_path):
    """Long file names, the owner's long genre words, an untagged file."""
    from tests import audiofactory

    folder = tmp_path / "Music"
    folder.mkdir()
    items = [
        (
            "01 - Ariana Grande - Thank U, Next (Official Audio).flac",
            {"title": "Thank U, Next", "artist": "Ariana Grande", "genre": "Singer-Songwriter"},
        ),
        (
            "02 - Metallica - Enter Sandman (Remastered).flac",
            {"title": "Enter Sandman", "artist": "Metallica", "genre": "Heavy Metal"},
        ),
        ("01 - Alan Jackson - Don't Rock The Jukebox (Remastered 2005).flac", None),
    ]
    for i, (name, tags) in enumerate(items):
        audiofactory.write(folder / name, "flac", seconds=3, seed=i, tags=tags)
    return folder


def test_tags_reads_at_80_columns_and_pipes_tab_separated_rows(owners_folder):
    text, rc, _ = run_in_pty("tags", str(owners_folder), stderr_tty=False)
    lines = [x for x in text.splitlines() if x.strip()]
    assert rc == 0 and len(lines) == 4, text
    assert all(len(x) <= 80 for x in lines), text
    # whole genre words and names; the start of a file name, where its title is
    assert any("Singer-Songwriter" in x and "Ariana Grande" in x for x in lines), text
    assert any("Heavy Metal" in x and "Metallica" in x for x in lines), text
    assert any(x.startswith("01 - Alan Jackson - Don't Rock") for x in lines), text
    assert any(x.startswith("02 - Metallica - Enter") for x in lines), text
    piped = cli("tags", str(owners_folder)).stdout.splitlines()
    assert piped[0].split("\t") == [
        "file", "format", "length", "title", "artist", "album", "genre"
    ]  # fmt: skip
    rows = [x.split("\t") for x in piped[1:]]
    assert all(len(r) == 7 for r in rows) and ["Thank U, Next", "Ariana Grande"] in [
        r[3:5] for r in rows
    ]


def test_retag_plan_and_history_fit_80_columns_without_cutting_words(
    owners_folder, model_available
):
    if not model_available:
        pytest.skip("models/genre_cnn.tflite not built (make train)")
    deep = owners_folder / "A Rather Long Artist Folder Name" / "An Even Longer Album Folder Name"
    deep.mkdir(parents=True)
    (owners_folder / "01 - Alan Jackson - Don't Rock The Jukebox (Remastered 2005).flac").rename(
        deep / "01 - Alan Jackson - Don't Rock The Jukebox (Remastered 2005).flac"
    )
    text, rc, _ = run_in_pty(
        "retag", str(owners_folder), "--min-confidence", "0", "--overwrite", answer="y"
    )
    plan = [x for x in text.splitlines() if " -> " in x]
    assert rc == 0 and plan, text
    assert all(len(x) <= 80 for x in plan), plan
    assert any(x.strip().startswith("01 - Alan Jackson - Don't Rock") for x in plan), plan
    assert all(": (none) -> " in x or ": Singer-Songwriter -> " in x or ": Heavy Metal -> " in x
               for x in plan), plan  # fmt: skip
    dry, rc, _ = run_in_pty("retag", str(owners_folder), "--dry-run", stderr_tty=False)
    assert all(len(x) <= 80 for x in dry.splitlines()), dry
    history, rc, _ = run_in_pty("history")
    assert rc == 0 and all(len(x) <= 80 for x in history.splitlines()), history


def test_classify_and_the_learn_report_keep_the_owners_words_whole_at_80_columns(
    tmp_path, model_available
):
    from tests.learnfactory import WORDS, make_half_tagged

    if not model_available:
        pytest.skip("models/genre_cnn.tflite not built (make train)")
    lib = make_half_tagged(tmp_path / "lib")
    report, rc, _ = run_in_pty("learn", str(lib), stderr_tty=False)
    assert rc == 0 and "Used from now on" in report, report
    lines = report.splitlines()
    assert all(len(x) <= 80 for x in lines)
    assert not any(x.rstrip().endswith(("Bleep", "Slow", "-")) for x in lines), report
    text, rc, _ = run_in_pty("classify", str(lib), stderr_tty=False)
    rows = [x for x in text.splitlines() if x.startswith(("track", "…/", "lib/"))]
    assert rc == 0 and len(rows) == 18, text
    assert all(len(x) <= 80 for x in rows)
    # the genre column: the owner's words whole (not 'Blee…echno')
    assert all(any(f"  {w}  " in x for w in WORDS) for x in rows), text


def test_the_app_takes_data_dir_before_its_folders(tmp_path):
    """`genre-desktop --data-dir DIR FOLDER` starts the app with its library in DIR (the
    option's value is not read as a folder to add, nor as a misspelt command)."""
    import os
    import subprocess
    import sys

    music = tmp_path / "music"
    music.mkdir()
    data = tmp_path / "elsewhere" / "lib"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "GENRE_DESKTOP_EXIT_AFTER_SHOW": "1",
    }
    env.pop("GENRE_DESKTOP_DATA_DIR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "genre_desktop", "--data-dir", str(data), str(music)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "window shown" in proc.stdout
    assert (data / "library.sqlite3").exists()
