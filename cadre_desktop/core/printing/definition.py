"""Form definitions: one TOML file per form in forms/, read and checked here.

A definition holds everything about a form's look (page, margins, fonts, titles, labels, widths and
heights in mm, which field fills which cell); the Python code only knows how to draw grids, tables
and flowing blocks. A broken definition is refused with a Chinese message naming the file, the
line and the problem (FormDefinitionError).

The format (see forms/*.toml for complete examples):

    title = "干部任免审批表"        # the form's name in menus and messages
    kind = "grid"                   # grid (fixed cells), table (rows flowing over pages), flow (blocks)
    [page]  size = "A4", orientation = "portrait", margins = {top=…, right=…, bottom=…, left=…}
    [styles.NAME]  font = "宋体", size = 14, min_size = 8, step = 0.5, leading = 1.2, bold = false
    grid:  [[pages]] with columns = [mm, …], width = mm, [pages.heading], [[pages.rows]] of
           height (or min_height) and cells = [{label = …} | {field = …}, …], [pages.below]
    table: [[columns]] of label, field, width, align; header_height, row_height, group_by, …
    flow:  [[blocks]] of type = "heading" | "text" | "grid" | "spacer"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..resources import resource_path
from .errors import FormDefinitionError
from .fonts import ROLES

PAGE_SIZES = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ALIGNS = ("left", "center", "right", "spread")
VALIGNS = ("top", "middle", "bottom")
TOLERANCE = 0.05  # mm: widths must sum to the table width within this

STYLE_KEYS = {"font": str, "size": (int, float), "min_size": (int, float), "step": (int, float),
              "leading": (int, float), "colour": str, "one_line_min": (int, float)}
CELL_KEYS = {"label": str, "field": str, "span": int, "rows": int, "style": str, "align": str, "valign": str,
             "photo": bool, "resume": bool, "hang": (int, float), "footer": str, "grow_if_blank": str,
             "padding": (int, float), "badge": bool, "text": str}
ROW_KEYS = {"height": (int, float), "min_height": (int, float), "repeat": int, "list": str, "cells": list}
HEADING_KEYS = {"text": str, "style": str, "spread": (int, float), "height": (int, float),
                "baseline": (int, float), "align": str, "field": str}
BELOW_KEYS = {"text": str, "field": str, "style": str, "gap": (int, float), "align": str}
GRID_PAGE_KEYS = {"margins": dict, "width": (int, float), "columns": list, "age_columns": list,
                  "heading": dict, "rows": list, "below": dict}
COLUMN_KEYS = {"label": str, "field": str, "width": (int, float), "align": str, "style": str}
BLOCK_KEYS = {"type": str, "text": str, "field": str, "style": str, "align": str, "height": (int, float),
              "space_before": (int, float), "space_after": (int, float), "indent": (int, float),
              "columns": list, "width": (int, float), "rows": list, "spread": (int, float)}
TOP_KEYS = {"title": str, "kind": str, "page": dict, "styles": dict, "options": dict, "pages": list,
            "columns": list, "header_height": (int, float), "row_height": (int, float), "header_style": str,
            "cell_style": str, "heading": dict, "subtitle": dict, "group_by": str, "group_label": str,
            "page_number": dict, "footer": dict, "blocks": list, "colours": dict, "empty_text": str,
            "line_width": (int, float), "cell_padding": (int, float)}
PAGE_KEYS = {"size": str, "orientation": str, "margins": dict}
MARGIN_KEYS = ("top", "right", "bottom", "left")
TYPE_WORDS = {str: "文字（加引号）", int: "整数", float: "数字", bool: "true 或 false", list: "列表 [ … ]",
              dict: "表 { … }", (int, float): "数字（毫米或磅）"}


@dataclass
class Definition:
    """A checked form definition. `data` is the TOML as read (with defaults filled in)."""

    name: str
    path: Path
    data: dict
    text: str = field(repr=False, default="")

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def kind(self) -> str:
        return self.data["kind"]

    def style(self, name: str) -> dict:
        return self.data["styles"][name]

    def page_size_mm(self) -> tuple[float, float]:
        page = self.data["page"]
        w, h = PAGE_SIZES[page["size"]]
        return (h, w) if page["orientation"] == "landscape" else (w, h)

    def option(self, key: str, default=None):
        return self.data.get("options", {}).get(key, default)


# --- finding the line of a key ------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


class _Locator:
    """Finds the line of a key path like ("pages", 1, "rows", 3, "cells", 2, "field") in TOML text,
    for semantic errors (tomllib reports lines only for syntax errors)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers = []  # (line index, dotted name, is array)
        for i, line in enumerate(self.lines):
            m = _HEADER.match(line)
            if m and not line.strip().startswith("#"):
                self.headers.append((i, m.group(1).replace(" ", ""), line.strip().startswith("[[")))

    def line_of(self, path: tuple) -> int | None:
        lo, hi = 0, len(self.lines)
        prefix = ""
        best = None
        i = 0
        while i < len(path):
            step = path[i]
            if isinstance(step, int):
                i += 1
                continue
            name = f"{prefix}.{step}" if prefix else step
            nxt = path[i + 1] if i + 1 < len(path) else None
            tables = [(ln, arr) for ln, n, arr in self.headers if n == name and lo <= ln < hi]
            if tables:
                index = nxt if isinstance(nxt, int) else 0
                if index >= len(tables):
                    return best
                ln = tables[index][0]
                later = [h for h, n, _a in self.headers
                         if h > ln and h < hi and not n.startswith(name + ".")]
                lo, hi = ln, (later[0] if later else hi)
                best = ln + 1
                prefix = name
                i += 2 if isinstance(nxt, int) else 1
                continue
            if not isinstance(nxt, int) and any(n.startswith(name + ".") and lo <= ln < hi
                                                for ln, n, _a in self.headers):
                prefix = name  # only sub-tables have headers ([styles.label]): go one level down
                i += 1
                continue
            # a key inside the current table (possibly an inline table or an array of inline tables)
            pattern = re.compile(rf"(^|[{{,\s]){re.escape(step)}\s*=")
            found = None
            for ln in range(lo, hi):
                text = self.lines[ln].split("#", 1)[0] if "#" in self.lines[ln] else self.lines[ln]
                if pattern.search(text):
                    found = ln
                    break
            if found is None:
                return best
            best = found + 1
            if isinstance(nxt, int):  # the nxt-th { … } of the array that starts on this line
                count = -1
                depth = 0
                for ln in range(found, hi):
                    text = self.lines[ln].split("#", 1)[0]
                    start = text.index("=") + 1 if ln == found else 0
                    for ch in text[start:]:
                        if ch == "[":
                            depth += 1
                        elif ch == "]":
                            depth -= 1
                        elif ch == "{" and depth == 1:
                            count += 1
                            if count == nxt:
                                lo, hi = ln, ln + 1
                                best = ln + 1
                                break
                    else:
                        if depth <= 0 and ln > found:
                            break
                        continue
                    break
                else:
                    return best
                prefix = name
                i += 2
                continue
            lo, hi = found, found + 1
            prefix = name
            i += 1
        return best


