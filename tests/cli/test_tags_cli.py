"""`genre-desktop tags` through the installed entry point, as people and scripts use it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from genre_desktop import __version__
from genre_desktop.core import audio
from tests import audiofactory


def cli(*args: str, check: bool = False) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "genre_desktop", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def lines(proc) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_version():
    assert cli("--version", check=True).stdout.strip() == f"genre-desktop {__version__}"


def test_tags_json_set_genre_and_undo_round_trip(music_library):
    folder = str(next(iter(music_library.values())).parent)
    before = {str(p): audio.decode_native(p)[0] for p in music_library.values()}
    listed = lines(cli("tags", folder, "--json", check=True))
    assert len(listed) == 8
    assert {r["genre"] for r in listed} == {"Old Genre"}
    assert {r["format"].split()[0] for r in listed} == {
        "mp3",
        "flac",
        "ogg",
        "opus",
        "m4a",
        "wav",
        "aiff",
    }

    written = lines(cli("tags", folder, "--json", "--set-genre", "hip hop", "--yes", check=True))
    assert {r["genre"] for r in written} == {"Hip-Hop"} and all(r["changed"] for r in written)
    reread = {r["path"]: r for r in lines(cli("tags", folder, "--json", check=True))}
    for r in listed:
        after = reread[r["path"]]
        assert after["genre"] == "Hip-Hop"
        assert (after["title"], after["artist"], after["album"]) == (
            r["title"],
            r["artist"],
            r["album"],
        )
        np.testing.assert_array_equal(audio.decode_native(r["path"])[0], before[r["path"]])

    history = lines(cli("history", "--json", check=True))
    assert history[-1]["counts"]["written"] == 8
    cli("undo", "--yes", check=True)
    assert {r["genre"] for r in lines(cli("tags", folder, "--json", check=True))} == {"Old Genre"}


def test_plain_output_is_a_table(music_library):
    out = cli("tags", str(music_library["flac"]), check=True).stdout.splitlines()
    assert out[0].split()[:3] == ["file", "format", "length"]
    assert "Old Genre" in out[1] and "0:04" in out[1]


def test_hostile_folder_reports_each_file_and_goes_on(tmp_path, music_library):
    bad = tmp_path / "bad"
    audiofactory.make_hostile(bad, good=music_library["m4a-aac"])
    (bad / "good.flac").write_bytes(music_library["flac"].read_bytes())
    proc = cli("tags", str(bad), "--json", "--set-genre", "Jazz", "--yes")
    assert proc.returncode == 0  # something succeeded
    recs = lines(proc)
    errors = {os.path.basename(r["path"]): r["error"] for r in recs if "error" in r}
    ok = [r for r in recs if "error" not in r]
    assert [os.path.basename(r["path"]) for r in ok] == ["good.flac"] or "truncated.m4a" in {
        os.path.basename(r["path"]) for r in ok
    }
    for name in ("zero.mp3", "random.flac", "notes.m4a", "id3only.mp3", "dangling.ogg"):
        assert errors.get(name), (name, errors)


def test_nothing_succeeded_gives_a_non_zero_exit(tmp_path):
    bad = tmp_path / "only_bad"
    bad.mkdir()
    (bad / "a.mp3").write_bytes(b"")
    proc = cli("tags", str(bad), "--json")
    assert proc.returncode == 1
    assert lines(proc)[0]["error"] == "empty file (0 bytes)"


@pytest.mark.parametrize(
    "args", [["tags"], ["nonsense-command"], ["retag", "--min-confidence", "abc", "x"]]
)
def test_usage_errors_exit_2(args):
    assert cli(*args).returncode == 2


def test_set_genre_on_several_files_without_a_terminal_refuses_and_says_how(music_library):
    folder = str(music_library["flac"].parent)
    proc = cli("tags", folder, "--set-genre", "Jazz")
    assert proc.returncode == 2 and "add --yes" in proc.stderr
    assert {r["genre"] for r in lines(cli("tags", folder, "--json", check=True))} == {"Old Genre"}


def test_set_genre_says_what_is_written_and_dry_run_changes_nothing(music_library):
    folder = str(music_library["flac"].parent)
    proc = cli("tags", folder, "--set-genre", "hiphop; Vaporwave", "--dry-run", check=True)
    assert "'hiphop' is written as the usual spelling 'Hip-Hop'" in proc.stderr
    assert "'Vaporwave' is not one of the 11 genres" in proc.stderr
    assert "Old Genre -> Hip-Hop; Vaporwave" in proc.stdout and "Dry run" in proc.stderr
    assert {r["genre"] for r in lines(cli("tags", folder, "--json", check=True))} == {"Old Genre"}


def test_undo_restores_a_file_back_in_the_batchs_state(music_library):
    """tags --set-genre A, tags --set-genre B, undo (B), undo (A): the second undo must not
    call the files 'changed since' because their mtime moved."""
    folder = str(music_library["flac"].parent)
    cli("tags", folder, "--set-genre", "Jazz", "--yes", check=True)
    cli("tags", folder, "--set-genre", "Blues", "--yes", check=True)
    batches = lines(cli("history", "--json", check=True))
    first = batches[0]["batch"]
    cli("undo", "--yes", check=True)  # Blues -> Jazz
    assert {r["genre"] for r in lines(cli("tags", folder, "--json", check=True))} == {"Jazz"}
    proc = cli("undo", str(first), "--yes", "--json", check=True)
    summary = lines(proc)[-1]
    assert summary["restored"] == 8 and summary["not_restored"] == 0, proc.stdout
    assert {r["genre"] for r in lines(cli("tags", folder, "--json", check=True))} == {"Old Genre"}


def test_undo_without_a_terminal_refuses(music_library):
    cli("tags", str(music_library["flac"]), "--set-genre", "Jazz", check=True)
    proc = cli("undo")
    assert proc.returncode == 2 and "add --yes" in proc.stderr
    assert (
        lines(cli("tags", str(music_library["flac"]), "--json", check=True))[0]["genre"] == "Jazz"
    )


def test_a_path_that_never_existed_is_named_plainly(tmp_path):
    proc = cli("tags", str(tmp_path / "no-such-folder"))
    assert "no such file or folder" in proc.stderr and proc.returncode == 2  # usage (README)


def test_help_names_the_app_with_folders():
    out = cli("--help", check=True).stdout
    assert "genre-desktop [FOLDER_OR_FILE ...]" in out and "--yes" in out
    for command in ("history", "undo", "config"):
        help_text = cli(command, "--help", check=True).stdout
        assert "--json" in help_text and "JSON" in help_text.split("--json", 1)[1]


def test_a_missing_path_or_a_misspelt_command_is_named(tmp_path):
    proc = cli("/nonexistent/music")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "genre-desktop: no such file or folder: /nonexistent/music"
    proc = cli("clasify", str(tmp_path))
    assert proc.returncode == 2 and "did you mean 'classify'?" in proc.stderr
    proc = cli("retga")
    assert proc.returncode == 2 and "did you mean 'retag'?" in proc.stderr


@pytest.mark.parametrize("command", ["classify", "retag"])
def test_a_folder_without_audio_is_not_success(tmp_path, command, model_available):
    if not model_available:
        pytest.skip("model not built")
    (tmp_path / "notes.txt").write_text("no music here")
    proc = cli(command, str(tmp_path), *(["--yes"] if command == "retag" else []))
    assert proc.returncode == 1
    assert f"no audio files in {tmp_path}" in proc.stderr and ".mp3" in proc.stderr


def test_notes_about_a_write_come_only_after_the_write(music_library, tmp_path):
    """Refused by the lock, `tags --set-genre` says nothing was written, and no 'written as
    given' note; written, the note follows the rows."""
    from genre_desktop import config
    from genre_desktop.core.library import Library, default_path
    from genre_desktop.core.records import BatchKind
    from genre_desktop.core.session import WriteSession

    path = str(music_library["flac"])
    library = Library(default_path(config.data_dir()))
    with WriteSession(library, BatchKind.APP):
        proc = cli("tags", path, "--set-genre", "Funk", "--yes")
    library.close()
    assert proc.returncode == 3
    assert "written as given" not in proc.stderr and "nothing written" in proc.stderr
    proc = cli("tags", path, "--set-genre", "Funk", "--yes", check=True)
    assert "'Funk' is not one of the 11 genres" in proc.stderr


