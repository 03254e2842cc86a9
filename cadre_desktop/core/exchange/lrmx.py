"""The 任免审批表 `.lrmx` file (lrmx.md): read one into a cadre dict, write one from a cadre dict.

Reading is lenient about form (BOM or none, any quote style, indent or line ending, any element
order, missing or empty elements, comments, blank padding items, newer elements, every date shape
seen in the wild) and strict about safety and meaning: a file that is not well-formed XML, has
another root, declares entities (XML bombs, external entities), is too large, or is the older
`.lrm` format is refused with a Chinese message. Values are checked by the cadre service
(`services.cadres.check_fields` / `save_cadre`), never here.

What the product does not edit travels with the cadre in `Cadre.lrmx` (a JSON text): the
unknown elements with the known element each followed, the raw texts of 入党时间, 奖惩情况,
年度考核结果 and 填表时间, and the lists as they were read, so that export writes those texts back
exactly as they came unless the clerk has edited the list since.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, tostring
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from ..values import APPRAISAL_RESULTS, DomainError, Month, check_id_number
from . import parse

MAX_BYTES = 10 * 1024 * 1024  # a form with a photo is well under 1 MB
VERSION = "3.2.1.16"
SUFFIX = ".lrmx"

# The official elements, in the official order.
OFFICIAL = (
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian",
    "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "XianRenZhiWu", "NiRenZhiWu",
    "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou", "JiaTingChengYuan",
    "ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian",
    "Version",
)
# Elements that are one text field of the cadre: element → (attribute, kind).
TEXT_FIELDS = {
    "XingMing": "name", "XingBie": "sex", "MinZu": "ethnicity", "JiGuan": "native_place",
    "ChuShengDi": "birthplace", "JianKangZhuangKuang": "health", "ZhuanYeJiShuZhiWu": "title",
    "ShuXiZhuanYeYouHeZhuanChang": "specialty",
    "QuanRiZhiJiaoYu_XueLi": "ft_education_text", "QuanRiZhiJiaoYu_XueWei": "ft_degree",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "ft_school", "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "ft_degree_school",
    "ZaiZhiJiaoYu_XueLi": "ip_education_text", "ZaiZhiJiaoYu_XueWei": "ip_degree",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "ip_school", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "ip_degree_school",
    "XianRenZhiWu": "post", "NiRenZhiWu": "proposed_post", "NiMianZhiWu": "proposed_removal",
    "RenMianLiYou": "appointment_reason", "ChengBaoDanWei": "reporting_unit", "TianBiaoRen": "form_filler",
    "ShenFenZheng": "id_number",
}
MONTH_FIELDS = {"ChuShengNianYue": "birth", "CanJiaGongZuoShiJian": "work_started"}
# The Chinese name of each element, for messages.
LABELS = {
    "XingMing": "姓名", "XingBie": "性别", "ChuShengNianYue": "出生年月", "MinZu": "民族", "JiGuan": "籍贯",
    "ChuShengDi": "出生地", "RuDangShiJian": "入党时间", "CanJiaGongZuoShiJian": "参加工作时间",
    "JianKangZhuangKuang": "健康状况", "ZhuanYeJiShuZhiWu": "专业技术职务", "ShuXiZhuanYeYouHeZhuanChang": "熟悉专业有何专长",
    "QuanRiZhiJiaoYu_XueLi": "全日制学历", "QuanRiZhiJiaoYu_XueWei": "全日制学位",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "全日制毕业院校系及专业",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "全日制学位毕业院校系及专业", "ZaiZhiJiaoYu_XueLi": "在职学历",
    "ZaiZhiJiaoYu_XueWei": "在职学位", "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "在职毕业院校系及专业",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "在职学位毕业院校系及专业", "XianRenZhiWu": "现任职务",
    "NiRenZhiWu": "拟任职务", "NiMianZhiWu": "拟免职务", "JianLi": "简历", "JiangChengQingKuang": "奖惩情况",
    "NianDuKaoHeJieGuo": "年度考核结果", "RenMianLiYou": "任免理由", "JiaTingChengYuan": "家庭主要成员",
    "ChengBaoDanWei": "呈报单位", "JiSuanNianLingShiJian": "计算年龄时间", "TianBiaoShiJian": "填表时间",
    "TianBiaoRen": "填表人", "ShenFenZheng": "身份证号", "ZhaoPian": "照片", "Version": "版本",
}
FAMILY_ELEMENTS = (("ChengWei", "relation"), ("XingMing", "name"), ("ChuShengRiQi", "birth"),
                   ("ZhengZhiMianMao", "political_status"), ("GongZuoDanWeiJiZhiWu", "work"))
# A local element some counties add under Person: read into 政治面貌 and written back in its place.
POLITICAL_ELEMENT = "ZhengZhiMianMao"

# Party names as they stand in 入党时间 for non-CPC members → 政治面貌 (GB/T 4762).
PARTY_NAMES = {
    "中共": "中共党员", "中国共产党": "中共党员", "民革": "民革党员", "民盟": "民盟盟员", "民建": "民建会员",
    "民进": "民进会员", "农工党": "农工党党员", "农工": "农工党党员", "致公党": "致公党党员", "致公": "致公党党员",
    "九三学社": "九三学社社员", "九三": "九三学社社员", "台盟": "台盟盟员", "无党派": "无党派人士",
    "无党派人士": "无党派人士", "群众": "群众", "团员": "共青团员", "共青团员": "共青团员",
}
PARTY_SHORT = {  # 政治面貌 → how 入党时间 writes it
    "民革党员": "民革", "民盟盟员": "民盟", "民建会员": "民建", "民进会员": "民进", "农工党党员": "农工党",
    "致公党党员": "致公党", "九三学社社员": "九三学社", "台盟盟员": "台盟",
}
CPC = ("中共党员", "中共预备党员")


class LrmxError(DomainError):
    """A file refused as a whole: the message names what is wrong (the caller names the file)."""


@dataclass
class LrmxRecord:
    """One file as read: the cadre dict (only what the file carries), and what travels beside it."""

    data: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    id_problem: str | None = None  # why the ID number is missing or invalid; None when valid

    @property
    def name(self) -> str:
        return self.data.get("name") or ""


# --- reading: bytes to a tree ------------------------------------------------------------------

_DECL = re.compile(r"^\s*<\?xml\b[^>]*\?>", re.S)
_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.-]+)["']""")

