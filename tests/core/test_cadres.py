"""Cadre files: validation, saving, the roster query and search."""

import datetime as dt

import pytest

from cadre_desktop.core.search import search_text
from cadre_desktop.core.services import cadres, units
from cadre_desktop.core.values import DomainError, Month, age_at, birth_code_bound, check_id_number

from conftest import make_id


def test_ages_count_by_month_of_birth():
    assert age_at(Month(1990, 7), Month(2022, 7)) == 32
    assert age_at(Month(1990, 7), Month(2022, 6)) == 31
    # the SQL bound agrees with age_at on both sides of the boundary
    today = dt.date(2022, 7, 15)
    bound = birth_code_bound(35, today)
    assert age_at(Month.from_code(bound), today) == 35
    assert age_at(Month.from_code(bound).add_months(-1), today) == 36


def test_id_number_rules():
    info = check_id_number(make_id("19900715", "001"))
    assert info.sex == "男" and info.birth == Month(1990, 7)
    assert check_id_number(make_id("19920301", "002")).sex == "女"
    bad = make_id()[:17] + ("0" if make_id()[17] != "0" else "1")
    with pytest.raises(ValueError) as e:
        check_id_number(bad)
    # It says a digit is wrong and to check the card; it never suggests what the last digit should be.
    assert "请对照身份证" in str(e.value) and "应为" not in str(e.value)


def test_polyphonic_surnames_have_both_readings():
    assert "|shanxiongxin|" in search_text("单雄信") and "|danxiongxin|" in search_text("单雄信")
    assert "|zgf|" in search_text("曾国藩") and "|cgf|" in search_text("曾国藩")
    assert "|xiejin|" in search_text("解缙") and "|jiejin|" in search_text("解缙")
    assert "|oyx|" in search_text("欧阳修")


def test_sex_and_birth_must_agree_with_id(db, admin, unit_id):
    with db.session() as s, pytest.raises(DomainError) as e:
        cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19900715", "001"), "name": "李四",
                                                "sex": "女", "birth": Month(1990, 8), "unit_id": unit_id,
                                                "level": "一般干部"})
    fields = dict(e.value.errors)
    assert fields["sex"] == "性别 女 与身份证号中的 男 不一致，请核对"
    assert fields["birth"] == "出生年月 1990.08 与身份证号中的 1990.07 不一致，请核对"


def test_in_service_cadre_needs_unit_and_level(db, admin):
    with db.session() as s, pytest.raises(DomainError) as e:
        cadres.save_cadre(s, actor=admin, data={"id_number": make_id(), "name": "李四"})
    assert {a for a, _ in e.value.errors} == {"unit_id", "level"}


def test_duplicate_id_number_is_refused(db, admin, cadre_id, unit_id):
    with db.session() as s, pytest.raises(DomainError, match="已属于单雄信"):
        cadres.save_cadre(s, actor=admin, data={"id_number": make_id(), "name": "重复", "unit_id": unit_id,
                                                "level": "一般干部"})


def test_incomplete_record_is_marked(db, admin):
    with db.session() as s:
        cid = cadres.save_cadre(s, actor=admin, data={"id_number": make_id("19880101", "013"), "name": "待补"},
                                allow_incomplete=True)
    with db.session() as s:
        rows = cadres.roster_rows(s, cadres.roster_ids(s, cadres.RosterFilter(incomplete=True)))
    assert [r["id"] for r in rows] == [cid] and rows[0]["incomplete"]


@pytest.fixture
def roster(db, admin):
    """A small roster across two units with known ages and surnames."""
    today = dt.date.today()
    with db.session() as s:
        town = units.save_unit(s, actor=admin, name="青山镇", kind="乡镇", tier="一档", sort_order=1)
        dept = units.save_unit(s, actor=admin, name="县财政局", kind="县直部门", sort_order=2)
        people = [
            ("单雄信", today.year - 28, "001", town, "副科级"),
            ("曾国藩", today.year - 40, "011", town, "正科级"),
            ("解缙", today.year - 33, "021", dept, "一般干部"),
            ("张三丰", today.year - 50, "031", dept, "正科级"),
        ]
        for name, year, seq, unit, level in people:
            cadres.save_cadre(s, actor=admin, data={
                "id_number": make_id(f"{year}0101", seq), "name": name, "unit_id": unit, "level": level,
                "reserve": name == "解缙"})
    return {"town": town, "dept": dept}


def names(db, **kw):
    with db.session() as s:
        return [r["name"] for r in cadres.roster_rows(s, cadres.roster_ids(s, cadres.RosterFilter(**kw)))]


@pytest.mark.parametrize("query,expected", [
    ("sxx", ["单雄信"]), ("dxx", ["单雄信"]), ("shanxiong", ["单雄信"]), ("danxiongxin", ["单雄信"]),
    ("zgf", ["曾国藩"]), ("cengguo", ["曾国藩"]), ("xj", ["解缙"]), ("jiejin", ["解缙"]),
    ("张三", ["张三丰"]), ("ZSF", ["张三丰"]), ("zhang san feng", ["张三丰"]),
])
def test_search_by_name_pinyin_and_initials(db, roster, query, expected):
    assert names(db, search=query) == expected


def test_search_by_id_fragment(db, roster):
    idn = make_id(f"{dt.date.today().year - 33}0101", "021")
    assert names(db, search=idn[-6:]) == ["解缙"]
    assert names(db, search=idn[6:12]) == ["解缙"]


def test_filters_run_in_sql(db, roster):
    assert set(names(db, young=True)) == {"单雄信", "解缙"}
    assert names(db, age_band="≤30") == ["单雄信"]
    assert names(db, age_band="36–40") == ["曾国藩"]
    assert names(db, age_band=">45") == ["张三丰"]
    assert names(db, reserve=True) == ["解缙"]
    assert set(names(db, unit_id=roster["dept"])) == {"解缙", "张三丰"}
    assert names(db, level="正科级", unit_name="县财政局") == ["张三丰"]


def test_default_order_is_unit_then_level_then_name(db, roster):
    # 青山镇 (order 1): 正科级 before 副科级; 县财政局 (order 2): 正科级 before 一般干部
    assert names(db) == ["曾国藩", "单雄信", "张三丰", "解缙"]


def test_sort_by_age_youngest_first(db, roster):
    with db.session() as s:
        ids = cadres.roster_ids(s, cadres.RosterFilter(), sort="age")
        assert [r["name"] for r in cadres.roster_rows(s, ids)] == ["单雄信", "解缙", "曾国藩", "张三丰"]


def test_young_pool_groups(db, roster):
    with db.session() as s:
        pool = cadres.young_pool(s)
    assert pool["total"] == 2
    assert [r["name"] for r in pool["by_band"]["≤30"]] == ["单雄信"]
    assert [r["name"] for r in pool["by_band"]["31–35"]] == ["解缙"]
    assert [r["name"] for r in pool["by_level"]["副科级"]] == ["单雄信"]


def test_unit_choices_are_the_units_in_their_order(db, admin):
    with db.session() as s:
        b = units.save_unit(s, actor=admin, name="县财政局", kind="县直部门", sort_order=2)
        a = units.save_unit(s, actor=admin, name="青山镇", kind="乡镇", tier="一档", sort_order=1)
    with db.session(read_only=True) as s:
        choices = units.unit_choices(s)
        assert choices == [{"id": u["id"], "name": u["name"]} for u in units.list_units(s)]
    assert [c["name"] for c in choices if c["name"] in ("青山镇", "县财政局")] == ["青山镇", "县财政局"]
    assert {a, b} <= {c["id"] for c in choices}
