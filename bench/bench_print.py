"""Printing 干部任免审批表 against a floor measured in the same run: bare ReportLab drawing the same
pages' text (the same strings at the same places, one embedded TrueType font, no layout, no checks).

    python bench/bench_print.py [--forms 1000]

The cadres are the demo county's (repeated in order to make up the count). Prints seconds, peak
Python memory (tracemalloc) and the ratio of each to the floor, and the PDF size of 1 and of 100
forms. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import tracemalloc
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from cadre_desktop.core.db import open_database
from cadre_desktop.core.printing import fonts, layout, render_pdf
from cadre_desktop.core.services import accounts, cadres, demo


def demo_db(folder: Path):
    database = open_database(f"sqlite:///{folder / 'demo.sqlite3'}")
    with database.session() as s:
        actor = accounts.create_first_admin(s, name=demo.DEMO_USER, password=demo.DEMO_PASSWORD)
    with database.session() as s:
        demo.load_demo(s, actor=actor)
    return database, actor


def ours(database, actor, ids) -> bytes:
    buf = io.BytesIO()
    with database.session() as s:
        render_pdf(s, actor=actor, form="appointment-form", params={"cadre_ids": ids}, out=buf)
    return buf.getvalue()


def texts_of(database, actor, ids):
    """The strings of every laid-out page with their places: what the floor draws."""
    with database.session() as s:
        _title, pages = layout(s, actor=actor, form="appointment-form", params={"cadre_ids": ids})
    return [[(op[1], op[2], "".join(t for _f, t in op[3]), op[4]) for op in p.ops if op[0] == "text"] for p in pages]


def floor(pages) -> bytes:
    name = fonts.chain("宋体").name
    buf = io.BytesIO()
    rl_config.useA85 = 0  # the same stream encoding as ours (Flate only)
    try:
        c = Canvas(buf, initialFontName=name, pageCompression=1)
        for page in pages:
            for x, y, text, size in page:
                c.setFont(name, size)
                c.drawString(x, y, text)
            c.showPage()
        c.save()
    finally:
        rl_config.useA85 = 1
    return buf.getvalue()


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def peak(fn, *args) -> int:
    tracemalloc.start()
    fn(*args)
    _cur, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=1000)
    n = ap.parse_args().forms
    with tempfile.TemporaryDirectory() as tmp:
        database, actor = demo_db(Path(tmp))
        with database.session() as s:
            all_ids = cadres.roster_ids(s, cadres.RosterFilter())
        ids = [all_ids[i % len(all_ids)] for i in range(n)]
        ours(database, actor, ids[:1])  # load the fonts once, as a running window has
        pages = texts_of(database, actor, ids)
        t_ours, pdf = timed(ours, database, actor, ids)
        t_floor, bare = timed(floor, pages)
        m_ours = peak(ours, database, actor, ids)
        m_floor = peak(floor, pages)
        one = ours(database, actor, ids[:1])
        hundred = ours(database, actor, ids[:100])
        database.dispose()
    print(f"{n} 干部任免审批表 ({2 * n} pages) into one PDF")
    print(f"  ours : {t_ours:6.2f} s  peak {m_ours / 2**20:7.1f} MiB  PDF {len(pdf) / 2**20:6.2f} MiB")
    print(f"  floor: {t_floor:6.2f} s  peak {m_floor / 2**20:7.1f} MiB  PDF {len(bare) / 2**20:6.2f} MiB"
          "  (bare ReportLab, same strings and places)")
    print(f"  ratio: time {t_ours / t_floor:.2f}×, memory {m_ours / m_floor:.2f}×")
    print(f"  PDF size: 1 form {len(one) / 1024:.0f} KiB, 100 forms {len(hundred) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