OLD_FORMAT = ("旧版任免表 .lrm 格式（任免表 2.0）不能直接导入：请用任免表 3.0 编辑器打开后另存为 .lrmx 文件，"
              "再导入。")


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise LrmxError("文件编码无法识别（不是 UTF-8 或 UTF-16 文本）。") from None
    m = _DECL_ENCODING.match(raw)
    declared = m.group(1).decode("ascii").lower() if m else "utf-8"
    codec = "gb18030" if declared in ("gb2312", "gbk", "gb18030") else "utf-8"
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise LrmxError("文件不是 UTF-8 编码的文本，无法读取。") from None


def parse_tree(raw: bytes) -> Element:
    """The <Person> element of a file's bytes; refuses what is not a safe, well-formed form."""
    if not raw.strip():
        raise LrmxError("文件是空的。")
    text = _decode(raw).lstrip("\ufeff")
    head = text.lstrip()
    if head.startswith('"'):
        raise LrmxError(OLD_FORMAT)
    if not head.startswith("<"):
        raise LrmxError("不是 XML 文件（任免审批表 .lrmx 应为 XML 文本）。")
    text = _DECL.sub("", text, count=1)
    try:
        root = SafeET.fromstring(text, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden, DefusedXmlException):
        raise LrmxError("文件含有文档类型定义或实体声明（可能是恶意构造的 XML 炸弹或外部实体引用），"
                        "任免审批表不含这些内容，已拒绝。") from None
    except ParseError as e:
        line, col = getattr(e, "position", (0, 0))
        raise LrmxError(f"不是格式正确的 XML（第 {line} 行第 {col + 1} 列附近出错）。") from None
    if root.tag != "Person":
        raise LrmxError(f"根元素是 <{root.tag}>，不是任免审批表的 <Person>。")
    return root


def read_path(path: str | Path) -> LrmxRecord:
    """Read one file; refuses the older .lrm format, oversized files and unreadable ones."""
    path = Path(path)
    if path.suffix.lower() == ".lrm":
        raise LrmxError(OLD_FORMAT)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LrmxError(f"文件过大（{size / 1024 / 1024:.1f} MB），任免审批表文件不超过 "
                            f"{MAX_BYTES // 1024 // 1024} MB。")
        raw = path.read_bytes()
    except OSError as e:
        raise LrmxError(f"无法读取文件：{e.strerror or e}") from None
    return read_bytes(raw)


