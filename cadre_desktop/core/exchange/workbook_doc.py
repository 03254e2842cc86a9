"""docs/工作簿格式.md, written from the sheet registry so the document and the importer cannot drift:
every sheet, its key, its columns (required or not, kind, allowed values, the template's comment).

    python -m cadre_desktop.core.exchange.workbook_doc > docs/工作簿格式.md

A test compares the file in the repository with this output.
"""

from __future__ import annotations

import sys

from .sheets import Column, SheetDef, sheets

KINDS = {
    "text": "文字",
    "month": "年月，如 1985.03",
    "day": "日期，如 2022.06.15",
    "int": "整数",
    "year": "四位年份",
    "hours": "数字，可有一位小数",
    "money": "金额（元），可有两位小数",
    "bool": "是 / 否",
    "enum": "从下列值中选",
    "education": "学历，按写法填写",
    "id_number": "18 位身份证号（文本格式）",
}

INTRO = """\
# 工作簿格式（导入导出用的 Excel 工作簿）

本程序与 Excel 交换数据用一个 `.xlsx` 工作簿，每类记录一张工作表。**导入模板**（文件 → 保存空白导入模板，
或命令 `cadre template 模板.xlsx`）、**全部导出**（文件 → 导出数据交换工作簿）和导入时读取的都是同一种格式。
本文件由程序中的工作表定义自动生成（`python -m cadre_desktop.core.exchange.workbook_doc`），与程序实际
接受的格式一致。

## 总的规则

- **表名和列名**必须与下文完全一致（中文）；列的先后顺序不限；选填的列可以没有；多出来的列不导入，并给出提示。
  一个工作簿可以只含其中几张表。
- **空白模板**里每个列名都带批注（必填或选填、怎么填），有固定取值的列带下拉列表；必填列的列名底色为浅黄。
- **按键更新**：每张表有一个“键”（见各表），导入的一行若与已有记录的键相同，就更新那条记录，否则新增。
  同一个工作簿再导入一次，什么也不会改变。同一张表里两行的键相同是错误。
- **引用**：干部的工作单位、参训记录的培训班等，可以指向数据库里已有的记录，也可以指向同一工作簿里的行。
- **列表表**（简历、奖惩、年度考核、家庭成员）：某干部出现在表中时，以表中的行替换他的整个列表。
- **历史表**（选拔任用、挂职驻村等）只记载发生过的事，导入它们不会改变干部现在的单位、职务和班子职务——
  这些在“干部”表里填写。
- **全部或全不**：导入前先检查整个工作簿，把所有问题一次列出，每条写明“表名!行号 列名: 问题”（行号就是 Excel
  左边显示的行号），例如 `干部!7 身份证号: 号码校验不通过……`。只要有一个错误，什么都不写入。
- **导出**时，以 `=`、`+`、`-`、`@` 开头的文字按文字写入，Excel 不会把它当公式执行。
- **大小限制**：解压后过大（默认 1 GB，可用环境变量 `CADRE_MAX_XLSX_BYTES` 修改）、一张表超过 200 万行、一个单元格超过 32,767 个字
  （Excel 自己的上限）的工作簿会被拒绝，并说明原因。

## 值的写法

- **年月**：Excel 日期，或文字 `1985.03`、`1985-03`、`1985/3`、`1985年3月`、`198503`。Excel 会把键入的
  `1985.10` 变成数字 1985.1，程序按两位小数读作 1985.10。
- **日期**：Excel 日期，或文字 `2022.06.15`、`2022-6-15`、`2022/06/15`、`2022年6月15日`、`20220615`。
- **是 / 否**：`是`、`否`（也认 `Y`/`N`、`1`/`0`）。**金额**以元为单位。
- **身份证号**必须是文本格式：数字格式的单元格已被 Excel 丢掉了后几位，会被拒绝（`身份证号须为文本格式`）。
- 前后空格自动去掉；全角数字按半角读；可选值比较时不分全角半角、不计引号，例如 `优秀村（社区）党组织书记`
  与 `优秀村(社区)党组织书记` 相同。
- 常见的简称和别称按规范值保存：如 学历 `大学本科` → 大学、`中央党校研究生` → 研究生；民族 `汉` → 汉族；
  政治面貌 `党员` → 中共党员；职级 `副县级` → 副处级；挂职去向 `上级主管单位` → 上级机关。其他不在可选值中的
  值会被拒绝，并列出可选值。
"""

ALLOWANCE = """\
## 津贴标准怎样生效

某月某单位（档次为 T）按这样一行计发：档次为 T、生效日期不晚于该月 1 日的各行中最新的一行；若没有，
用档次为“基础”的最新一行。未定档次的乡镇、街道按“基础”。月标准、编制上浮、年限补助（按整年的乡镇工作
年限计）和年限上限都取自这同一行。已确认发放的月份保留发放时的数额，不随标准修改而变。
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


LONG_LIST = 12  # longer value lists are written under the table, not in it


def _kind(c: Column) -> str:
    if c.kind in ("enum", "education") and len(c.choices) > LONG_LIST:
        return f"从可选值中选（共 {len(c.choices)} 项，见表下）"
    if c.kind in ("enum", "education") and c.choices:
        return ("学历：" if c.kind == "education" else "") + " / ".join(c.choices)
    return KINDS.get(c.kind, c.kind)


def _key(sd: SheetDef) -> str:
    if not sd.key:
        return "无（按干部整体替换）"
    headers = []
    for attr in sd.key:
        try:
            headers.append(sd.header_of(attr))
        except KeyError:
            headers.append(attr)
    return "、".join(headers)


def sheet_section(sd: SheetDef) -> str:
    lines = [f"### {sd.name}", "", f"键：{_key(sd)}。" + (f"{sd.note}。" if sd.note else ""), "",
             "| 列名 | 必填 | 填写 | 说明 |", "|---|---|---|---|"]
    for c in sd.columns:
        lines.append(f"| {_cell(c.header)} | {'是' if c.required else ''} | {_cell(_kind(c))} | {_cell(c.comment)} |")
    long_lists: dict[tuple, list[str]] = {}
    for c in sd.columns:
        if c.kind in ("enum", "education") and len(c.choices) > LONG_LIST:
            long_lists.setdefault(tuple(c.choices), []).append(c.header)
    for choices, headers in long_lists.items():
        lines += ["", f"{'、'.join(headers)}的可选值：{' / '.join(choices)}。"]
    return "\n".join(lines) + "\n"


def markdown() -> str:
    all_sheets = sheets()
    parts = [INTRO, "## 各表\n", "共 " + str(len(all_sheets)) + " 张表，按导入的先后排列（被引用的表在前）："
             + "、".join(sd.name for sd in all_sheets) + "。\n"]
    parts += [sheet_section(sd) for sd in all_sheets]
    if any(sd.name == "津贴标准" for sd in all_sheets):
        parts.append(ALLOWANCE)
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover - the command in the module's docstring
    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdout.write(markdown())
