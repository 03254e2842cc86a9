"""What every page shares: the open database, who is signed in, the window's remembered settings."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QSettings, Signal

from ..core.db import Database
from ..core.services import accounts
from ..core.services.accounts import Actor


class Changes(QObject):
    """Announces what a finished action changed, so only the views that show it refresh
    (entities: 'cadre', 'unit', 'account', 'audit', ... or '*' for everything). Every change writes
    an audit event, so 'audit' goes with each announcement. Services that know exactly what they
    changed say so (e.g. cadres.Saved.entities()); an action that changed nothing announces
    nothing: emit() with no entities is silent."""

    changed = Signal(set)

    def emit(self, *entities: str) -> None:
        if not entities:  # nothing changed: no view needs to look again
            return
        self.changed.emit(set(entities) | {"audit"})


def window_settings() -> QSettings:
    """What the window remembers (size, splitters, columns, folders, filters), in the data folder."""
    from ..config import data_dir

    return QSettings(str(data_dir() / "window.ini"), QSettings.Format.IniFormat)


@dataclass
class AppState:
    db: Database
    actor: Actor
    demo: bool = False
    settings: QSettings = field(default_factory=lambda: window_settings())
    changes: Changes = field(default_factory=Changes)

    @contextmanager
    def session(self, *, read_only: bool = False):
        """A session for one action, by the signed-in account as it is now (see confirm_actor).
        `read_only` for queries that only read: they never wait for another clerk's write."""
        with self.db.session(read_only=read_only) as s:
            accounts.confirm_actor(s, self.actor)
            yield s

    def last_folder(self) -> str:
        from pathlib import Path

        return str(self.settings.value("last_folder", str(Path.home())))

    def remember_folder(self, path: str) -> None:
        from pathlib import Path

        p = Path(path)
        self.settings.setValue("last_folder", str(p if p.is_dir() else p.parent))