def test_each_command_has_its_own_usage_and_help_fits_80_columns():
    env = {**os.environ, "COLUMNS": "80"}
    for command in ("", "tags", "classify", "retag", "history", "undo", "similar", "config"):
        proc = subprocess.run(
            [sys.executable, "-m", "genre_desktop", *([command] if command else []), "--help"],
            capture_output=True,
            text=True,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        if command:
            assert lines[0].startswith(f"usage: genre-desktop {command} "), lines[0]
            assert "FOLDER_OR_FILE" not in proc.stdout
        assert all(len(line) <= 80 for line in lines), [x for x in lines if len(x) > 80]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_tables_leave_out_empty_columns_on_a_terminal_and_keep_them_in_a_pipe(monkeypatch):
    import shutil as sh

    from genre_desktop.cli.common import table

    monkeypatch.setattr(
        sh, "get_terminal_size", lambda fallback=(80, 24): os.terminal_size((80, 24))
    )
    rows = [
        ["0.995", "", "", "/home/someone/Music/downloads/led_zeppelin_immigrant_song.ogg"],
        ["0.984", "", "", "/home/someone/Music/downloads/survivor_eye_of_the_tiger.ogg"],
    ]
    out = _Terminal()
    table(rows, ["score", "title", "artist", "file"], out=out, flexible=3)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["score", "file"]
    assert all(len(line) <= 80 for line in lines)
    assert "led_zeppelin_immigrant_song.ogg" in lines[1]  # folders go first, the name stays
    piped = io.StringIO()
    table(rows, ["score", "title", "artist", "file"], out=piped, flexible=3)
    assert piped.getvalue().splitlines()[0].split() == ["score", "title", "artist", "file"]
    assert rows[0][3] in piped.getvalue()


def test_self_test_passes_and_prints_figures_that_explain_it(model_available):
    if not model_available:
        pytest.skip("model not built")
    proc = cli("--self-test", check=True)
    import re

    m = re.search(r"largest difference (\S+), allowed (\S+)\)", proc.stdout)
    assert m, proc.stdout
    worst, allowed = float(m.group(1)), float(m.group(2))
    assert worst <= allowed and m.group(1) != m.group(2)  # never '0.002 allowed 0.002'
    assert "write lock: a second process is refused" in proc.stdout  # the bundle's lock too
    assert "self-test passed" in proc.stdout


def test_set_bpm_writes_a_whole_number_dry_run_changes_nothing_and_undo_restores(
    music_library,
):
    path = str(music_library["m4a-aac"])
    other = str(music_library["mp3"])
    digest = {p: audio.payload_digest(p) for p in (path, other)}
    [dry] = lines(cli("tags", path, "--json", "--set-bpm", "127.6", "--dry-run", check=True))
    assert dry["bpm"] == 0 and dry["would_write_bpm"] == 128 and dry["changed"]
    assert lines(cli("tags", path, "--json", check=True))[0]["genre"] == "Old Genre"
    [rec] = lines(cli("tags", path, "--json", "--set-bpm", "127.6", check=True))
    assert (rec["bpm"], rec["old_bpm"], rec["changed"]) == (128, 0, True)
    assert rec["genres"] == ["Old Genre"]  # only the BPM changed
    both = lines(cli("tags", other, "--json", "--set-bpm", "90", "--set-genre", "Jazz", check=True))
    assert (both[0]["bpm"], both[0]["genres"]) == (90, ["Jazz"])
    assert {p: audio.payload_digest(p) for p in (path, other)} == digest
    undone = lines(cli("undo", "--yes", "--json", check=True))
    assert {(r["field"], r["status"]) for r in undone[:-1]} == {
        ("bpm", "restored"),
        ("genres", "restored"),
    }
    after = lines(cli("tags", other, "--json", "--set-bpm", "0", "--dry-run", check=True))
    assert after[0]["bpm"] == 0 and after[0]["genres"] == ["Old Genre"]
    assert lines(cli("tags", path, "--json", "--set-bpm", "0", "--dry-run"))[0]["bpm"] == 128
    bad = cli("tags", path, "--set-bpm", "fast")
    assert bad.returncode == 2 and "not a number: 'fast'" in bad.stderr
