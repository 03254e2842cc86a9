"""Cell parsers of the interchange workbook (workbook.md, "Values" and "Enumerated columns")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cadre_desktop.core.exchange.parse import (
    DESTINATION_SYNONYMS,
    FIELD_SYNONYMS,
    FIVE_CATEGORY_SYNONYMS,
    clean_text,
    fold,
    parse_bool,
    parse_day,
    parse_decimal,
    parse_education,
    parse_enum,
    parse_id_number,
    parse_int,
    parse_month,
)
from cadre_desktop.core.values import ID_CHECK_FAILED, EDUCATION_LEVELS, FIVE_CATEGORIES, Month

# Valid ID numbers (GB 11643 check digits).
ID_X = "11010519491231002X"
ID_MAN = "410102198503120014"

TASK_FIELDS = ("疫情防控", "乡村振兴", "脱贫攻坚", "项目建设", "防汛救灾", "三百四千工程", "生态环保", "其他")
DESTINATIONS = ("上级机关", "先进地区", "县内")


def error_of(func, *args) -> str:
    with pytest.raises(ValueError) as info:
        func(*args)
    return str(info.value)


# --- fold --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("优秀村（社区）党组织书记", "优秀村(社区)党组织书记"),
        ("“三百四千”工程", "三百四千工程"),
        ("「三百四千」工程", "三百四千工程"),
        ("『三百四千』工程", "三百四千工程"),
        ("‘三百四千’工程", "三百四千工程"),
        ("\"三百四千\"工程", "三百四千工程"),
        ("'三百四千'工程", "三百四千工程"),
        ("＂三百四千＂工程", "三百四千工程"),
        ("　ＡＢＣ１２３　", "ABC123"),
        ("  乡镇 ", "乡镇"),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


# --- clean_text --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000\u3000", " \t\n"])
def test_clean_text_blank(value):
    assert clean_text(value) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("  张三  ", "张三"),
        ("\u3000张三\u3000", "张三"),
        ("电话１３８００１３８０００", "电话13800138000"),
        # Only digits fold: full-width letters, parentheses and quotes stay as typed.
        ("（ＡＢ）“甲”", "（ＡＢ）“甲”"),
        ("党委副书记、镇长", "党委副书记、镇长"),
        ("张 三", "张 三"),
        (12, "12"),
        (12.0, "12"),
        (13800138000.0, "13800138000"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (dt.date(2022, 6, 15), "2022-06-15"),
        (dt.datetime(2022, 6, 15), "2022-06-15"),
        (dt.datetime(2022, 6, 15, 8, 30), "2022-06-15 08:30:00"),
        (True, "TRUE"),
    ],
)
def test_clean_text(value, expected):
    assert clean_text(value) == expected


# --- parse_month -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000"])
def test_parse_month_blank(value):
    assert parse_month(value) is None


@pytest.mark.parametrize(
    "text",
    ["1985.03", "1985.3", "1985-03", "1985-3", "1985/3", "1985/03", "1985年3月", "1985年03月",
     "198503", " 1985.03 ", "１９８５．０３", "１９８５年３月", "１９８５０３"],
)
def test_parse_month_text(text):
    assert parse_month(text) == Month(1985, 3)


def test_parse_month_text_is_read_as_typed():
    # Text keeps what the clerk typed: "1985.1" is January, unlike the number 1985.1.
    assert parse_month("1985.1") == Month(1985, 1)
    assert parse_month("1985.10") == Month(1985, 10)
    assert parse_month("1985.12") == Month(1985, 12)


@pytest.mark.parametrize(
    "number, expected",
    [
        (1985.1, Month(1985, 10)),  # Excel's 1985.10
        (1985.01, Month(1985, 1)),
        (1985.03, Month(1985, 3)),
        (1985.12, Month(1985, 12)),  # 1985.12 * 100 = 198511.99999999997
        (2001.09, Month(2001, 9)),  # 2001.09 * 100 = 200108.99999999997
        (2001.11, Month(2001, 11)),
        (1990.07, Month(1990, 7)),
        (198510, Month(1985, 10)),
        (198510.0, Month(1985, 10)),
        (200001, Month(2000, 1)),
    ],
)
def test_parse_month_number(number, expected):
    assert parse_month(number) == expected


def test_parse_month_all_float_months():
    # Every month of many years survives the float round trip of an Excel numeric cell.
    for year in range(1900, 2101):
        for month in range(1, 13):
            assert parse_month(float(f"{year}.{month:02d}")) == Month(year, month)


@pytest.mark.parametrize(
    "value",
    [dt.date(1985, 3, 1), dt.date(1985, 3, 31), dt.datetime(1985, 3, 15), dt.datetime(1985, 3, 1, 12, 0)],
)
def test_parse_month_excel_date(value):
    assert parse_month(value) == Month(1985, 3)


def test_parse_month_invalid_message():
    assert error_of(parse_month, "1985.13") == "“1985.13”不是有效的年月，应写作 1985.03"
    assert error_of(parse_month, 1985.13) == "“1985.13”不是有效的年月，应写作 1985.03"


def test_parse_month_bare_year_is_missing_its_month():
    message = error_of(parse_month, 1985)
    assert "缺少月份" in message and "1985.03" in message
    assert "缺少月份" in error_of(parse_month, 1985.0)


@pytest.mark.parametrize(
    "value",
    ["1985.00", "1985.13", "1985.03.00", "1985.03.15", "1985", "85.03", "1985年3", "1985年13月",
     "19850", "1985033", "198500", "198513", "1985 .03", "abc", "1985.3月", "1985-03/",
     1985.001, 1985.125, 1985.0001, 5.03, 12345, 1234567, -1985.03, float("nan"), float("inf"),
     True, False],
)
def test_parse_month_invalid(value):
    with pytest.raises(ValueError, match="应写作 1985.03"):
        parse_month(value)


def test_parse_month_fullwidth_message_shows_ascii():
    assert error_of(parse_month, "１９８５．１３") == "“1985．13”不是有效的年月，应写作 1985.03"


# --- parse_day ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_day_blank(value):
    assert parse_day(value) is None


@pytest.mark.parametrize(
    "value",
    ["2022.06.15", "2022.6.15", "2022-6-15", "2022-06-15", "2022/06/15", "2022/6/15",
     "2022年6月15日", "2022年06月15日", "20220615", 20220615, 20220615.0, " 2022.06.15 ",
     "２０２２．０６．１５", "２０２２０６１５", dt.date(2022, 6, 15), dt.datetime(2022, 6, 15),
     dt.datetime(2022, 6, 15, 23, 59)],
)
def test_parse_day(value):
    result = parse_day(value)
    assert result == dt.date(2022, 6, 15)
    assert type(result) is dt.date


def test_parse_day_leap_day():
    assert parse_day("2024.02.29") == dt.date(2024, 2, 29)
    assert parse_day(20240229) == dt.date(2024, 2, 29)


def test_parse_day_invalid_message():
    assert error_of(parse_day, "2022.02.30") == "“2022.02.30”不是有效的日期，应写作 2022.06.15"
    assert error_of(parse_day, 20220230) == "“20220230”不是有效的日期，应写作 2022.06.15"


@pytest.mark.parametrize(
    "value",
    ["2022.02.30", "2023.02.29", "2022.13.01", "2022.00.10", "2022.06.00", "2022.06.31",
     "2022.06", "2022-06.15", "2022/06-15", "2022年6月", "2022年6月15", "202206", "2022061",
     "220615", "2022.06.15.1", "abc", 20220230, 2022.0615, 202206, 44727, 1.5, -20220615,
     True, float("nan")],
)
def test_parse_day_invalid(value):
    with pytest.raises(ValueError, match="应写作 2022.06.15"):
        parse_day(value)


# --- parse_bool --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["是", "Y", "y", " Y ", "Ｙ", "1", "１", 1, 1.0, True, "TRUE"])
def test_parse_bool_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", ["否", "N", "n", "0", 0, 0.0, False, "FALSE"])
def test_parse_bool_false(value):
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_bool_blank(value):
    assert parse_bool(value) is None


@pytest.mark.parametrize("value", ["好", "对", "2", 2, 0.5, -1, "是否", "有", dt.date(2022, 6, 15)])
def test_parse_bool_invalid(value):
    assert error_of(parse_bool, value) == "应为“是”或“否”"


# --- parse_int ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [(12, 12), (12.0, 12), ("12", 12), (" 12 ", 12), ("１２", 12), ("12.0", 12), (0, 0), ("0", 0),
     (2022, 2022)],
)
def test_parse_int(value, expected):
    result = parse_int(value)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_int_blank(value):
    assert parse_int(value) is None


@pytest.mark.parametrize("value", [1.5, "1.5", "abc", "1e3", "1,200", "NaN", "Infinity", "十二",
                                   True, float("nan"), dt.date(2022, 6, 15)])
def test_parse_int_not_integer(value):
    assert error_of(parse_int, value) == "应为整数"


@pytest.mark.parametrize("value", [-1, -1.0, "-3", "－３"])
def test_parse_int_negative(value):
    assert error_of(parse_int, value) == "不能为负数"


# --- parse_decimal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, places, expected",
    [
        (12.5, 1, Decimal("12.5")),
        ("12.5", 1, Decimal("12.5")),
        ("12.50", 1, Decimal("12.5")),  # trailing zeros are not decimals
        (12, 1, Decimal("12")),
        ("12", 1, Decimal("12")),
        (12.25, 2, Decimal("12.25")),
        ("1200.05", 2, Decimal("1200.05")),
        (1200.05, 2, Decimal("1200.05")),
        (0.1 + 0.2, 2, Decimal("0.3")),  # float noise of a formula cell
        ("１２．５", 1, Decimal("12.5")),
        ("0", 2, Decimal("0")),
        (300, 2, Decimal("300")),
    ],
)
def test_parse_decimal(value, places, expected):
    result = parse_decimal(value, places)
    assert isinstance(result, Decimal)
    assert result == expected


def test_parse_decimal_is_exact():
    # 12.25 must come back as exactly 12.25, not the binary float's expansion.
    assert str(parse_decimal(12.25, 2)) == "12.25"
    assert str(parse_decimal(0.1, 2)) == "0.1"


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_decimal_blank(value):
    assert parse_decimal(value, 2) is None


@pytest.mark.parametrize(
    "value, places, message",
    [
        (12.25, 1, "最多1位小数"),
        ("12.25", 1, "最多1位小数"),
        ("12.251", 2, "最多2位小数"),
        (0.001, 2, "最多2位小数"),
        (-12.5, 1, "不能为负数"),
        ("-5", 2, "不能为负数"),
    ],
)
def test_parse_decimal_refused(value, places, message):
    assert error_of(parse_decimal, value, places) == message


@pytest.mark.parametrize("value", ["abc", "12元", "1,200", "1e3", "NaN", True, float("inf")])
def test_parse_decimal_not_a_number(value):
    with pytest.raises(ValueError):
        parse_decimal(value, 2)


# --- parse_id_number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (ID_X, ID_X),
        (ID_X.lower(), ID_X),
        (" " + ID_X + "\u3000", ID_X),
        ("１１０１０５１９４９１２３１００２Ｘ", ID_X),
        ("１１０１０５１９４９１２３１００２ｘ", ID_X),
        (ID_MAN, ID_MAN),
    ],
)
def test_parse_id_number(value, expected):
    assert parse_id_number(value) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_id_number_blank(value):
    assert parse_id_number(value) is None


@pytest.mark.parametrize("value", [410102198503120014, 4.10102198503120e17, 11010519491231002, True])
def test_parse_id_number_numeric_cell(value):
    assert error_of(parse_id_number, value) == "身份证号须为文本格式"


def test_parse_id_number_check_digit_message():
    # A wrong digit anywhere fails the check: the message asks for the card, not a new last digit.
    assert error_of(parse_id_number, "110105194912310021") == ID_CHECK_FAILED
    assert error_of(parse_id_number, "410102198503120015") == ID_CHECK_FAILED


def test_parse_id_number_other_messages_pass_through():
    assert error_of(parse_id_number, "4101021985031200") == "应为18位，实为16位"
    assert error_of(parse_id_number, "41010219850332001X") == "出生日期19850332无效"


# --- parse_enum --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("优秀村（社区）党组织书记", "优秀村(社区)党组织书记"),
        ("优秀村(社区)党组织书记", "优秀村(社区)党组织书记"),
        (" 选调生 ", "选调生"),
        ("“选调生”", "选调生"),
    ],
)
def test_parse_enum_five_categories(value, expected):
    assert parse_enum(value, FIVE_CATEGORIES, FIVE_CATEGORY_SYNONYMS) == expected


@pytest.mark.parametrize(
    "value",
    ["优秀村(社区)党支部书记", "优秀村（社区）党支部书记", "“优秀村（社区）党支部书记”"],
)
def test_parse_enum_five_category_synonym(value):
    assert parse_enum(value, FIVE_CATEGORIES, FIVE_CATEGORY_SYNONYMS) == "优秀村(社区)党组织书记"


def test_parse_enum_returns_allowed_as_written():
    # The canonical spelling is the one in `allowed`, even when it uses full-width forms.
    allowed = ("优秀村（社区）党组织书记", "选调生")
    assert parse_enum("优秀村(社区)党组织书记", allowed) == "优秀村（社区）党组织书记"


@pytest.mark.parametrize(
    "value", ["三百四千工程", "“三百四千”工程", "「三百四千」工程", "\"三百四千\"工程", " 三百四千工程 "]
)
def test_parse_enum_quotes(value):
    assert parse_enum(value, TASK_FIELDS, FIELD_SYNONYMS) == "三百四千工程"


def test_parse_enum_field_synonym():
    assert parse_enum("重点项目建设", TASK_FIELDS, FIELD_SYNONYMS) == "项目建设"
    assert parse_enum("项目建设", TASK_FIELDS, FIELD_SYNONYMS) == "项目建设"


def test_parse_enum_destination_synonym():
    assert parse_enum("上级主管单位", DESTINATIONS, DESTINATION_SYNONYMS) == "上级机关"
    assert parse_enum("县内", DESTINATIONS, DESTINATION_SYNONYMS) == "县内"


def test_parse_enum_synonym_needs_its_dict():
    with pytest.raises(ValueError):
        parse_enum("上级主管单位", DESTINATIONS)


def test_parse_enum_synonym_for_another_column_does_not_apply():
    # A synonym whose target is not an allowed value of this column is ignored.
    with pytest.raises(ValueError):
        parse_enum("上级主管单位", TASK_FIELDS, DESTINATION_SYNONYMS)


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000"])
def test_parse_enum_blank(value):
    assert parse_enum(value, DESTINATIONS) is None


def test_parse_enum_error_names_allowed_values():
    assert error_of(parse_enum, "省外", DESTINATIONS, DESTINATION_SYNONYMS) == (
        "“省外”不在可选值中，应为：上级机关 / 先进地区 / 县内"
    )


def test_parse_enum_error_shows_cleaned_value():
    assert error_of(parse_enum, "  四档 ", ("一档", "二档", "三档")) == "“四档”不在可选值中，应为：一档 / 二档 / 三档"


def test_parse_enum_does_not_match_partial_or_spaced_values():
    with pytest.raises(ValueError):
        parse_enum("乡", ("乡镇", "街道"))
    with pytest.raises(ValueError):
        parse_enum("乡 镇", ("乡镇", "街道"))


def test_parse_enum_number_cell():
    assert parse_enum(2022.0, ("2021", "2022")) == "2022"


# --- parse_education ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("大学", ("大学", "大学")),
        ("本科", ("大学", "本科")),
        ("大学本科", ("大学", "大学本科")),
        ("党校大学", ("大学", "党校大学")),
        ("中央党校大学", ("大学", "中央党校大学")),
        ("硕士研究生", ("研究生", "硕士研究生")),
        ("博士研究生", ("研究生", "博士研究生")),
        ("党校研究生", ("研究生", "党校研究生")),
        ("大专", ("大专", "大专")),
        ("大学专科", ("大专", "大学专科")),
        ("中专", ("中专", "中专")),
        ("高中", ("高中及以下", "高中")),
        ("高中及以下", ("高中及以下", "高中及以下")),
        (" 大学本科\u3000", ("大学", "大学本科")),
        ("“大学本科”", ("大学", "“大学本科”")),
    ],
)
def test_parse_education(value, expected):
    assert parse_education(value) == expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_education_blank(value):
    assert parse_education(value) is None


def test_parse_education_unknown_lists_levels():
    message = error_of(parse_education, "幼儿园")
    assert message == "“幼儿园”不在可选值中，应为：研究生 / 大学 / 大专 / 中专 / 高中及以下"
    assert all(level in message for level in EDUCATION_LEVELS)
