"""Settings declared once, with their types and defaults, and the platform folders.

The config file is TOML in the user config directory; the command line overrides it.
`GENRE_DESKTOP_DATA_DIR` and `GENRE_DESKTOP_CONFIG_DIR` relocate the folders (tests,
portable installs).
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from genre_desktop import APP_ID
from genre_desktop.errors import GenreDesktopError

POLICIES = ("keep", "overwrite")  # core.policy.Policy's values (config imports no core)
PER = ("album", "track")  # core.albums.Per's values
POOLINGS = ("mean", "log-mean")
BPM_MODES = ("off", "keep", "overwrite")  # write no BPM; only where a file has none; any


class ConfigError(GenreDesktopError):
    """The config file has a value of the wrong type or outside its range."""


@dataclass(frozen=True)
class Settings:
    """Everything a person can set. Defaults live here and nowhere else."""

    policy: str = "keep"  # keep an existing genre, or overwrite it
    # write only genres at least this confident: the model card's measured threshold (out of
    # fold, 95% of the genres written at or above it were right); a test holds the two equal
    min_confidence: float = 0.91
    id3_version: int = 4  # 4 = ID3v2.4 (multi-value), 3 = ID3v2.3 for old players
    jobs: int = 0  # analysis workers; 0 = one per core
    preview_seconds: float = 20.0
    volume: float = 0.8
    per: str = "album"  # the album's tracks pooled decide its genre, or each track alone
    album_pooling: str = "mean"  # how an album's tracks are pooled: the card's measured choice
    bpm: str = "off"  # write the analysis' BPM estimate: off, keep (a BPM in a file), overwrite
    # the settings the person chose (in the config file, on the command line, in the
    # Settings dialog), as against defaults: a chosen min_confidence beats a learned model's
    # (core.plan.threshold_of); never saved itself
    chosen: tuple[str, ...] = field(default=(), compare=False)

    def validate(self) -> Settings:
        if self.policy not in POLICIES:
            raise ConfigError(f"policy must be one of {', '.join(POLICIES)}, not {self.policy!r}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(f"min_confidence must be between 0 and 1, not {self.min_confidence}")
        if self.id3_version not in (3, 4):
            raise ConfigError(f"id3_version must be 3 or 4, not {self.id3_version}")
        if self.jobs < 0:
            raise ConfigError(f"jobs must be 0 (automatic) or more, not {self.jobs}")
        if self.per not in PER:
            raise ConfigError(f"per must be one of {', '.join(PER)}, not {self.per!r}")
        if self.album_pooling not in POOLINGS:
            raise ConfigError(
                f"album_pooling must be one of {', '.join(POOLINGS)}, not {self.album_pooling!r}"
            )
        if self.bpm not in BPM_MODES:
            raise ConfigError(f"bpm must be one of {', '.join(BPM_MODES)}, not {self.bpm!r}")
        if not 0.0 <= self.volume <= 1.0:
            raise ConfigError(f"volume must be between 0 and 1, not {self.volume}")
        return self

    @property
    def effective_jobs(self) -> int:
        return self.jobs or max(1, os.cpu_count() or 1)

    def updated(self, **changes: Any) -> Settings:
        """A copy with the non-None changes applied (command-line overrides), which count
        as chosen."""
        given = {k: v for k, v in changes.items() if v is not None}
        chosen = tuple(sorted(set(self.chosen) | set(given)))
        return replace(self, **given, chosen=chosen).validate()

    def chose(self, name: str) -> bool:
        """Whether the person set this (a value other than the default counts)."""
        return name in self.chosen or getattr(self, name) != getattr(DEFAULTS, name)


DEFAULTS = Settings()


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where the library database and caches live."""
    chosen = override or os.environ.get("GENRE_DESKTOP_DATA_DIR")
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    chosen = os.environ.get("GENRE_DESKTOP_CONFIG_DIR")
    return Path(chosen) if chosen else Path(platformdirs.user_config_dir(APP_ID, appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


def log_dir() -> Path:
    chosen = os.environ.get("GENRE_DESKTOP_LOG_DIR")
    path = Path(chosen) if chosen else Path(platformdirs.user_log_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file; a missing file means the defaults."""
    path = path or config_path()
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", path) from exc
    known = {f.name: f for f in fields(Settings) if f.name != "chosen"}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"unknown setting {key!r} (known: {', '.join(known)})", path)
        default = getattr(Settings(), key)
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not type(default):
            raise ConfigError(f"{key} must be a {type(default).__name__}, not {value!r}", path)
        values[key] = value
    return Settings(**values, chosen=tuple(sorted(values))).validate()


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    import tomli_w

    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    data = asdict(settings.validate())
    del data["chosen"]
    if not settings.chose("min_confidence"):  # the learned or the card's threshold applies
        del data["min_confidence"]
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    os.replace(tmp, path)
    return path


def resource_root() -> Path:
    """Folder holding `models/` and `resources/`: the bundle dir when frozen, else the repo."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def models_dir() -> Path:
    chosen = os.environ.get("GENRE_DESKTOP_MODEL_DIR")
    return Path(chosen) if chosen else resource_root() / "models"


def resources_dir() -> Path:
    return resource_root() / "resources"
