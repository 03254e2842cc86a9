"""`cadre print FORM … --out F.pdf` (cli.md) on the demo county."""

from __future__ import annotations

import pytest

from cadre_desktop.core.services import cadres, demo, tolerance
from tests.conftest import make_id
from tests.printing.helpers import open_pdf, page_text

from conftest import run_cli as run


@pytest.fixture
def dbarg(demo_db, monkeypatch):
    monkeypatch.setenv("CADRE_USER", demo.DEMO_USER)
    monkeypatch.setenv("CADRE_PASSWORD", demo.DEMO_PASSWORD)
    return ["--db", demo_db.url]  # the test's own database, on either engine


@pytest.fixture
def people(demo_db, demo_admin):
    with demo_db.session() as s:
        first = cadres.roster_rows(s, cadres.roster_ids(s, cadres.RosterFilter()))[0]
        # a second cadre of the same name
        cadres.save_cadre(s, actor=demo_admin, data={"id_number": make_id("19880808", "235"), "name": first["name"],
                                                      "unit_id": cadres.get_cadre(s, first["id"])["unit_id"],
                                                      "level": "一般干部"})
    with demo_db.session() as s:
        rows = cadres.roster_rows(s, cadres.roster_ids(s, cadres.RosterFilter()))
    names = {}
    for r in rows:
        names.setdefault(r["name"], []).append(r)
    unique = [r for r in rows if len(names[r["name"]]) == 1]
    shared = names[first["name"]]
    return unique, shared


def test_appointment_forms_in_the_given_order(dbarg, people, tmp_path, capsys):
    unique, _shared = people
    a, b = unique[5], unique[1]
    out = tmp_path / "审批表.pdf"
    code, stdout, err = run([*dbarg, "print", "appointment-form", "--id", a["id_number"], b["name"], "--out", str(out)],
                            capsys)
    assert code == 0, err
    assert "4 页" in stdout
    with open_pdf(out.read_bytes()) as pdf:
        assert a["name"] in page_text(pdf.pages[0]) and b["name"] in page_text(pdf.pages[2])


def test_ids_from_a_file_refuses_unknown_and_ambiguous_lines(dbarg, people, tmp_path, capsys):
    unique, shared = people
    lst = tmp_path / "名单.txt"
    lst.write_text(f"{unique[0]['name']}\n查无此人\n{shared[0]['name']}\n", encoding="utf-8")
    out = tmp_path / "x.pdf"
    code, _o, err = run([*dbarg, "print", "appointment-form", "--ids-from", str(lst), "--out", str(out)], capsys)
    assert code == 2 and not out.exists()
    assert "“查无此人”找不到对应的干部" in err
    assert f"“{shared[0]['name']}”有{len(shared)}人同名" in err and shared[0]["id_number"] in err
    lst.write_text(f"{unique[0]['id_number']}\n{shared[1]['id_number']}\n", encoding="utf-8")
    code, _o, err = run([*dbarg, "print", "appointment-form", "--ids-from", str(lst), "--out", str(out)], capsys)
    assert code == 0, err
    with open_pdf(out.read_bytes()) as pdf:
        assert len(pdf.pages) == 4 and shared[1]["name"] in page_text(pdf.pages[2])


def test_each_writes_one_pdf_per_cadre(dbarg, people, tmp_path, capsys):
    _unique, shared = people
    out = tmp_path / "each"
    code, _o, err = run([*dbarg, "print", "appointment-form", "--id", shared[0]["id_number"], shared[1]["id_number"],
                         "--each", str(out)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{r['name']}_{r['id_number'][-4:]}.pdf" for r in shared[:2])


def test_roster_mentoring_and_tolerance(dbarg, demo_db, tmp_path, capsys):
    code, stdout, err = run([*dbarg, "print", "roster", "--unit", "县委办公室", "--out", str(tmp_path / "r.pdf")], capsys)
    assert code == 0, err
    with open_pdf((tmp_path / "r.pdf").read_bytes()) as pdf:
        assert "范围：县委办公室" in page_text(pdf.pages[0])
    code, _o, err = run([*dbarg, "print", "mentoring-register", "--out", str(tmp_path / "m.pdf")], capsys)
    assert code == 0, err
    with demo_db.session() as s:
        case = tolerance.list_cases(s)[0]
    code, _o, err = run([*dbarg, "print", "tolerance-case", "--id", case["id_number"], "--out", str(tmp_path / "t.pdf")],
                        capsys)
    assert code == 0, err
    with open_pdf((tmp_path / "t.pdf").read_bytes()) as pdf:
        assert case["matter"] in page_text(pdf.pages[0]).replace(" ", "")
    code, _o, err = run([*dbarg, "print", "tolerance-case", "--id", case["id_number"], "--date", "1999.01.01",
                         "--out", str(tmp_path / "t2.pdf")], capsys)
    assert code == 2 and "发生日期为1999.01.01" in err and not (tmp_path / "t2.pdf").exists()


def test_bad_arguments_exit_2(dbarg, tmp_path, capsys):
    code, _o, err = run([*dbarg, "print", "appointment-form", "--out", str(tmp_path / "x.pdf")], capsys)
    assert code == 2 and "--id 或 --ids-from" in err
    code, _o, err = run([*dbarg, "print", "no-such-form", "--out", str(tmp_path / "x.pdf")], capsys)
    assert code == 2
