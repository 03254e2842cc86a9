"""Where the database and the data folder live: --db / CADRE_DB / the per-user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "cadre_desktop"
APP_TITLE = "干部激励工作台"


def data_dir() -> Path:
    """The per-user data folder (CADRE_DATA_DIR overrides it, for tests and portable installs)."""
    override = os.environ.get("CADRE_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "cadre.sqlite3"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite3"


def resolve_target(target: str | None) -> str:
    """--db TARGET, else CADRE_DB, else cadre.sqlite3 in the data folder; returned as a URL."""
    target = target or os.environ.get("CADRE_DB") or str(default_db_path())
    if "://" in target:
        return target
    return "sqlite:///" + str(Path(target).expanduser().resolve())


def log_path() -> Path:
    return data_dir() / "cadre_desktop.log"
