"""The roster at 100,000 cadres: what one keystroke in the search box costs (ids of the matching
cadres in the requested order) and what showing a screenful costs (one block of rows), against a
floor measured in the same run: a bare `SELECT id FROM cadre` over the same table.

    python bench/bench_roster.py [--cadres N]

Cadres are written straight into a fresh SQLite file (search text computed as the app does).
Prints milliseconds and ratios; nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

from cadre_desktop.core.db import open_database
from cadre_desktop.core.models import Cadre, Unit, roster_key
from cadre_desktop.core.search import search_text
from cadre_desktop.core.services import cadres
from cadre_desktop.core.values import Month, id_check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐单曾解"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰建国志红"
LEVELS = ("县级领导", "正科级", "副科级", "一般干部")


def fill(db, n: int) -> None:
    rng = random.Random(1)
    with db.session() as s:
        s.execute(insert(Unit), [{"name": f"单位{i:03d}", "kind": "乡镇" if i < 60 else "县直部门",
                                  "sort_order": i, "version": 1} for i in range(120)])
    batch = []
    for k in range(n):
        year, month = rng.randint(1965, 2002), rng.randint(1, 12)
        first17 = f"52{k // 10**6:02d}{k // 1000 % 100:02d}{year}{month:02d}{rng.randint(1, 28):02d}{k % 1000:03d}"
        idn = first17 + id_check_digit(first17)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        batch.append({"id_number": idn, "name": name, "sex": "男" if int(first17[16]) % 2 else "女",
                      "birth": Month(year, month).code, "unit_id": rng.randint(1, 120), "level": rng.choice(LEVELS),
                      "post": "干事", "status": "在职", "reserve": rng.random() < 0.1, "search_text": search_text(name),
                      "education_rank": rng.randint(0, 4), "version": 1})
        if len(batch) == 5000:
            with db.session() as s:
                s.execute(insert(Cadre.__table__), batch)
            batch = []
    if batch:
        with db.session() as s:
            s.execute(insert(Cadre.__table__), batch)
    with db.engine.begin() as conn:  # rows written around the ORM: compute their department order
        roster_key.refresh_all(conn)


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=100_000)
    args = parser.parse_args()
    db = open_database(f"sqlite:///{Path(tempfile.mkdtemp()) / 'roster.sqlite3'}")
    fill(db, args.cadres)

    def floor():
        with db.session() as s:
            s.execute(text("SELECT id FROM cadre")).fetchall()

    def ids(**kw):
        sort = kw.pop("sort", "default")

        def run():
            with db.session() as s:
                cadres.roster_ids(s, cadres.RosterFilter(**kw), sort=sort)
        return run

    with db.session() as s:
        all_ids = cadres.roster_ids(s, cadres.RosterFilter())

    def block():
        with db.session() as s:
            cadres.roster_rows(s, all_ids[50_000 % len(all_ids):][:200])

    base = timed(floor)
    print(f"cadres: {args.cadres}")
    print(f"floor: SELECT id FROM cadre  {base:.1f} ms")
    for label, fn in (
        ("all, department order", ids()),
        ("search 'z' (first keystroke)", ids(search="z")),
        ("search 'zh'", ids(search="zh")),
        ("search 'zhangwei'", ids(search="zhangwei")),
        ("search ID fragment '0715'", ids(search="0715")),
        ("young, sorted by age", ids(young=True, sort="age")),
        ("unit + level filter", ids(unit_id=7, level="一般干部")),
        ("one block of 200 rows", block),
    ):
        ms = timed(fn)
        print(f"{label:32s} {ms:7.1f} ms  = {ms / base:5.1f} × floor")


if __name__ == "__main__":
    main()
