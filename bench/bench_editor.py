"""Opening and saving a cadre at N cadres: the longest GUI-thread stall (a 10 ms QTimer heartbeat,
offscreen) from constructing the editor until it shows the record, and from pressing 保存 on a
changed 现任职务 until the editor has closed; with what the save announced (state.changes).

    CADRE_DATA_DIR=<data folder with audit.key> python bench/bench_editor.py DB.sqlite3 [--user U --password P]
        [--opens 6] [--seed 5]

Writes to DB (one post per opened cadre): run it on a copy. Works on code before and after the
editor read off the GUI thread (then `loaded`/`saving` do not exist and construction is the open).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--user", default="bench")
    ap.add_argument("--password", default="bench2026")
    ap.add_argument("--opens", type=int, default=6)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()

    from PySide6.QtCore import QElapsedTimer, QTimer
    from sqlalchemy import select

    from cadre_desktop.core.db import open_database
    from cadre_desktop.core.services import accounts, cadres
    from cadre_desktop.ui.app import make_app
    from cadre_desktop.ui.state import AppState

    app = make_app()
    db = open_database(f"sqlite:///{args.db}")
    with db.session() as s:
        actor = accounts.authenticate(s, name=args.user, password=args.password)
        ids = s.scalars(select(cadres.Cadre.id)).all()
    state = AppState(db=db, actor=actor)
    from cadre_desktop.ui.cadre_editor import CadreEditor
    from cadre_desktop.ui.print_preview import available_forms

    available_forms()  # the printing modules, loaded once by the window at start
    emitted: list = []
    state.changes.changed.connect(emitted.append)

    clock = QElapsedTimer()
    clock.start()
    beat = {"last": 0, "max": 0}

    def tick() -> None:
        now = clock.elapsed()
        beat["max"] = max(beat["max"], now - beat["last"])
        beat["last"] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()

    def spin(until, seconds: float = 60.0) -> None:
        end = time.time() + seconds
        while not until() and time.time() < end:
            app.processEvents()
            time.sleep(0.002)

    def start() -> float:
        beat["last"], beat["max"] = clock.elapsed(), 0
        return time.perf_counter()

    def stop(t0: float) -> tuple[float, int]:
        spin(lambda: False, 0.05)
        tick()
        return (time.perf_counter() - t0) * 1000, beat["max"]

    spin(lambda: False, 0.3)
    rng = random.Random(args.seed)
    opens, saves = [], []
    print(f"{len(ids)} cadres; code from {Path(sys.modules['cadre_desktop'].__file__).parent}")
    for _ in range(args.opens):
        cid = rng.choice(ids)
        t0 = start()
        editor = CadreEditor(state, cid)
        editor.show()
        spin(lambda: getattr(editor, "loaded", True))
        open_ms, open_stall = stop(t0)
        editor.fields["post"].setText((editor.fields["post"].text() or "") + "（测）")
        emitted.clear()
        t0 = start()
        editor.save()
        spin(lambda: not getattr(editor, "saving", False) and not editor.isVisible())
        save_ms, save_stall = stop(t0)
        opens.append(open_stall)
        saves.append(save_stall)
        print(f"cadre {cid}: open {open_ms:.0f} ms, longest stall {open_stall} ms; "
              f"save {save_ms:.0f} ms, longest stall {save_stall} ms; announced {emitted}", flush=True)
        editor.deleteLater()
        app.processEvents()
    print(f"longest GUI stall: open {max(opens)} ms (median {sorted(opens)[len(opens) // 2]}), "
          f"save {max(saves)} ms (median {sorted(saves)[len(saves) // 2]})")


if __name__ == "__main__":
    main()