# --- checking -----------------------------------------------------------------------------------

class _Checker:
    def __init__(self, name: str, path: Path, text: str, fields: dict[str, str] | None):
        self.name = name
        self.file = path.name
        self.locator = _Locator(text)
        self.fields = fields  # known field names → Chinese labels (None: not checked)

    def fail(self, path: tuple, problem: str):
        raise FormDefinitionError(self.file, self.locator.line_of(path), problem)

    def keys(self, table: dict, allowed: dict, path: tuple, what: str) -> None:
        for key, value in table.items():
            if key not in allowed:
                self.fail(path + (key,), f"{what}中没有“{key}”这一项，可用的有：{'、'.join(allowed)}")
            self.type(value, allowed[key], path + (key,))

    def type(self, value, kind, path: tuple) -> None:
        ok = isinstance(value, kind) and not (kind in (int, (int, float)) and isinstance(value, bool))
        if not ok:
            self.fail(path, f"“{path[-1]}”应为{TYPE_WORDS.get(kind, str(kind))}，实为 {value!r}")

    def require(self, table: dict, key: str, path: tuple, what: str) -> None:
        if key not in table:
            self.fail(path, f"{what}缺少“{key}”")

    def mm(self, value, path: tuple, lo: float = 0.0, hi: float = 1000.0) -> float:
        self.type(value, (int, float), path)
        if not lo < value <= hi:
            self.fail(path, f"“{path[-1]}”的值 {value} 不合理，应在 {lo} 到 {hi} 毫米之间")
        return float(value)

    def choice(self, value, choices, path: tuple) -> None:
        if value not in choices:
            self.fail(path, f"“{path[-1]}”的值“{value}”无效，应为：{' / '.join(choices)}")

    def field_name(self, value: str, path: tuple) -> None:
        if self.fields is not None and value not in self.fields:
            self.fail(path, f"没有字段“{value}”，可用的字段有：{'、'.join(self.fields)}")

    def style_name(self, value: str, styles: dict, path: tuple) -> None:
        if value not in styles:
            self.fail(path, f"没有名为“{value}”的样式，已定义的样式有：{'、'.join(styles)}")

    # the parts

    def check(self, data: dict) -> dict:
        self.keys(data, TOP_KEYS, (), "表格定义")
        for key in ("title", "kind", "page", "styles"):
            self.require(data, key, (), "表格定义")
        self.choice(data["kind"], ("grid", "table", "flow"), ("kind",))
        page = data["page"]
        self.keys(page, PAGE_KEYS, ("page",), "[page]")
        page.setdefault("size", "A4")
        page.setdefault("orientation", "portrait")
        self.choice(page["size"], tuple(PAGE_SIZES), ("page", "size"))
        self.choice(page["orientation"], ("portrait", "landscape"), ("page", "orientation"))
        if "margins" in page:
            self.margins(page["margins"], ("page", "margins"))
        styles = data["styles"]
        for sname, style in styles.items():
            path = ("styles", sname)
            self.type(style, dict, path)
            self.keys(style, STYLE_KEYS, path, f"样式“{sname}”")
            self.require(style, "font", path, f"样式“{sname}”")
            self.require(style, "size", path, f"样式“{sname}”")
            self.choice(style["font"], ROLES, path + ("font",))
            if not 4 <= style["size"] <= 72:
                self.fail(path + ("size",), f"字号 {style['size']} 不合理，应在 4 到 72 磅之间")
            style.setdefault("min_size", style["size"])
            style.setdefault("step", 0.5)
            style.setdefault("leading", 1.25)
            if style["min_size"] > style["size"] or style["min_size"] < 4:
                self.fail(path + ("min_size",), "最小字号应在 4 磅到该样式字号之间")
            if not 0.1 <= style["step"] <= 4:
                self.fail(path + ("step",), "字号步长应在 0.1 到 4 磅之间")
            if not 0.8 <= style["leading"] <= 3:
                self.fail(path + ("leading",), "行距倍数应在 0.8 到 3 之间")
        getattr(self, "check_" + data["kind"])(data)
        return data

    def margins(self, m: dict, path: tuple) -> None:
        for key in m:
            if key not in MARGIN_KEYS:
                self.fail(path + (key,), f"页边距中没有“{key}”，应为 top、right、bottom、left")
        for key in MARGIN_KEYS:
            self.require(m, key, path, "页边距")
            self.mm(m[key], path + (key,), -0.001, 100)

    def heading(self, h: dict, styles: dict, path: tuple) -> None:
        self.keys(h, HEADING_KEYS, path, "标题")
        if "style" in h:
            self.style_name(h["style"], styles, path + ("style",))
        if "field" in h:
            self.field_name(h["field"], path + ("field",))
        if "align" in h:
            self.choice(h["align"], ALIGNS, path + ("align",))
        for key in ("spread", "height", "baseline"):
            if key in h:
                self.mm(h[key], path + (key,))

    def check_grid(self, data: dict) -> None:
        self.require(data, "pages", (), "表格定义")
        styles = data["styles"]
        for key in ("label", "value"):
            if key not in styles:
                self.fail(("styles",), f"网格表须定义样式“{key}”")
        w_page, h_page = self._page_mm(data)
        for p, page in enumerate(data["pages"]):
            path = ("pages", p)
            self.type(page, dict, path)
            self.keys(page, GRID_PAGE_KEYS, path, f"第{p + 1}页")
            for key in ("margins", "columns", "rows", "width"):
                self.require(page, key, path, f"第{p + 1}页")
            self.margins(page["margins"], path + ("margins",))
            m = page["margins"]
            width = self.mm(page["width"], path + ("width",))
            if width > w_page - m["left"] - m["right"] + TOLERANCE:
                self.fail(path + ("width",), f"表格宽 {width} 毫米超出版心（页宽减左右边距为 "
                                            f"{w_page - m['left'] - m['right']:.1f} 毫米）")
            for key in ("columns", "age_columns"):
                if key in page:
                    cols = page[key]
                    for j, c in enumerate(cols):
                        self.mm(c, path + (key, j))
                    if abs(sum(cols) - width) > TOLERANCE:
                        self.fail(path + (key,), f"各列宽之和 {sum(cols):.1f} 毫米与表格宽 {width} 毫米不符")
            if "age_columns" in page and len(page["age_columns"]) != len(page["columns"]):
                self.fail(path + ("age_columns",), "age_columns 的列数应与 columns 相同")
            if "heading" in page:
                self.heading(page["heading"], styles, path + ("heading",))
            if "below" in page:
                self.keys(page["below"], BELOW_KEYS, path + ("below",), "表下文字")
                if "field" in page["below"]:
                    self.field_name(page["below"]["field"], path + ("below", "field"))
                if "style" in page["below"]:
                    self.style_name(page["below"]["style"], styles, path + ("below", "style"))
            self.rows(page["rows"], len(page["columns"]), styles, path + ("rows",))
            total = sum(r.get("height", r.get("min_height", 0)) * r.get("repeat", 1) for r in page["rows"])
            top = page.get("heading", {}).get("height", 0)
            room = h_page - m["top"] - m["bottom"]
            if top + total > room + TOLERANCE:
                self.fail(path + ("rows",), f"标题与各行高度之和 {top + total:.1f} 毫米超出版心高度 {room:.1f} 毫米")

    def rows(self, rows: list, ncols: int, styles: dict, path: tuple) -> None:
        occupied: dict[int, int] = {}  # column → rows still covered by a cell from above
        for r, row in enumerate(rows):
            rpath = path + (r,)
            self.type(row, dict, rpath)
            self.keys(row, ROW_KEYS, rpath, f"第{r + 1}行")
            if "height" not in row and "min_height" not in row:
                self.fail(rpath, f"第{r + 1}行缺少“height”（行高，毫米）")
            for key in ("height", "min_height"):
                if key in row:
                    self.mm(row[key], rpath + (key,), 0, 300)
            if "repeat" in row and not 1 <= row["repeat"] <= 100:
                self.fail(rpath + ("repeat",), "repeat 应为 1 到 100 的整数")
            if "repeat" in row and "list" not in row:
                self.fail(rpath + ("repeat",), "重复的行须用 list 指明列表（如 list = \"family\"）")
            self.require(row, "cells", rpath, f"第{r + 1}行")
            col = 0
            for c, cell in enumerate(row["cells"]):
                cpath = rpath + ("cells", c)
                if not isinstance(cell, dict):
                    self.fail(cpath, "单元格应写成 { label = \"…\" } 或 { field = \"…\" }")
                self.keys(cell, CELL_KEYS, cpath, "单元格")
                kinds = [k for k in ("label", "field", "photo", "text") if k in cell]
                if len(kinds) > 1 and not (set(kinds) <= {"field", "text"}):
                    self.fail(cpath, "一个单元格只能是 label、field、photo 之一")
                while occupied.get(col, 0) > 0:
                    col += 1
                span = cell.get("span", 1)
                if span < 1:
                    self.fail(cpath + ("span",), "span 应为正整数")
                if col + span > ncols:
                    self.fail(cpath, f"第{r + 1}行的单元格超出了 {ncols} 列（列宽之和与表格宽不符）")
                if any(occupied.get(k, 0) > 0 for k in range(col, col + span)):
                    self.fail(cpath, f"第{r + 1}行的单元格与上方跨行的单元格重叠")
                height = cell.get("rows", 1)
                if height < 1:
                    self.fail(cpath + ("rows",), "rows 应为正整数")
                if "field" in cell:
                    name = cell["field"]
                    if row.get("list") and not name.startswith(row["list"] + "."):
                        name = f"{row['list']}.{name}"
                    self.field_name(name, cpath + ("field",))
                if "grow_if_blank" in cell:
                    self.field_name(cell["grow_if_blank"], cpath + ("grow_if_blank",))
                if "style" in cell:
                    self.style_name(cell["style"], styles, cpath + ("style",))
                if "align" in cell:
                    self.choice(cell["align"], ALIGNS, cpath + ("align",))
                if "valign" in cell:
                    self.choice(cell["valign"], VALIGNS, cpath + ("valign",))
                for k in range(col, col + span):
                    occupied[k] = height
                col += span
            while occupied.get(col, 0) > 0:
                col += 1
            if col != ncols:
                self.fail(rpath + ("cells",), f"第{r + 1}行的单元格只占了 {col} 列，表格有 {ncols} 列")
            repeat = row.get("repeat", 1)
            for k in list(occupied):
                occupied[k] -= repeat if occupied[k] >= repeat else occupied[k]
            # a repeated row's cells cover only themselves
        left = [k for k, v in occupied.items() if v > 0]
        if left:
            self.fail(path, "有单元格跨行超出了表格的最后一行")

    def check_table(self, data: dict) -> None:
        self.require(data, "columns", (), "表格定义")
        styles = data["styles"]
        for key in ("header_style", "cell_style"):
            if key in data:
                self.style_name(data[key], styles, (key,))
            elif key.split("_")[0] not in styles:
                self.fail(("styles",), f"流水表须定义样式“{key.split('_')[0]}”（或用 {key} 指定）")
        if "margins" not in data["page"]:
            self.fail(("page",), "[page] 缺少 margins（页边距）")
        w_page, _h = self._page_mm(data)
        m = data["page"]["margins"]
        total = 0.0
        room = w_page - m["left"] - m["right"]
        for c, col in enumerate(data["columns"]):
            cpath = ("columns", c)
            self.type(col, dict, cpath)
            self.keys(col, COLUMN_KEYS, cpath, f"第{c + 1}列")
            for key in ("label", "field", "width"):
                self.require(col, key, cpath, f"第{c + 1}列")
            self.field_name(col["field"], cpath + ("field",))
            total += self.mm(col["width"], cpath + ("width",), 0, room)
            if "align" in col:
                self.choice(col["align"], ALIGNS, cpath + ("align",))
            if "style" in col:
                self.style_name(col["style"], styles, cpath + ("style",))
        if total > room + TOLERANCE:
            self.fail(("columns",), f"各列宽之和 {total:.1f} 毫米超出版心宽 {room:.1f} 毫米")
        for key in ("header_height", "row_height"):
            if key in data:
                self.mm(data[key], (key,), 0, 100)
        for key in ("heading", "subtitle"):
            if key in data:
                self.heading(data[key], styles, (key,))
        if "group_by" in data:
            self.field_name(data["group_by"], ("group_by",))
        for key in ("page_number", "footer"):
            if key in data:
                self.heading(data[key], styles, (key,))

    def check_flow(self, data: dict) -> None:
        self.require(data, "blocks", (), "表格定义")
        if "margins" not in data["page"]:
            self.fail(("page",), "[page] 缺少 margins（页边距）")
        styles = data["styles"]
        w_page, _h = self._page_mm(data)
        m = data["page"]["margins"]
        room = w_page - m["left"] - m["right"]
        for b, block in enumerate(data["blocks"]):
            bpath = ("blocks", b)
            self.type(block, dict, bpath)
            self.keys(block, BLOCK_KEYS, bpath, f"第{b + 1}块")
            self.require(block, "type", bpath, f"第{b + 1}块")
            self.choice(block["type"], ("heading", "text", "grid", "spacer"), bpath + ("type",))
            if "style" in block:
                self.style_name(block["style"], styles, bpath + ("style",))
            if "field" in block:
                self.field_name(block["field"], bpath + ("field",))
            if "align" in block:
                self.choice(block["align"], ALIGNS, bpath + ("align",))
            for key in ("height", "space_before", "space_after", "indent", "spread"):
                if key in block:
                    self.mm(block[key], bpath + (key,), -1, 300)
            if block["type"] == "grid":
                for key in ("columns", "rows", "width"):
                    self.require(block, key, bpath, f"第{b + 1}块（grid）")
                width = self.mm(block["width"], bpath + ("width",))
                if width > room + TOLERANCE:
                    self.fail(bpath + ("width",), f"表格宽 {width} 毫米超出版心宽 {room:.1f} 毫米")
                for j, c in enumerate(block["columns"]):
                    self.mm(c, bpath + ("columns", j))
                if abs(sum(block["columns"]) - width) > TOLERANCE:
                    self.fail(bpath + ("columns",), f"各列宽之和 {sum(block['columns']):.1f} 毫米与表格宽 {width} 毫米不符")
                for key in ("label", "value"):
                    if key not in styles:
                        self.fail(("styles",), f"含 grid 块的表格须定义样式“{key}”")
                self.rows(block["rows"], len(block["columns"]), styles, bpath + ("rows",))
            if block["type"] in ("heading", "text") and "text" not in block and "field" not in block:
                self.fail(bpath, f"第{b + 1}块须有 text 或 field")

    def _page_mm(self, data: dict) -> tuple[float, float]:
        w, h = PAGE_SIZES[data["page"]["size"]]
        return (h, w) if data["page"]["orientation"] == "landscape" else (w, h)


