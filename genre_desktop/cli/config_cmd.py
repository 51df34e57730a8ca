"""`genre-desktop config`: where the config file is, and the settings in force."""

from __future__ import annotations

import json
from dataclasses import asdict

from genre_desktop import config
from genre_desktop.cli.common import EXIT, load_settings_or_exit


def register(sub, common) -> None:
    p = sub.add_parser(
        "config", parents=[common], help="show the config file's location and the settings in force"
    )
    p.add_argument(
        "--json", action="store_true", help="the settings and the config file's path as JSON"
    )
    p.set_defaults(func=run)


def run(args) -> int:
    settings = load_settings_or_exit(args)
    path = config.config_path()
    info = {
        "config_file": str(path),
        "config_file_exists": path.exists(),
        "data_dir": str(config.data_dir(args.data_dir)),
        "log_dir": str(config.log_dir()),
        "models_dir": str(config.models_dir()),
        "settings": asdict(settings),
    }
    if args.json:
        print(json.dumps(info, indent=2))
        return EXIT.OK
    print(
        f"Config file: {path}" + ("" if path.exists() else "  (not created yet: defaults in force)")
    )
    print(f"Data folder: {info['data_dir']}")
    print(f"Log folder:  {info['log_dir']}")
    print(f"Model:       {info['models_dir']}")
    print("Settings in force:")
    for k, v in info["settings"].items():
        if k == "chosen":  # said beside each value instead
            continue
        note = "  (0 = one per core)" if k == "jobs" else ""
        print(f"  {k} = {v!r}" + ("  (yours)" if k in settings.chosen else "") + note)
    return EXIT.OK
