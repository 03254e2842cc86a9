"""The whole benchmark at one size: every measured cost beside its floor, measured in the same run.

    python bench/run.py --size N [--out bench/results.md] [--skip-gui]

Builds a synthetic county of N cadres with every record type (the demo county's records repeated
under new ID numbers) as an interchange workbook, then measures, each in its own process so peak
memory is its own:

  import, re-import, --dry-run   floor: bare openpyxl read-only iteration of the same file
  export                         floor: bare openpyxl write_only writing the same rows, before and after (ratio to their mean)
  roster search p50/p95          every keystroke of a name, initials, full pinyin, an ID fragment;
                                 floor: the plain LIKE query on bare sqlite3 over the same file
  department order p50/p95       floor: SELECT id FROM cadre on bare sqlite3
  first paint and memory         the window offscreen with the roster shown, time to first rows;
                                 floor: a bare QTableView of 200 rows in a fresh process
  1,000 审批表 to one PDF         floor: bare ReportLab drawing the same text (bench_print.py)
  cadre check, cadre report       floor: the same on a 300-cadre county
  GUI stall tour                 bench_gui.py: a 10 ms QTimer heartbeat while every page is shown,
                                 searched and filtered, the picker and the editor used, the rule
                                 check and the young pool run, the roster scrolled; the longest gap

Prints the table and writes it (with the machine and the date) to --out. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

IMPORT_ORDER = ("单位", "干部", "简历", "奖惩", "年度考核", "家庭成员", "培训班", "参训记录", "挂职驻村", "选拔任用",
                "表彰", "关爱记录", "慰问", "结对帮带", "帮带纪实", "容错纠错", "津贴标准")
ID_COLUMNS = ("身份证号", "帮带人身份证号", "被帮带人身份证号")
ONCE = ("单位", "培训班", "津贴标准")  # reference records: one set for the county


# -- the synthetic county ------------------------------------------------------------------------

def county(n: int):
    """N cadres with every record type: the demo county's rows, copy c under area code 52cccc.
    Yields (sheet, headers, rows) with each sheet's rows made lazily (memory stays small at any N)."""
    from cadre_desktop.core.demo import demo_rows
    from cadre_desktop.core.values import id_check_digit

    base = demo_rows()
    people = base["干部"]
    copies = -(-n // len(people))
    remaps = []
    for c in range(copies):
        take = people[: n - c * len(people)] if (c + 1) * len(people) > n else people
        remap = {}
        for r in take:
            old = r["身份证号"]
            first17 = old[:17] if c == 0 else f"52{c:04d}" + old[6:17]
            remap[old] = first17 + id_check_digit(first17)
        remaps.append(remap)

    def rows_of(sheet):
        rows = base[sheet]
        if sheet in ONCE:
            yield from rows
            return
        for c, remap in enumerate(remaps):
            for r in rows:
                refs = [r.get(col) for col in ID_COLUMNS if r.get(col)]
                if not refs:
                    if c == 0:
                        yield r
                    continue
                if all(x in remap for x in refs):
                    yield {**r, **{col: remap[r[col]] for col in ID_COLUMNS if r.get(col)}}

    for sheet in IMPORT_ORDER:
        if base.get(sheet):
            yield sheet, list(dict.fromkeys(h for r in base[sheet] for h in r)), rows_of(sheet)


def write_bare(path: Path, n: int) -> tuple[float, int]:
    """The county written by bare openpyxl (write_only); returns (seconds, rows)."""
    import openpyxl

    t = time.perf_counter()
    count = 0
    wb = openpyxl.Workbook(write_only=True)
    for name, headers, rows in county(n):
        ws = wb.create_sheet(name)
        ws.append(headers)
        for r in rows:
            ws.append([r.get(h) for h in headers])
            count += 1
    wb.save(path)
    return time.perf_counter() - t, count


# -- child processes: one measurement each -------------------------------------------------------

def _maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, args: list[str]) -> dict:
    t0 = time.perf_counter()
    if kind == "bare-read":
        import openpyxl

        wb = openpyxl.load_workbook(args[0], read_only=True, data_only=True)
        rows = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
        wb.close()
        return {"s": time.perf_counter() - t0, "rows": rows, "mb": _maxrss_mb()}
    if kind == "bare-write":
        s, _rows = write_bare(Path(args[1]), int(args[0]))
        return {"s": s, "mb": _maxrss_mb()}
    from cadre_desktop.core.db import open_database
    from cadre_desktop.core.services import accounts

    db = open_database(f"sqlite:///{args[0]}")
    with db.session() as s:
        actor = accounts.authenticate(s, name=BENCH_USER, password=BENCH_PASSWORD)
    if kind in ("import", "dry-run"):
        from cadre_desktop.core.exchange import importer
        from cadre_desktop.core.exchange.workbook import WorkbookSource

        t = time.perf_counter()
        with db.session() as s:
            result = importer.run_import(s, actor=actor, source=WorkbookSource.open(args[1]), dry_run=kind == "dry-run")
        took = time.perf_counter() - t
        if not result.ok:
            return {"error": "; ".join(result.errors[:3])}
        return {"s": took, "mb": _maxrss_mb(), "counts": {k: str(v) for k, v in result.counts.items()}}
    if kind == "export":
        from cadre_desktop.core.exchange import exporter

        t = time.perf_counter()
        with db.session() as s:
            exporter.export_workbook(s, actor=actor, path=args[1])
        return {"s": time.perf_counter() - t, "mb": _maxrss_mb()}
    if kind == "check":
        from cadre_desktop.core.reports import rules

        t = time.perf_counter()
        with db.session() as s:
            found = rules.check(s)
        return {"s": time.perf_counter() - t, "findings": len(found)}
    if kind == "report":
        from cadre_desktop.core.reports.indicators import Period, compute

        t = time.perf_counter()
        with db.session() as s:
            rep = compute(s, Period.current())
        return {"s": time.perf_counter() - t, "figures": len(rep.values)}
    if kind == "print":
        import bench_print

        from cadre_desktop.core.services import cadres

        n = int(args[1])
        with db.session() as s:
            all_ids = cadres.roster_ids(s, cadres.RosterFilter())
        ids = [all_ids[i % len(all_ids)] for i in range(n)]
        bench_print.ours(db, actor, ids[:1])  # fonts loaded once, as in a running window
        pages = bench_print.texts_of(db, actor, ids)
        t_ours, _pdf = bench_print.timed(bench_print.ours, db, actor, ids)
        t_floor, _bare = bench_print.timed(bench_print.floor, pages)
        return {"s": t_ours, "floor": t_floor}
    if kind == "search":
        return search_child(db, args[0])
    raise SystemExit(f"unknown child {kind}")


