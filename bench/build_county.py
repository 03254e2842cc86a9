"""A county of N cadres with every record type, built in minutes (the importer takes an hour at 100,000).

    CADRE_DATA_DIR=/some/data python bench/build_county.py --size 100000 --out county.sqlite3

The demo county (665 cadres and all their records) is imported once through the importer, then its
cadres and every record that hangs off a cadre (resume, reward, appraisal, family, attendance,
posting, appointment, care, award, tolerance case, mentor pair and its records, visits) are copied
in SQL under new ID numbers (area code 52cccc for copy c, check digit recomputed) until N cadres
exist. Department order (roster_key) is recomputed at the end; the search index follows by trigger.
The account 'bench' / 'bench2026' is the first 管理员. Copied rows are not in the audit chain.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

# (table, cadre columns offset per copy); rows keep their other columns.
CHILDREN = (
    ("resume", ("cadre_id",)), ("reward", ("cadre_id",)), ("appraisal", ("cadre_id",)),
    ("family_member", ("cadre_id",)), ("attendance", ("cadre_id",)), ("posting", ("cadre_id",)),
    ("appointment", ("cadre_id",)), ("care_record", ("cadre_id",)), ("award", ("cadre_id",)),
    ("tolerance_case", ("cadre_id",)),
)


def build(path: Path, n: int) -> None:
    import openpyxl  # noqa: F401 - the importer reads the workbook

    from cadre_desktop.core.db import open_database
    from cadre_desktop.core.exchange import importer
    from cadre_desktop.core.exchange.workbook import WorkbookSource
    from cadre_desktop.core.models import roster_key
    from cadre_desktop.core.services import accounts
    from cadre_desktop.core.values import id_check_digit

    import run

    t0 = time.perf_counter()
    db = open_database(f"sqlite:///{path}")
    with db.session() as s:
        accounts.create_first_admin(s, name=run.BENCH_USER, password=run.BENCH_PASSWORD)
    with db.session() as s:
        actor = accounts.authenticate(s, name=run.BENCH_USER, password=run.BENCH_PASSWORD)
    xlsx = Path(tempfile.mkdtemp(prefix="county-")) / "demo.xlsx"
    run.write_bare(xlsx, 665)
    with db.session() as s:
        result = importer.run_import(s, actor=actor, source=WorkbookSource.open(xlsx), dry_run=False)
    if not result.ok:
        raise SystemExit("; ".join(result.errors[:5]))
    print(f"demo county imported in {time.perf_counter() - t0:.1f} s", flush=True)

    raw = db.engine.raw_connection()
    con = raw.driver_connection
    con.create_function("check_digit", 1, id_check_digit, deterministic=True)

    def cols(table: str) -> list[str]:
        return [r[1] for r in con.execute(f"PRAGMA table_info({table})")]

    base_ids = [r[0] for r in con.execute("SELECT id FROM cadre ORDER BY id")]
    stride = max(base_ids)
    base_n = len(base_ids)
    pair_stride = con.execute("SELECT coalesce(max(id), 0) FROM mentor_pair").fetchone()[0]
    cadre_cols = [c for c in cols("cadre") if c not in ("id", "id_number")]
    pair_cols = [c for c in cols("mentor_pair") if c not in ("id", "mentor_id", "mentee_id")]
    rec_cols = [c for c in cols("mentoring_record") if c not in ("id", "pair_id")]
    visit_cols = [c for c in cols("visit") if c != "id"]
    copy = 1
    total = base_n
    while total < n:
        take = min(base_n, n - total)
        last = base_ids[take - 1]
        off = copy * stride
        area = f"52{copy:04d}"
        con.execute(f"INSERT INTO cadre (id, id_number, {', '.join(cadre_cols)}) "
                    f"SELECT id + {off}, '{area}' || substr(id_number, 7, 11) || "
                    f"check_digit('{area}' || substr(id_number, 7, 11)), {', '.join(cadre_cols)} "
                    f"FROM cadre WHERE id <= {last}")
        for table, refs in CHILDREN:
            other = [c for c in cols(table) if c != "id" and c not in refs]
            shifted = ", ".join(f"{r} + {off}" for r in refs)
            con.execute(f"INSERT INTO {table} ({', '.join(refs)}, {', '.join(other)}) "
                        f"SELECT {shifted}, {', '.join(other)} FROM {table} "
                        f"WHERE {' AND '.join(f'{r} <= {last}' for r in refs)}")
        poff = copy * pair_stride
        con.execute(f"INSERT INTO mentor_pair (id, mentor_id, mentee_id, {', '.join(pair_cols)}) "
                    f"SELECT id + {poff}, mentor_id + {off}, mentee_id + {off}, {', '.join(pair_cols)} "
                    f"FROM mentor_pair WHERE id <= {pair_stride} AND mentor_id <= {last} AND mentee_id <= {last}")
        con.execute(f"INSERT INTO mentoring_record (pair_id, {', '.join(rec_cols)}) "
                    f"SELECT pair_id + {poff}, {', '.join(rec_cols)} FROM mentoring_record "
                    f"WHERE pair_id <= {pair_stride} AND pair_id + {poff} IN (SELECT id FROM mentor_pair)")
        if copy == 1:
            visit_max = con.execute("SELECT coalesce(max(id), 0) FROM visit").fetchone()[0]
        con.execute(f"INSERT INTO visit ({', '.join(visit_cols)}) SELECT {', '.join(visit_cols)} FROM visit "
                    f"WHERE id <= {visit_max}")
        con.commit()
        total += take
        copy += 1
    raw.close()
    with db.engine.begin() as conn:
        roster_key.refresh_all(conn)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    db.dispose()
    print(f"{total} cadres in {copy} copies, {time.perf_counter() - t0:.1f} s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = Path(args.out)
    if out.exists():
        raise SystemExit(f"{out} exists")
    build(out, args.size)


if __name__ == "__main__":
    main()