# --- reading: values ---------------------------------------------------------------------------

def _text(el: Element | None) -> str | None:
    """An element's text, line endings as LF, trimmed; None when blank."""
    if el is None:
        return None
    t = "".join(el.itertext()) if len(el) else (el.text or "")
    t = t.replace("\r\n", "\n").replace("\r", "\n").strip()
    return t or None


def _raw(el: Element | None) -> str:
    """An element's text with line endings as LF, untrimmed on the inside (for multi-line texts)."""
    if el is None:
        return ""
    return (el.text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()


def clean_name(text: str | None) -> str | None:
    """`赵  磊` → `赵磊`: printed forms pad two-character names with spaces."""
    if not text:
        return None
    return "".join(text.split()).replace("\u3000", "") or None


def fold_ethnicity(text: str | None) -> str | None:
    """`汉` → `汉族` (domain.md); full names and 其他 / 穿青人 as written."""
    if not text:
        return None
    t = text.strip()
    if t in ("其他", "穿青人") or t.endswith("族"):
        return t
    return t + "族"


_MONTH_PREFIX = re.compile(r"(\d{4})[.．年/-](\d{1,2})|(\d{4})(\d{2})")


def read_month(text: str | None, label: str) -> Month | None:
    """A month in any shape seen in forms: yyyyMM, yyyyMMdd, yyyy.MM, yyyy.MM.dd, yyyy-MM, 1985年3月."""
    if not text:
        return None
    t = unicodedata.normalize("NFKC", text).strip()
    try:
        if re.fullmatch(r"\d{8}|\d{4}([./-])\d{1,2}\1\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日", t):
            return Month.of(parse.parse_day(t))
        return parse.parse_month(t)
    except ValueError as e:
        raise LrmxError(f"{label}：{e}") from None


def read_day(text: str | None, label: str) -> dt.date | None:
    if not text:
        return None
    t = unicodedata.normalize("NFKC", text).strip()
    try:
        return parse.parse_day(t)
    except ValueError:
        month = read_month(t, label)  # a month alone: its first day
        return month.first_day() if month else None


def read_party(text: str | None) -> tuple[Month | None, str | None]:
    """入党时间: `199806`, a party name (`民盟`), or both (`199806；民盟`) → (month, 政治面貌)."""
    if not text:
        return None, None
    t = unicodedata.normalize("NFKC", text).strip()
    m = re.match(r"(\d{4}[./-]?\d{1,2}(?:[./-]?\d{1,2})?|\d{4}年\d{1,2}月(?:\d{1,2}日)?)", t)
    month = None
    rest = t
    if m:
        month = read_month(m.group(1), "入党时间")
        rest = t[m.end():]
    rest = rest.strip(" ;；,，、()（）")
    status = None
    if rest:
        status = PARTY_NAMES.get(rest, rest)
    elif month is not None:
        status = "中共党员"
    return month, status


# 简历: `1985.09--1989.07  text`; separators --, —, -, －, ~, ～, 至; 6-digit dates; open end blank or 至今.
_DATE = r"\d{4}(?:[.．]\d{1,2}|年\d{1,2}月?|\d{2})"
_RESUME_LINE = re.compile(
    rf"^\s*(?P<start>{_DATE})\s*(?:--|——|—|－－|－|-|~|～|至)\s*(?:(?P<end>{_DATE})|至今)?\s*(?P<text>.*)$"
)


def _resume_month(text: str) -> Month:
    t = unicodedata.normalize("NFKC", text).replace("年", ".").rstrip("月")
    if re.fullmatch(r"\d{6}", t):
        t = f"{t[:4]}.{t[4:]}"
    return read_month(t, "简历")


def read_resume(text: str | None) -> list[dict]:
    """One entry per line that starts with a date; a line without one continues the entry above."""
    entries: list[dict] = []
    for n, line in enumerate((text or "").split("\n"), 1):
        if not line.strip():
            continue
        m = _RESUME_LINE.match(line)
        if m:
            end = m.group("end")
            entries.append({"start": _resume_month(m.group("start")), "end": _resume_month(end) if end else None,
                            "text": m.group("text").strip()})
        elif entries:
            entries[-1]["text"] = (entries[-1]["text"] + "\n" + line.strip()).strip()
        else:
            raise LrmxError(f"简历第 {n} 行“{line.strip()[:30]}”不以起止年月开头（应如 1985.09--1989.07  经历）。")
    return entries


_PUNISHMENT = re.compile(r"处分|警告|记过|降级|撤职|开除|诫勉|通报批评|免职处理")
_REWARD_DATE = re.compile(r"^\s*(\d{4})\s*(?:年|[.．/-])\s*(\d{1,2})\s*月?(?:\s*\d{1,2}\s*日)?\s*[，,、：:]?\s*")


def read_rewards(text: str | None) -> list[dict]:
    """奖惩情况 as records where a sentence starts with its month (`2019年05月，经XX批准，授予XX。`).
    Sentences that do not parse stay only in the kept text."""
    items = []
    for sentence in re.split(r"[。；;\n]", text or ""):
        m = _REWARD_DATE.match(sentence)
        if not m:
            continue
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            continue
        body = sentence[m.end():].strip(" ，,")
        if not body:
            continue
        approver = re.search(r"经(.+?)(?:批准|决定|研究)", body)
        items.append({"date": day, "kind": "惩戒" if _PUNISHMENT.search(body) else "奖励", "text": body,
                      "approver": approver.group(1).strip() if approver else None})
    return items


_RESULTS = sorted(APPRAISAL_RESULTS, key=len, reverse=True)


def read_appraisals(text: str | None) -> list[dict]:
    """年度考核结果 as (year, result) where a clause names years and a result:
    `2021年度考核优秀`, `2018、2019年年度考核均为合格`, `2020年年度考核优秀;2021年年度考核合格`."""
    by_year: dict[int, str] = {}
    for clause in re.split(r"[。；;，,\n]", unicodedata.normalize("NFKC", text or "")):
        result = next((r for r in _RESULTS if r in clause), None)
        if result is None:
            continue
        years: list[int] = []
        for a, b in re.findall(r"((?:19|20)\d{2})(?:\s*年?\s*(?:-|—|~|～|至)\s*((?:19|20)\d{2}))?", clause):
            years.extend(range(int(a), int(b) + 1) if b and int(b) >= int(a) else [int(a)])
        for y in years:
            by_year[y] = result
    return [{"year": y, "result": r} for y, r in sorted(by_year.items())]


def read_family(el: Element | None) -> list[dict]:
    items = []
    if el is None:
        return items
    for n, item in enumerate(el.findall("Item"), 1):
        values = {attr: _text(item.find(tag)) for tag, attr in FAMILY_ELEMENTS}
        if not any(values.values()):
            continue  # blank items pad the list to 10
        values["name"] = clean_name(values["name"])
        values["birth"] = read_month(values["birth"], f"家庭主要成员第 {n} 项 出生日期")
        items.append(values)
    return items


def read_photo(text: str | None) -> bytes | None:
    if not text:
        return None
    compact = "".join(text.split())
    if compact.startswith("data:") and "," in compact:
        compact = compact.split(",", 1)[1]
    try:
        data = base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise LrmxError("照片：不是有效的 base64 数据。") from None
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        raise LrmxError("照片：不是 JPEG 或 PNG 图片。")
    return data


# --- reading: the whole form -------------------------------------------------------------------

def read_bytes(raw: bytes) -> LrmxRecord:
    """Read a form's bytes into a cadre dict holding only what the file carries."""
    root = parse_tree(raw)
    data: dict[str, Any] = {}
    extra: dict[str, Any] = {"unknown": [], "texts": {}, "as_read": {}}
    known = set(OFFICIAL)
    first: dict[str, Element] = {}
    last_known: str | None = None
    for child in root:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        if child.tag in known:
            first.setdefault(child.tag, child)
            last_known = child.tag
            continue
        if child.tag == POLITICAL_ELEMENT and POLITICAL_ELEMENT not in first:
            first[POLITICAL_ELEMENT] = child
            extra["unknown"].append([last_known, None])  # its place; the value is the cadre's 政治面貌
            continue
        copy = _detached(child)
        extra["unknown"].append([last_known, tostring(copy, encoding="unicode")])

    for tag, attr in TEXT_FIELDS.items():
        if tag in first:
            data[attr] = _text(first[tag])
    if "name" in data:
        data["name"] = clean_name(data["name"])
    if data.get("id_number"):
        data["id_number"] = unicodedata.normalize("NFKC", data["id_number"]).replace(" ", "").upper()
    if "ethnicity" in data:
        data["ethnicity"] = fold_ethnicity(data["ethnicity"])
    for tag, attr in MONTH_FIELDS.items():
        if tag in first:
            data[attr] = read_month(_text(first[tag]), LABELS[tag])
    if "JiSuanNianLingShiJian" in first:
        data["age_date"] = read_day(_text(first["JiSuanNianLingShiJian"]), "计算年龄时间")
    if "TianBiaoShiJian" in first:
        filled = _text(first["TianBiaoShiJian"])
        if filled:
            extra["texts"]["TianBiaoShiJian"] = filled
    if "RuDangShiJian" in first:
        raw_party = _text(first["RuDangShiJian"])
        data["party_joined"], status = read_party(raw_party)
        if raw_party:
            extra["texts"]["RuDangShiJian"] = raw_party
        if status:
            data["political_status"] = status
    if POLITICAL_ELEMENT in first:
        stated = _text(first[POLITICAL_ELEMENT])
        if stated:
            data["political_status"] = PARTY_NAMES.get(stated, stated)
        extra["texts"][POLITICAL_ELEMENT] = stated or ""
    if "political_status" in data or "party_joined" in data:
        extra["as_read"]["party"] = [_plain(data.get("party_joined")), data.get("political_status")]
    if "JianLi" in first:
        data["resumes"] = read_resume(_raw(first["JianLi"]))
    for tag, name, reader in (("JiangChengQingKuang", "rewards", read_rewards),
                              ("NianDuKaoHeJieGuo", "appraisals", read_appraisals)):
        if tag in first:
            t = _raw(first[tag])
            data[name] = reader(t)
            if t:
                extra["texts"][tag] = t
                extra["as_read"][name] = list_key(name, data[name])
    if "JiaTingChengYuan" in first:
        data["family"] = read_family(first["JiaTingChengYuan"])
    if "ZhaoPian" in first:
        photo = read_photo(_text(first["ZhaoPian"]))
        if photo is not None:
            data["photo"] = photo

    problem = None
    if not data.get("id_number"):
        problem = "没有身份证号"
    else:
        try:
            data["id_number"] = check_id_number(data["id_number"]).number
        except ValueError as e:
            problem = f"身份证号“{data['id_number']}”无效：{e}"
    for key in ("unknown", "texts", "as_read"):
        if not extra[key]:
            del extra[key]
    return LrmxRecord(data, extra, problem)


def _detached(el: Element) -> Element:
    """A copy of an unknown element without its tail (the whitespace after it)."""
    copy = Element(el.tag, dict(el.attrib))
    copy.text = el.text
    copy.extend(list(el))
    return copy


def _plain(v: Any) -> Any:
    if isinstance(v, Month):
        return v.code
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def list_key(name: str, items: list[dict]) -> list:
    """A list in a comparable JSON form: to tell whether the clerk edited it since it was read."""
    from ..services.cadres import normalized_items

    return [{k: _plain(v) for k, v in it.items()} for it in normalized_items(name, items)]


# --- writing -----------------------------------------------------------------------------------

def _month_code(v: Month | None) -> str:
    return f"{v.year:04d}{v.month:02d}" if v else ""


def _esc(text: str | None) -> str:
    """Escaped element text; line breaks as CRLF written `&#13;` + LF so a parser keeps them."""
    if not text:
        return ""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "&#13;\n".join(escape(line) for line in lines)


def resume_text(items: list[dict]) -> str:
    lines = []
    for it in items:
        text_lines = (it.get("text") or "").split("\n")
        end = _dot(it.get("end")) if it.get("end") else ""
        lines.append(f"{_dot(it['start'])}--{end or '       '}  {text_lines[0]}".rstrip())
        lines.extend(" " * 18 + more.strip() for more in text_lines[1:])
    return "\n".join(lines)


def _dot(m: Month | None) -> str:
    return str(m) if m else ""


def rewards_text(items: list[dict]) -> str:
    out = []
    for it in items:
        d = it.get("date")
        out.append(f"{d.year}年{d.month:02d}月，{it.get('text') or ''}" if d else (it.get("text") or ""))
    return "\n".join(x.rstrip("。") + "。" for x in out)


def appraisals_text(items: list[dict]) -> str:
    return "；".join(f"{it['year']}年度考核{it['result']}" for it in items) + ("。" if items else "")


def write_bytes(cadre: dict, extra: dict | None = None, *, today: dt.date | None = None) -> bytes:
    """The .lrmx file of a cadre dict (as services.cadres.get_cadre gives it)."""
    extra = extra or {}
    texts = extra.get("texts", {})
    as_read = extra.get("as_read", {})
    values: dict[str, str] = {}
    for tag, attr in TEXT_FIELDS.items():
        values[tag] = _esc(cadre.get(attr))
    values["ChuShengNianYue"] = _month_code(cadre.get("birth"))
    values["CanJiaGongZuoShiJian"] = _month_code(cadre.get("work_started"))
    party_now = [_plain(cadre.get("party_joined")), cadre.get("political_status")]
    if "RuDangShiJian" in texts and as_read.get("party") == party_now:
        values["RuDangShiJian"] = _esc(texts["RuDangShiJian"])
    else:
        code = _month_code(cadre.get("party_joined"))
        short = PARTY_SHORT.get(cadre.get("political_status") or "")
        values["RuDangShiJian"] = _esc("；".join(x for x in (code, short) if x))
    values["JianLi"] = _esc(resume_text(cadre.get("resumes") or []))
    for tag, name, writer in (("JiangChengQingKuang", "rewards", rewards_text),
                              ("NianDuKaoHeJieGuo", "appraisals", appraisals_text)):
        items = cadre.get(name) or []
        if tag in texts and as_read.get(name) == list_key(name, items):
            values[tag] = _esc(texts[tag])  # as it came: the clerk has not edited the list
        else:
            values[tag] = _esc(writer(items))
    age_date = cadre.get("age_date")
    values["JiSuanNianLingShiJian"] = age_date.strftime("%Y%m%d") if age_date else ""
    filled = texts.get("TianBiaoShiJian")
    try:
        filled_day = read_day(filled, "填表时间") if filled else None
    except LrmxError:
        filled_day = None
    values["TianBiaoShiJian"] = (filled_day or today or dt.date.today()).strftime("%Y%m%d")
    photo = cadre.get("photo")
    values["ZhaoPian"] = base64.b64encode(photo).decode("ascii") if photo else ""
    values["Version"] = VERSION

    unknown: dict[str | None, list[str]] = {}
    for after, xml in extra.get("unknown", []):
        if xml is None:  # the local ZhengZhiMianMao under Person: written with the current value
            xml = f"<{POLITICAL_ELEMENT}>{_esc(cadre.get('political_status'))}</{POLITICAL_ELEMENT}>"
        unknown.setdefault(after if after in OFFICIAL else None, []).append(xml)

    out = ['<?xml version="1.0" encoding="utf-8"?>', "<Person>"]
    out.extend("  " + x for x in unknown.get(None, []))
    for tag in OFFICIAL:
        if tag == "JiaTingChengYuan":
            out.extend(_family_lines(cadre.get("family") or []))
        else:
            out.append(f"  <{tag}>{values.get(tag, '')}</{tag}>")
        out.extend("  " + x for x in unknown.get(tag, []))
    out.append("</Person>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _family_lines(items: list[dict]) -> list[str]:
    if not items:
        return ["  <JiaTingChengYuan></JiaTingChengYuan>"]
    lines = ["  <JiaTingChengYuan>"]
    for it in items:
        lines.append("    <Item>")
        for tag, attr in FAMILY_ELEMENTS:
            v = _month_code(it.get(attr)) if attr == "birth" else _esc(it.get(attr))
            lines.append(f"      <{tag}>{v}</{tag}>")
        lines.append("    </Item>")
    lines.append("  </JiaTingChengYuan>")
    return lines


def dump_extra(extra: dict) -> str | None:
    return json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None


def load_extra(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_file_name(stem: str) -> str:
    """A name Windows accepts: no reserved characters or names, no trailing dot or space."""
    s = _UNSAFE.sub("_", stem).strip().rstrip(". ") or "未命名"
    if s.split(".")[0].upper() in _RESERVED:
        s = "_" + s
    return s[:100]