def run_child(kind: str, *args: str, env: dict | None = None, timeout: float = 7200) -> dict:
    return child_result([sys.executable, str(Path(__file__).resolve()), "--child", kind, *map(str, args)], env, timeout)


def child_result(cmd: list[str], env: dict | None, timeout: float) -> dict:
    """Run `cmd` from the repository root (`env` over this process's); its answer is the JSON of its
    last `RESULT ` line, else {"error": the last line it wrote to stderr}."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                           env={**os.environ, **(env or {})}, cwd=str(ROOT))
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {"error": (p.stderr.strip().splitlines() or ["no result"])[-1][:200]}


# -- search --------------------------------------------------------------------------------------

def _keystrokes(word: str) -> list[str]:
    return [word[:i] for i in range(1, len(word) + 1)]


def search_child(db, path: str) -> dict:
    from cadre_desktop.core.search import search_text
    from cadre_desktop.core.services import cadres

    with db.session() as s:
        sample = s.execute(cadres.select(cadres.Cadre.name, cadres.Cadre.id_number)
                           .order_by(cadres.Cadre.id).limit(4000)).all()
    picks = sample[:: max(1, len(sample) // 8)][:8]
    words = {"name": [], "initials": [], "full pinyin": [], "ID fragment": []}
    for name, idn in picks:
        parts = [p for p in search_text(name).strip("|").split("|") if p.isascii()]
        full = max(parts, key=len)
        initials = min(parts, key=len)
        words["name"].append(name)
        words["initials"].append(initials)
        words["full pinyin"].append(full)
        words["ID fragment"].append(idn[10:16])
    bare = sqlite3.connect(path)

    def ours(q):
        with db.session() as s:
            cadres.roster_ids(s, cadres.RosterFilter(search=q))

    def floor(q):
        like = f"%{q.lower()}%"
        bare.execute("SELECT id FROM cadre WHERE search_text LIKE ? OR id_number LIKE ? ORDER BY roster_key, id",
                     (like, like)).fetchall()

    out = {}
    for kind, ws in words.items():
        qs = [k for w in ws for k in _keystrokes(w)]
        out[kind] = {"ours": _pcts(ours, qs), "floor": _pcts(floor, qs), "n": len(qs)}
    out["department order"] = {"ours": _pcts(lambda _q: ours(""), [""] * 20),
                               "floor": _pcts(lambda _q: bare.execute("SELECT id FROM cadre").fetchall(), [""] * 20),
                               "n": 20}
    return out


def _pcts(fn, queries) -> tuple[float, float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


# -- the window ----------------------------------------------------------------------------------

GUI_CHILD = r'''
import os, sys, time, json, resource
t0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
kind, db_path = sys.argv[1], sys.argv[2]
from PySide6.QtCore import QTimer, QElapsedTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if kind == "floor":
    from PySide6.QtGui import QStandardItemModel, QStandardItem
    app = QApplication([])
    m = QStandardItemModel(200, 8)
    for r in range(200):
        for c in range(8):
            m.setItem(r, c, QStandardItem(f"{r}-{c}"))
    v = QTableView(); v.setModel(m); v.resize(1280, 800); v.show(); app.processEvents()
    print("RESULT " + json.dumps({"s": time.perf_counter() - t0, "mb": rss()})); sys.exit(0)
from cadre_desktop.ui.app import make_app
from cadre_desktop.core.db import open_database
from cadre_desktop.core.services import accounts
from cadre_desktop.ui.state import AppState
from cadre_desktop.ui.main_window import MainWindow
app = make_app()
db = open_database(f"sqlite:///{db_path}", daily_backup=False)  # as the window opens it (ui.app)
with db.session() as s:
    actor = accounts.authenticate(s, name="bench", password="bench2026")
w = MainWindow(AppState(db=db, actor=actor))
w.show()
deadline = time.perf_counter() + 120
while (not w.pages.is_built("干部档案") or w.roster.model.rowCount() == 0) and time.perf_counter() < deadline:
    app.processEvents()
app.processEvents()
first = time.perf_counter() - t0
if kind == "paint":
    print("RESULT " + json.dumps({"s": first, "mb": rss(), "rows": w.roster.model.rowCount()})); sys.exit(0)
'''


GUI_ENV = {"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}


def gui_child(kind: str, db_path: str) -> dict:
    return child_result([sys.executable, "-c", GUI_CHILD, kind, db_path], GUI_ENV, 900)


def tour_child(db_path: str, md: Path) -> dict:
    """bench_gui.py: every page shown, searched and filtered, the picker, the editor, the rule check,
    the young pool and the roster scrolled, under a 10 ms heartbeat (per-step table in `md`)."""
    return child_result([sys.executable, str(HERE / "bench_gui.py"), db_path, "--md", str(md)], GUI_ENV, 3600)


# -- the table -----------------------------------------------------------------------------------

BENCH_USER, BENCH_PASSWORD = "bench", "bench2026"


def make_db(path: Path) -> None:
    from cadre_desktop.core.db import open_database
    from cadre_desktop.core.services import accounts

    db = open_database(f"sqlite:///{path}")
    with db.session() as s:
        accounts.create_first_admin(s, name=BENCH_USER, password=BENCH_PASSWORD)
    db.dispose()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print("RESULT " + json.dumps(child(sys.argv[2], sys.argv[3:]), ensure_ascii=False))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--out", default=str(HERE / "results.md"))
    ap.add_argument("--forms", type=int, default=1000)
    ap.add_argument("--skip-gui", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the generated workbook and databases")
    ap.add_argument("--parts", default="exchange,search,gui,print,check",
                    help="which measurements (comma-separated); without exchange the roster is filled directly")
    ap.add_argument("--import-timeout", type=float, default=3600, help="seconds before an import is given up")
    args = ap.parse_args()
    parts = set(args.parts.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="cadre-bench-"))
    rows: list[tuple[str, str, str, str]] = []

    n_rows = 0

    def write_table(final: bool = False) -> None:
        """The table so far (a long run leaves what it has measured if it is stopped)."""
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines = [f"# Benchmark at {args.size:,} cadres", "", f"- date: {stamp}", f"- machine: {machine()}",
                 (f"- county: {n_rows:,} workbook rows in {len(IMPORT_ORDER)} sheets" if n_rows else
                  "- county: cadres written straight into the database (no exchange measured)")
                 + f"; `python bench/run.py --size {args.size} --parts {args.parts}`",
                 *([] if final else ["- (run still in progress)"]),
                 "", "| measure | ours | floor (same run) | ratio |", "|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
        Path(args.out).write_text("\n".join(lines) + "\n", "utf-8")

    def row(what, ours, floor, ratio):
        rows.append((what, ours, floor, ratio))
        print(f"{what:34s} {ours:>22s} {floor:>22s} {ratio:>8s}", flush=True)
        write_table()

    def secs(r, key="s"):
        return f"{r[key]:.2f} s" if key in r else r.get("error", "?")

    def ratio(a, b, key="s"):
        return f"{a[key] / b[key]:.2f}×" if key in a and key in b and b[key] else "—"

    print(f"county of {args.size} cadres in {tmp}", flush=True)
    xlsx = tmp / "county.xlsx"
    if "exchange" in parts:
        _s, n_rows = write_bare(xlsx, args.size)  # noqa: F841 - read by write_table
        print(f"{n_rows} rows in {xlsx.stat().st_size / 2**20:.1f} MiB", flush=True)
    db_path = tmp / "county.sqlite3"
    from cadre_desktop.core.db import open_database

    make_db(db_path)
    print(f"{'':34s} {'ours':>22s} {'floor':>22s} {'ratio':>8s}")

    imp = {"error": "not measured (--parts)"}
    if "exchange" in parts:
        read = run_child("bare-read", xlsx)
        imp = run_child("import", db_path, xlsx, timeout=args.import_timeout)
        row("import", secs(imp), f"{secs(read)} (openpyxl read)", ratio(imp, read))
        row("import peak memory", f"{imp.get('mb', 0):.0f} MB", f"{read.get('mb', 0):.0f} MB", ratio(imp, read, "mb"))
        again = run_child("import", db_path, xlsx, timeout=args.import_timeout) if "error" not in imp else imp
        row("re-import (unchanged)", secs(again), secs(read), ratio(again, read))
        dry = run_child("dry-run", db_path, xlsx, timeout=args.import_timeout) if "error" not in imp else imp
        row("import --dry-run", secs(dry), secs(read), ratio(dry, read))
        # the floor before and after the export: the load of a shared machine moves between them
        before = run_child("bare-write", args.size, tmp / "bare-out.xlsx")
        exp = run_child("export", db_path, tmp / "export.xlsx")
        after = run_child("bare-write", args.size, tmp / "bare-out.xlsx")
        write = ({"s": (before["s"] + after["s"]) / 2} if "s" in before and "s" in after
                 else before if "s" in before else after)
        row("export", secs(exp), f"{secs(before)} / {secs(after)} (openpyxl write)", ratio(exp, write))
    if "error" in imp:  # still measure the roster at N: cadres written straight in, as bench_roster does
        import bench_roster

        print(f"no imported county ({imp['error']}); filling the roster directly", flush=True)
        db = open_database(f"sqlite:///{db_path}")
        bench_roster.fill(db, args.size)
        db.dispose()
    if "search" in parts:
        found = run_child("search", db_path)
        for kind in ("name", "initials", "full pinyin", "ID fragment", "department order"):
            r = found.get(kind)
            if not r:
                row(f"roster {kind}", found.get("error", "?"), "", "")
                continue
            (o50, o95), (f50, f95) = r["ours"], r["floor"]
            label = f"roster search {kind} ({r['n']} keys)" if kind != "department order" else "roster, department order"
            row(label, f"p50 {o50:.1f} / p95 {o95:.1f} ms", f"p50 {f50:.1f} / p95 {f95:.1f} ms",
                f"{o95 / f95:.2f}×" if f95 else "—")
    if "gui" in parts and not args.skip_gui:
        paint, bare = gui_child("paint", str(db_path)), gui_child("floor", str(db_path))
        row("first paint (roster shown)", secs(paint), f"{secs(bare)} (bare QTableView)", ratio(paint, bare))
        row("window memory", f"{paint.get('mb', 0):.0f} MB", f"{bare.get('mb', 0):.0f} MB", ratio(paint, bare, "mb"))
        stalls = Path(args.out).with_name(Path(args.out).stem + "-stalls.md")  # kept beside the table
        tour = tour_child(str(db_path), stalls)
        row("GUI stall tour (longest gap)", f"{tour['stall_ms']} ms on {tour['page']}" if "stall_ms" in tour
            else tour.get("error", "?"), "10 ms heartbeat", "—")
        if "stall_ms" in tour:
            row("GUI stall tour (gaps > 100 ms)", f"{tour['over_100']} in {tour['steps']} steps",
                f"per step: {stalls.name}", "—")
    if "print" in parts:
        pr = run_child("print", db_path, args.forms)
        row(f"{args.forms} 审批表 to one PDF", secs(pr), f"{pr['floor']:.2f} s (bare ReportLab)" if "floor" in pr else "",
            f"{pr['s'] / pr['floor']:.2f}×" if "floor" in pr else "—")
    if "check" in parts:
        small_db = tmp / "small.sqlite3"
        small_xlsx = tmp / "small.xlsx"
        write_bare(small_xlsx, 300)
        make_db(small_db)
        run_child("import", small_db, small_xlsx)
        chk, chk_small = run_child("check", db_path), run_child("check", small_db)
        row("cadre check", secs(chk), f"{secs(chk_small)} (300 cadres)",
            f"+{chk['s'] - chk_small['s']:.2f} s" if "s" in chk and "s" in chk_small else "—")
        rep, rep_small = run_child("report", db_path), run_child("report", small_db)
        row("cadre report (this year)", secs(rep), f"{secs(rep_small)} (300 cadres)",
            f"+{rep['s'] - rep_small['s']:.2f} s" if "s" in rep and "s" in rep_small else "—")

    write_table(final=True)
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
