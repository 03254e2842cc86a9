"""The GUI-stall tour: the window driven as a clerk would while a 10 ms QTimer heartbeat runs; the
longest gap between beats is the longest the window stood frozen.

    CADRE_DATA_DIR=… python bench/bench_gui.py DB [--md OUT.md] [--only pages,picker,editor,rules,young,scroll]
                                                  [--pages 首页,单位]

Steps: every page shown (and its first loads awaited), its search box typed in ("zhang", a key every
60 ms, then cleared), its filters toggled (check boxes and combo boxes in view, each changed and put
back), the cadre picker opened and typed in, a cadre's editor opened and saved, the rule check re-run,
the young-cadre pool grouped another way; then the roster scrolled from top to bottom (a page at a
time over the first 2,000 rows, then in 250-row jumps to the end). A watchdog thread samples the
GUI thread's Python stack whenever no beat came for 50 ms: the top offenders are the functions of
the project seen most in those samples. Per step: the longest gap, the most CPU the GUI thread used
within one gap (the work behind a stall, which a loaded machine does not inflate), gaps over
100 ms, and the offenders. Written to --md as it goes (a long run leaves what it has). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

STALL_MS = 100


class Heart:
    """The 10 ms heartbeat and the watchdog that samples the GUI thread's stack during a stall."""

    def __init__(self, app):
        from PySide6.QtCore import QTimer

        self.app = app
        self.beats: list[float] = []
        self.cpu: list[float] = []  # the GUI thread's CPU clock at each beat
        self.last = time.perf_counter()
        self.gui = threading.get_ident()
        self.samples: list[tuple[float, str]] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._beat)
        self.timer.start()
        self.stop = False
        threading.Thread(target=self._watch, daemon=True).start()

    def _beat(self) -> None:
        self.last = time.perf_counter()
        self.beats.append(self.last)
        self.cpu.append(time.thread_time())

    def _watch(self) -> None:
        while not self.stop:
            time.sleep(0.02)
            if time.perf_counter() - self.last > 0.05:
                frame = sys._current_frames().get(self.gui)
                if frame is not None:
                    self.samples.append((time.perf_counter(), where(frame)))

    def busy(self, since: float, cpu_since: float) -> float:
        """The most CPU the GUI thread used between two beats from `since`, in ms: the work in the
        longest stall, less what a loaded machine adds (waiting for a core, for the GIL)."""
        i = next((k for k, x in enumerate(self.beats) if x >= since), len(self.beats))
        c = [cpu_since] + self.cpu[i:]
        return max(((y - x) * 1000 for x, y in zip(c, c[1:])), default=0.0)

    def gaps(self, since: float) -> list[float]:
        """The gaps between beats from `since` (the step's start counts as a beat)."""
        b = [since] + [x for x in self.beats if x >= since]
        return [(y - x) * 1000 for x, y in zip(b, b[1:])]


def where(frame) -> str:
    """The innermost frames of the project (and the library call they made), as one line."""
    stack = traceback.extract_stack(frame)
    ours = [f for f in stack if "cadre_desktop" in f.filename]
    if not ours and stack and stack[-1].name in ("settle", "idle"):
        return "(Qt's own event processing: layout, paint, signals into C++)"
    if not ours:
        return "(outside the project) " + (f"{Path(stack[-1].filename).name}:{stack[-1].name}" if stack else "?")
    inner = ours[-1]
    tail = stack[-1]
    label = f"{Path(inner.filename).stem}.{inner.name}:{inner.lineno}"
    if tail is not inner:
        label += f" → {Path(tail.filename).name}:{tail.name}"
    return label


