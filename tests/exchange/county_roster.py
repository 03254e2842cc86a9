"""A county's own roster workbook, made the way another program (WPS, an older system's export)
makes it: a title row and a 填报单位 line above the table, a two-row header with merged group
cells (全日制教育 over 学历 / 学位, 现任职务 over 职务 / 任现职时间), a 序号 column, the county's own
header words (公民身份号码, 姓  名, 出生日期, 现工作单位, 职务层次, …), blank spacer rows, a
group-title row, a 合计 line and notes under the table, dates as clerks type them."""

from __future__ import annotations

import datetime as dt

from tests.conftest import make_id

TITLE = "云岭县乡科级干部花名册"
SHEET = "花名册"
# Two header rows (Excel rows 3 and 4); None under a vertically merged cell.
UPPER = ["序号", "姓  名", "性别", "公民身份号码", "出生日期", "民族", "政治面貌", "全日制教育", None, "学历",
         "现工作单位", "现任职务", None, "职务层次", "任现职级时间", "档案编号"]
LOWER = [None, None, None, None, None, None, None, "学历", "学位", None, None, "职务", "任现职时间", None, None,
         None]
# Column groups merged across (0-based first, last) in row 3, and vertical merges rows 3–4.
GROUPS = ((7, 8), (11, 12))

ID_A = make_id("19850312", "011")  # man
ID_B = make_id("19920605", "022")  # woman
ID_C = make_id("19780120", "031")  # man
ID_D = make_id("19950909", "042")  # woman


def people() -> list[list]:
    """The cadre rows (from Excel row 5), as a clerk typed them."""
    return [
        [1, "张 国 强", "男", ID_A, "1985.3", "汉", "中国共产党党员", "大学本科", "学士学位", "中央党校大学",
         "青山镇", "党委副书记、镇长", "2021年9月", "正科级", "2021.09", "A-001"],
        [2, "李晓梅", "女", ID_B, "199206", "苗族", "党员", "研究生", "法学硕士", None,
         "青山镇", "副镇长", "2022.3", "副科级", "202203", "A-002"],
        None,  # a spacer row
        ["县直部门", None, None, None, None, None, None, None, None, None, None, None, None, None, None, None],
        [3, "王建华", "男", ID_C, dt.datetime(1978, 1, 1), "土家", "群众", "大专", None, None,
         "县农业农村局", "办公室主任", "2019.11", "一级主任科员", "2020年6月", "A-003"],
        [4, "赵丽", "女", ID_D, "1995.09.09", "汉族", "团员", "大学", "管理学学士", None,
         "红旗街道", "科员", "2019.08", "一级科员", "2021.7", "A-004"],
    ]


FOOTER = [
    None,
    ["合计", None, "共 4 人", None, None, None, None, None, None, None, None, None, None, None, None, None],
    ["注：1.本表由各单位组织人事部门填报；2.时间均填至月。"],
    ["填表人：王五", None, None, None, None, None, None, None, None, None, "审核人：刘六"],
]


def rows(cadres: list[list] | None = None) -> list[list]:
    """Every row of the sheet, from Excel row 1."""
    body = people() if cadres is None else cadres
    return [[TITLE], ["填报单位：云岭县委组织部", None, None, None, None, None, None, None, None, None, None, None,
                      "填报时间：2023年1月"], UPPER, LOWER, *body, *FOOTER]


def write_xlsx(path, cadres: list[list] | None = None):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    for r, values in enumerate(rows(cadres), start=1):
        for c, v in enumerate(values or [], start=1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(UPPER))
    for first, last in GROUPS:
        ws.merge_cells(start_row=3, start_column=first + 1, end_row=3, end_column=last + 1)
    for j, (u, lo) in enumerate(zip(UPPER, LOWER)):
        if u is not None and lo is None:
            ws.merge_cells(start_row=3, start_column=j + 1, end_row=4, end_column=j + 1)
    ws["D5"].number_format = "@"
    wb.create_sheet("说明").append(["本花名册由人事系统导出"])
    wb.save(path)
    return path


def write_xls(path, cadres: list[list] | None = None):
    """The same roster as an .xls, as older WPS and Excel save it (xlwt)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(SHEET)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    merged: set[tuple[int, int]] = set()
    ws.write_merge(0, 0, 0, len(UPPER) - 1, TITLE)
    merged.update((0, c) for c in range(len(UPPER)))
    for first, last in GROUPS:
        ws.write_merge(2, 2, first, last, UPPER[first])
        merged.update((2, c) for c in range(first, last + 1))
    for j, (u, lo) in enumerate(zip(UPPER, LOWER)):
        if u is not None and lo is None:
            ws.write_merge(2, 3, j, j, u)
            merged.update({(2, j), (3, j)})
    for r, values in enumerate(rows(cadres)):
        for c, v in enumerate(values or []):
            if v is None or (r, c) in merged:
                continue
            if isinstance(v, dt.date):
                ws.write(r, c, v, date_style)
            else:
                ws.write(r, c, v)
    wb.save(str(path))
    return path


def add_units(db, actor, names=("青山镇", "县农业农村局", "红旗街道")):
    from cadre_desktop.core.services import units

    kinds = {"青山镇": "乡镇", "红旗街道": "街道"}
    with db.session() as s:
        for i, name in enumerate(names):
            units.save_unit(s, actor=actor, name=name, kind=kinds.get(name, "县直部门"), sort_order=i)
