"""Workbook import and export against a floor measured in the same run: the same file read by
bare openpyxl (read-only, values only), and the same rows written by bare openpyxl (write-only).

    python bench/bench_exchange.py [--copies N]

The workbook is the demo county (6 sheets); --copies repeats its cadres with new ID numbers.
Prints seconds and the ratio to the floor; nothing is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import openpyxl

from cadre_desktop.core.db import open_database
from cadre_desktop.core.demo import demo_rows
from cadre_desktop.core.exchange import exporter, importer
from cadre_desktop.core.exchange.workbook import WorkbookSource
from cadre_desktop.core.services import accounts
from cadre_desktop.core.values import id_check_digit

BASE_SHEETS = ("单位", "干部", "简历", "奖惩", "年度考核", "家庭成员")


def county(copies: int) -> dict[str, list[dict]]:
    rows = demo_rows()
    rows = {k: v for k, v in rows.items() if k in BASE_SHEETS}
    out = {k: list(v) for k, v in rows.items()}
    for c in range(1, copies):
        remap = {}
        for r in rows["干部"]:
            old = r["身份证号"]
            first17 = old[:14] + f"{(int(old[14:17]) + 7 * c) % 1000:03d}"
            # keep the sex digit's parity so 性别 still agrees
            if int(first17[16]) % 2 != int(old[16]) % 2:
                first17 = first17[:16] + str((int(first17[16]) + 1) % 10)
            new = first17 + id_check_digit(first17)
            remap[old] = new
        for sheet in BASE_SHEETS[1:]:
            for r in rows[sheet]:
                if r["身份证号"] in remap:
                    out[sheet].append(dict(r, 身份证号=remap[r["身份证号"]]))
    return out


def write_xlsx(path: Path, data: dict[str, list[dict]]) -> float:
    t = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    for name, rows in data.items():
        ws = wb.create_sheet(name)
        headers = list(dict.fromkeys(h for r in rows for h in r))
        ws.append(headers)
        for r in rows:
            ws.append([r.get(h) for h in headers])
    wb.save(path)
    return time.perf_counter() - t


def bare_read(path: Path) -> float:
    t = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
    wb.close()
    assert n
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    data = county(args.copies)
    n_rows = sum(len(v) for v in data.values())
    path = tmp / "county.xlsx"
    floor_write = write_xlsx(path, data)
    floor_read = bare_read(path)

    db = open_database(f"sqlite:///{tmp / 'bench.sqlite3'}")
    with db.session() as s:
        actor = accounts.create_first_admin(s, name="admin", password="bench")
    t = time.perf_counter()
    with db.session() as s:
        result = importer.run_import(s, actor=actor, source=WorkbookSource.open(path))
    first = time.perf_counter() - t
    assert result.ok, result.errors[:3]
    t = time.perf_counter()
    with db.session() as s:
        importer.run_import(s, actor=actor, source=WorkbookSource.open(path))
    again = time.perf_counter() - t
    t = time.perf_counter()
    with db.session() as s:
        exporter.export_workbook(s, actor=actor, path=tmp / "out.xlsx")
    export = time.perf_counter() - t

    print(f"rows: {n_rows} ({len(data['干部'])} cadres) in {len(data)} sheets")
    print(f"floor: bare openpyxl read {floor_read:.2f} s, write {floor_write:.2f} s")
    print(f"import (new records)   {first:.2f} s  = {first / floor_read:.1f} × read floor")
    print(f"import (no change)     {again:.2f} s  = {again / floor_read:.1f} × read floor")
    print(f"export (all sheets)    {export:.2f} s  = {export / floor_write:.1f} × write floor")


if __name__ == "__main__":
    main()