def parse(name: str, text: str, path: Path, fields: dict[str, str] | None = None) -> Definition:
    """Check a definition's text; raises FormDefinitionError naming the file, line and problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(m.group(1)) if m else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        if m:
            problem = f"第{m.group(2)}列附近格式有误（{problem}）"
        raise FormDefinitionError(path.name, line, problem + "。请检查引号、括号和等号是否成对、完整。") from None
    data = _Checker(name, path, text, fields).check(data)
    return Definition(name, path, data, text)


def county_forms_dir() -> Path:
    """Where a county keeps its own edited definitions (they win over the shipped ones and survive
    an upgrade): `forms/` in the data folder."""
    from ...config import data_dir

    return data_dir() / "forms"


def definition_path(name: str) -> Path:
    own = county_forms_dir() / f"{name}.toml"
    return own if own.is_file() else resource_path("forms", f"{name}.toml")


def load(name: str, fields: dict[str, str] | None = None, *, path: str | Path | None = None) -> Definition:
    """Read the form's definition (the county's own in the data folder's forms/, else the shipped
    one, or `path`) and check it against the form's known fields."""
    p = Path(path) if path else definition_path(name)
    try:
        raw = p.read_bytes()
    except OSError:
        raise FormDefinitionError(p.name, None, f"找不到表格定义文件（{p}）") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormDefinitionError(p.name, None, "文件不是 UTF-8 编码；请用记事本“另存为”UTF-8 后再试") from None
    return parse(name, text, p, fields)


def field_label(fields: dict[str, str], name: str) -> str:
    return fields.get(name, name)

