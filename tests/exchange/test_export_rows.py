"""The export reads plain rows, not records, and turns stored values into the cells `Column.format`
writes: a month's yyyymm code, money and hours as scaled integers."""

import datetime as dt
from decimal import Decimal

import openpyxl
from sqlalchemy import event

from cadre_desktop.core.exchange import exporter
from cadre_desktop.core.exchange.sheets import Column, sheets
from cadre_desktop.core.models import Base
from cadre_desktop.core.values import Month


def test_stored_values_become_the_cells_format_writes():
    cases = {
        "month": [(198503, Month(1985, 3)), (202112, Month(2021, 12))],
        "money": [(1250, Decimal("12.50")), (10000, Decimal("100.00")), (1, Decimal("0.01")), (0, Decimal("0.00"))],
        "hours": [(25, Decimal("2.5")), (30, Decimal("3.0"))],
        "day": [(dt.date(2022, 6, 5), dt.date(2022, 6, 5))],
        "bool": [(True, True), (False, False), (1, True), (0, False)],
    }
    for kind, pairs in cases.items():
        col = Column("列", "x", kind)
        for stored, typed in pairs:
            got, want = col.exporter()(stored), col.format(typed)
            assert (got, type(got)) == (want, type(want)), (kind, stored)
            # a typed value (not read through `stored`) is written the same way
            if kind in ("month", "money", "hours"):
                again = col.exporter()(typed)
                assert (again, type(again)) == (want, type(want)), (kind, typed)
    for kind in ("text", "enum", "int", "year", "education", "id_number"):
        assert Column("列", "x", kind).exporter() is None


def test_a_masked_export_stars_every_id_number_column_and_the_phone():
    for sd in sheets():
        for c in sd.columns:
            f = c.exporter(masked=True)
            if c.kind == "id_number" or c.attr == "phone":
                assert f("522622199007150014") == "**************0014", (sd.name, c.header)
            else:
                assert f is c.exporter(masked=False), (sd.name, c.header)


def test_the_export_builds_no_records_and_every_sheet_has_its_rows(demo_db, demo_admin, tmp_path):
    out = tmp_path / "all.xlsx"
    loaded = []

    def on_load(target, _context):
        loaded.append(type(target).__name__)

    event.listen(Base, "load", on_load, propagate=True)
    try:
        with demo_db.session() as s:
            counts = exporter.export_workbook(s, actor=demo_admin, path=out)
    finally:
        event.remove(Base, "load", on_load)
    assert loaded == []  # plain rows streamed from the queries, no record built
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == [sd.name for sd in sheets()]
    for name, n in counts.items():
        assert n > 0, name
        assert sum(1 for _ in wb[name].iter_rows()) == n + 1, name
    wb.close()
