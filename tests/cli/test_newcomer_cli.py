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
    *args: str, cols: int = 80, answer: str | None = None, wait_before_answer: float = 0.0
) -> tuple[str, int, float]:
    """`genre-desktop ARGS` in a real pseudo-terminal `cols` wide (stdin, stdout and stderr
    all on it). `answer` is typed once a '[y/N]' question shows, after `wait_before_answer`
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
        stderr=slave,
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