class Tour:
    def __init__(self, app, window, heart: Heart, md: Path | None):
        self.app, self.w, self.heart, self.md = app, window, heart, md
        self.rows: list[dict] = []

    def settle(self, ms: float) -> None:
        end = time.perf_counter() + ms / 1000
        while time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.002)

    def idle(self, obj, timeout: float = 60) -> None:
        """Until the object's Loads / QueryBridge have applied their answers (or timeout seconds)."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            busy = False
            for attr in ("loads", "query", "bridge", "slow_query"):
                q = getattr(obj, attr, None)
                if q is not None and getattr(q, "pending", False):
                    busy = True
            if not busy:
                return
            self.settle(20)

    def wait(self, obj, ms: float, timeout: float = 60) -> None:
        """`ms` of the event loop, then until the object's reads have been applied."""
        self.settle(ms)
        self.idle(obj, timeout)

    def show(self, name: str, ms: float = 300, timeout: float = 60):
        """Show a page of the window and wait for its reads; returns the page."""
        self.w.show_page(name)
        page = self.w.pages[name]
        self.wait(page, ms, timeout)
        return page

    def flip(self, page, combo, ms: float = 250, timeout: float = 60) -> None:
        """The combo box's next choice and back again, each waited for."""
        was = combo.currentIndex()
        for index in ((was + 1) % combo.count(), was):
            combo.setCurrentIndex(index)
            self.wait(page, ms, timeout)

    def step(self, name: str, fn) -> dict:
        t = time.perf_counter()
        cpu = time.thread_time()
        n = len(self.heart.samples)
        error = None
        try:
            fn()
        except Exception as e:  # a step that fails is reported, the tour goes on
            error = f"{type(e).__name__}: {e}"[:160]
        self.settle(50)
        took = time.perf_counter() - t
        gaps = self.heart.gaps(t)
        worst = max(gaps) if gaps else 0.0
        offenders = collections.Counter(s for _t, s in self.heart.samples[n:])
        row = {"step": name, "worst_ms": round(worst), "busy_ms": round(self.heart.busy(t, cpu)),
               "over_100": sum(g > STALL_MS for g in gaps),
               "secs": round(took, 1), "offenders": offenders.most_common(3), "error": error}
        self.rows.append(row)
        print("STEP " + json.dumps(row, ensure_ascii=False), flush=True)
        self.write()
        return row

    def write(self, final: bool = False) -> None:
        if self.md is None:
            return
        lines = ["| step | longest gap ms | most GUI-thread CPU in a gap ms | gaps >100 ms | s "
                 "| where the GUI thread was (samples) |",
                 "|---|---|---|---|---|---|"]
        for r in self.rows:
            off = "; ".join(f"{s} ×{c}" for s, c in r["offenders"]) or "—"
            if r["error"]:
                off = f"ERROR {r['error']}; " + off
            lines.append(f"| {r['step']} | {r['worst_ms']} | {r['busy_ms']} | {r['over_100']} | {r['secs']} "
                         f"| {off.replace('|', '/')} |")
        if not final:
            lines.append("| (running) | | | | | |")
        self.md.write_text("\n".join(lines) + "\n", "utf-8")

    # -- the steps -------------------------------------------------------------------------------
    def page(self, name: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

        w = self.w

        self.step(f"{name}: show", lambda: self.show(name))
        page = w.pages[name]

        def search():
            boxes = [b for b in page.findChildren(QLineEdit)
                     if b.isVisible() and b.isEnabled() and not b.isReadOnly() and b.window() is w]
            if not boxes:
                return
            box = boxes[0]
            box.setFocus()
            for ch in "zhang":
                QTest.keyClicks(box, ch)
                self.settle(60)
            self.wait(page, 400)
            box.clear()
            self.wait(page, 400)
        if any(b.isVisible() and not b.isReadOnly() for b in page.findChildren(QLineEdit)):
            self.step(f"{name}: search", search)

        def filters():
            done = 0
            for box in page.findChildren(QCheckBox):
                if done >= 4:
                    break
                if box.isVisible() and box.isEnabled() and box.window() is w:
                    for _ in range(2):  # on and off again
                        box.click()
                        self.wait(page, 250)
                    done += 1
            for combo in page.findChildren(QComboBox):
                if done >= 6:
                    break
                if combo.isVisible() and combo.isEnabled() and combo.count() > 1 and combo.window() is w \
                        and not combo.isEditable():
                    self.flip(page, combo)
                    done += 1
        if any(b.isVisible() for b in page.findChildren(QCheckBox)) or \
                any(c.isVisible() and c.count() > 1 for c in page.findChildren(QComboBox)):
            self.step(f"{name}: filters", filters)
        _ = Qt

    def picker(self) -> None:
        from PySide6.QtTest import QTest

        from cadre_desktop.ui.cadre_picker import CadrePickerDialog

        holder = {}

        def open_():
            d = CadrePickerDialog(self.w.state, "选择干部", self.w)
            holder["d"] = d
            d.show()
            self.wait(d, 300)
        self.step("cadre picker: open", open_)

        def type_():
            d = holder["d"]
            d.search.setFocus()
            for ch in "li":
                QTest.keyClicks(d.search, ch)
                self.settle(60)
            self.wait(d, 500)
            d.reject()
            d.deleteLater()
            self.settle(100)
        if "d" in holder:
            self.step("cadre picker: type", type_)

    def editor(self) -> None:
        from PySide6.QtWidgets import QWidget

        from cadre_desktop.ui.cadre_editor import CadreEditor

        roster = self.w.pages["干部档案"]
        cid = roster.model.id_at(min(5, roster.model.rowCount() - 1))
        holder = {}

        def open_():
            e = CadreEditor(self.w.state, cid, self.w)
            holder["e"] = e
            e.show()
            self.wait(e, 300)  # its record read off the GUI thread
        self.step("cadre editor: open", open_)

        def save():
            e = holder["e"]
            if not e.save():
                errors = [w.toolTip() for w in e.findChildren(QWidget) if w.property("error")][:3]
                raise RuntimeError(f"save refused {errors}")
            e.deleteLater()
            self.wait(self.w.current_page(), 500)
        if "e" in holder:
            self.step("cadre editor: save", save)

    def jobs_done(self, timeout: float = 1800) -> None:
        """Until every background job (export, print) has finished and its answer been shown."""
        from cadre_desktop.ui import jobs

        end = time.perf_counter() + timeout
        while jobs._LIVE and time.perf_counter() < end:
            self.settle(50)

    def actions(self) -> None:
        """What a clerk does with a whole list: select every row and refresh, export the list as shown."""
        import tempfile

        from cadre_desktop.ui.list_kit import export_list

        roster = self.show("干部档案")

        def select_all():
            roster.table.selectAll()
            self.settle(100)
            n = len(roster.selected_ids())
            roster.refresh()
            self.wait(roster, 300, timeout=120)
            if len(roster.selected_ids()) != n:
                raise RuntimeError(f"selection not kept: {n} → {len(roster.selected_ids())}")
            roster.table.clearSelection()
            self.settle(100)
        self.step(f"干部档案: select all {roster.model.rowCount():,}, refresh, selection kept", select_all)

        folder = Path(tempfile.mkdtemp(prefix="tour-"))
        for name in ("干部档案", "结对帮带"):
            if name not in self.w.pages:
                continue

            def export(name=name):
                page = self.show(name)
                done = []
                export_list(page, path=str(folder / f"{name}.xlsx"), on_done=done.append)
                self.jobs_done()
                if not done:
                    raise RuntimeError("the export did not finish")
            self.step(f"{name}: export the list as shown", export)

    def rules(self) -> None:
        if "规则检查" not in self.w.pages:
            return

        def check():
            page = self.show("规则检查", 200)
            page.recheck.click()
            self.wait(page, 300, timeout=120)
        self.step("规则检查: re-check", check)

    def young(self) -> None:
        from PySide6.QtWidgets import QComboBox

        if "年轻干部库" not in self.w.pages:
            return

        def pool():
            page = self.show("年轻干部库", 200, timeout=120)
            combos = [c for c in page.findChildren(QComboBox) if c.isVisible() and c.count() > 1]
            if combos:
                self.flip(page, combos[0], 300, timeout=120)
        self.step("年轻干部库: the pool regrouped", pool)

    def scroll(self) -> None:
        roster = self.show("干部档案")
        bar = roster.table.verticalScrollBar()
        table = roster.table
        from PySide6.QtWidgets import QAbstractItemView

        # the scroll bar counts rows (ScrollPerItem, Qt's default) or pixels
        per_row = 1 if table.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerItem \
            else table.verticalHeader().defaultSectionSize()

        def fine():
            step = max(1, bar.pageStep())
            v = 0
            while v <= min(bar.maximum(), 2000 * per_row):
                bar.setValue(v)
                self.app.processEvents()
                v += step
        self.step("roster scroll: page by page, first 2,000 rows", fine)

        def jumps():
            rows = roster.model.rowCount()
            for r in range(0, rows + 250, 250):
                bar.setValue(min(bar.maximum(), r * per_row))
                self.app.processEvents()
            bar.setValue(bar.maximum())
            self.settle(100)
        self.step(f"roster scroll: 250-row jumps to row {roster.model.rowCount():,}", jumps)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--md", help="write the per-step table here as it goes")
    ap.add_argument("--only", default="pages,picker,editor,rules,young,actions,scroll",
                    help="which parts (comma-separated): pages,picker,editor,rules,young,actions,scroll")
    ap.add_argument("--pages", help="comma-separated page names (default: every page)")
    ap.add_argument("--user", default="bench")
    ap.add_argument("--password", default="bench2026")
    args = ap.parse_args()
    t0 = time.perf_counter()

    from cadre_desktop.core.db import open_database
    from cadre_desktop.core.services import accounts
    from cadre_desktop.ui.app import make_app
    from cadre_desktop.ui.main_window import MainWindow
    from cadre_desktop.ui.state import AppState

    app = make_app()
    db = open_database(f"sqlite:///{args.db}", daily_backup=False)  # as ui.app opens it
    with db.session() as s:
        actor = accounts.authenticate(s, name=args.user, password=args.password)
    heart = Heart(app)
    tour = Tour(app, None, heart, Path(args.md) if args.md else None)
    tour.settle(100)  # the heartbeat is running before the window is built

    def build():
        tour.w = MainWindow(AppState(db=db, actor=actor))
        tour.w.resize(1280, 800)
        tour.w.show()
        deadline = time.perf_counter() + 120
        while (not tour.w.pages.is_built("干部档案") or tour.w.roster.model.rowCount() == 0) \
                and time.perf_counter() < deadline:
            app.processEvents()
    tour.step("window: build and show, first rows", build)
    parts = set(args.only.split(","))
    if "pages" in parts:
        for name in args.pages.split(",") if args.pages else list(tour.w.pages):
            tour.page(name)
    for part in ("picker", "editor", "rules", "young", "actions", "scroll"):
        if part in parts:
            getattr(tour, part)()
    heart.stop = True
    tour.write(final=True)
    rows = tour.rows
    worst = max(rows, key=lambda r: r["worst_ms"])
    offenders = collections.Counter()
    for r in rows:
        for s, c in r["offenders"]:
            offenders[s] += c
    print("RESULT " + json.dumps({"stall_ms": worst["worst_ms"], "page": worst["step"],
                                  "steps": len(rows), "over_100": sum(r["over_100"] for r in rows),
                                  "s": round(time.perf_counter() - t0, 1),
                                  "offenders": offenders.most_common(8)}, ensure_ascii=False), flush=True)
    os._exit(0)  # threads of pages still reading at exit are not waited for


if __name__ == "__main__":
    main()
