"""Value types and rules that hold everywhere: months, ages, ID numbers, education levels.

Pure Python, no database, no Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class DomainError(Exception):
    """A refusal a clerk can read. The message is Chinese and says what and where."""

    def __init__(self, message: str, *, field: str | None = None, errors: list | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        # For validation of a whole record: a list of (field, message) pairs.
        self.errors = errors or ([(field, message)] if field else [])


class StaleEdit(DomainError):
    """The record was changed (or removed) by someone else since this clerk loaded it: nothing
    was saved. The window shows what changed (core.conflicts) and offers to reload or to re-apply."""


class PermissionDenied(DomainError):
    """The signed-in account's role does not allow the action."""


@dataclass(frozen=True, order=True)
class Month:
    """A month of a person's career (`1985.03`). Stored as the integer yyyymm."""

    year: int
    month: int

    def __post_init__(self):
        if not (1 <= self.month <= 12) or not (1800 <= self.year <= 2200):
            raise ValueError(f"无效的年月：{self.year}.{self.month}")

    def __str__(self) -> str:
        return f"{self.year:04d}.{self.month:02d}"

    @property
    def code(self) -> int:
        return self.year * 100 + self.month

    @classmethod
    def from_code(cls, code: int) -> Month:
        return cls(code // 100, code % 100)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def add_months(self, n: int) -> Month:
        return Month.from_index(self.index + n)


def month_text(value: Month | None) -> str:
    """A month as clerks write it: `1985.03`; "" for none."""
    return str(value) if value else ""


def day_text(value: dt.date | dt.datetime | None) -> str:
    """A day as clerks write it: `2022.06.15`; "" for none. The one date format a user reads
    (window, messages, exports, printed forms); only `--json` output and file names use ISO."""
    if not value:
        return ""
    return f"{value.year:04d}.{value.month:02d}.{value.day:02d}"


def moment_text(value: dt.datetime | None) -> str:
    """A moment as clerks write it: `2022.06.15 14:03`."""
    if not value:
        return ""
    return f"{day_text(value)} {value.hour:02d}:{value.minute:02d}"


def whole_years(start: Month, at: Month | dt.date) -> int:
    """Whole years from `start` to `at`, counted by month (born 1990.07: 32 at 2022.07, 31 at 2022.06)."""
    if isinstance(at, dt.date):
        at = Month.of(at)
    return (at.index - start.index) // 12


def age_at(birth: Month | None, at: Month | dt.date) -> int | None:
    if birth is None:
        return None
    return whole_years(birth, at)


def birth_code_bound(age: int, at: dt.date) -> int:
    """The smallest birth month code (yyyymm) of a person aged at most `age` at `at`.

    age <= A  <=>  at_index - birth_index < 12 * (A + 1)  <=>  birth_index > at_index - 12 * (A + 1)
    """
    at_index = Month.of(at).index
    return Month.from_index(at_index - 12 * (age + 1) + 1).code


# --- ID numbers (GB 11643) ---------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    sex: str
    birth: Month
    birth_day: dt.date


ID_CHECK_FAILED = "号码校验不通过，其中有数字录错（不一定是最后一位），请对照身份证逐位核对"


def check_id_number(value: str) -> IdInfo:
    """Validate a resident ID number; return what it says. Raises ValueError with a Chinese message."""
    s = value.strip().upper()
    if len(s) != 18:
        raise ValueError(f"应为18位，实为{len(s)}位")
    if not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X"):
        raise ValueError("前17位须为数字，末位为数字或X")
    try:
        day = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise ValueError(f"出生日期{s[6:14]}无效") from None
    if day.year < 1900 or day > dt.date.today():
        raise ValueError(f"出生日期{s[6:14]}无效")
    expected = id_check_digit(s[:17])
    if s[17] != expected:
        # A wrong check digit says only that some digit is wrong: a mistyped digit anywhere changes
        # the sum, so "the last digit should be …" would invite a clerk to make a wrong number pass.
        raise ValueError(ID_CHECK_FAILED)
    sex = "男" if int(s[16]) % 2 == 1 else "女"
    return IdInfo(s, sex, Month(day.year, day.month), day)


# --- Enumerations -------------------------------------------------------------------------

UNIT_KINDS = ("乡镇", "街道", "县直部门", "其他")
TOWNSHIP_KINDS = ("乡镇", "街道")
TIERS = ("一档", "二档", "三档")
SEXES = ("男", "女")
EDUCATION_LEVELS = ("研究生", "大学", "大专", "中专", "高中及以下")
CADRE_LEVELS = ("县级领导", "正科级", "副科级", "一般干部")
STAFFING_TYPES = ("行政编制", "参公事业编制", "事业编制", "其他")
FIVE_CATEGORIES = ("优秀村(社区)党组织书记", "选调生", "大学生村官", "乡镇事业编制人员", "驻村第一书记")
STATUSES = ("在职", "退休", "调出", "去世")
APPRAISAL_RESULTS = ("优秀", "称职", "基本称职", "不称职", "合格", "基本合格", "不合格", "不定等次")
REWARD_KINDS = ("奖励", "惩戒")
ROLES = ("管理员", "录入员", "查阅")

EDUCATION_SYNONYMS = {
    "研究生": "研究生",
    "硕士研究生": "研究生",
    "博士研究生": "研究生",
    "党校研究生": "研究生",
    "中央党校研究生": "研究生",
    "省委党校研究生": "研究生",
    "硕士": "研究生",
    "博士": "研究生",
    "大学": "大学",
    "本科": "大学",
    "大学本科": "大学",
    "党校大学": "大学",
    "中央党校大学": "大学",
    "省委党校大学": "大学",
    "大专": "大专",
    "大学专科": "大专",
    "专科": "大专",
    "党校大专": "大专",
    "中专": "中专",
    "中等专科": "中专",
    "高中及以下": "高中及以下",
    "高中": "高中及以下",
    "初中": "高中及以下",
    "小学": "高中及以下",
}


def education_level(text: str | None) -> str | None:
    """Map an education as written (`大学本科`, `中央党校大学`) to one of EDUCATION_LEVELS."""
    if not text:
        return None
    t = text.strip()
    if t in EDUCATION_SYNONYMS:
        return EDUCATION_SYNONYMS[t]
    for word in sorted(EDUCATION_SYNONYMS, key=len, reverse=True):
        if t.endswith(word) or t.startswith(word):
            return EDUCATION_SYNONYMS[word]
    return None


def level_rank(level: str | None) -> int:
    return CADRE_LEVELS.index(level) if level in CADRE_LEVELS else len(CADRE_LEVELS)


def education_rank(level: str | None) -> int:
    return EDUCATION_LEVELS.index(level) if level in EDUCATION_LEVELS else len(EDUCATION_LEVELS)


AGE_BANDS = (("≤30", None, 30), ("31–35", 31, 35), ("36–40", 36, 40), ("41–45", 41, 45), (">45", 46, None))


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    for label, lo, hi in AGE_BANDS:
        if (lo is None or age >= lo) and (hi is None or age <= hi):
            return label
    return None


# --- Code lists of the cadre file (民族, 政治面貌, 职级, 学位, 健康状况) ------------------------
# Input folds common short forms to the listed value (汉 → 汉族, 党员 → 中共党员); anything else
# is refused with the allowed values listed. The lists are those of domain.md.

# GB/T 3304, in its order; 穿青人 where a county records it; 其他.
ETHNICITIES = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
    "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
    "穿青人", "其他",
)
# GB/T 4762, with 中国共产党党员 shown as 中共党员 (as the 任免审批表 writes it).
POLITICAL_STATUSES = (
    "中共党员", "中共预备党员", "共青团员", "民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员",
    "九三学社社员", "台盟盟员", "无党派人士", "群众",
)
# Posts' levels (职务层次) and the civil-service ranks (职级, 2019), then the management grades of
# public institutions (事业单位管理岗位).
POST_LEVELS = ("正处级", "副处级", "正科级", "副科级", "科员", "办事员")
CIVIL_SERVICE_RANKS = (
    "一级巡视员", "二级巡视员", "一级调研员", "二级调研员", "三级调研员", "四级调研员",
    "一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员", "一级科员", "二级科员",
)
_GRADE_NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
MANAGEMENT_GRADES = tuple(f"管理{n}级" for n in _GRADE_NUMBERS)
RANKS = POST_LEVELS + CIVIL_SERVICE_RANKS + MANAGEMENT_GRADES
# 学位 (GB/T 6864): the bare degree, degree by discipline (法学学士), the professional degrees.
DISCIPLINES = ("哲学", "经济学", "法学", "教育学", "文学", "历史学", "理学", "工学", "农学", "医学", "军事学",
               "管理学", "艺术学", "交叉学科")
PROFESSIONAL_DEGREES = (
    "公共管理硕士", "工商管理硕士", "法律硕士", "教育硕士", "工程硕士", "农业硕士", "农业推广硕士", "社会工作硕士",
    "会计硕士", "金融硕士", "公共卫生硕士", "临床医学硕士", "翻译硕士", "新闻与传播硕士", "兽医硕士", "风景园林硕士",
    "工商管理博士", "工程博士",
)
DEGREES = ("学士", "硕士", "博士") + tuple(f"{d}{lv}" for lv in ("学士", "硕士", "博士") for d in DISCIPLINES) \
    + PROFESSIONAL_DEGREES
HEALTH_STATES = ("健康", "良好", "一般", "较弱", "有慢性病", "残疾")


def _synonyms() -> dict[str, dict[str, str]]:
    ethnic = {name.removesuffix("族"): name for name in ETHNICITIES[:56]}
    ethnic.update({"穿青族": "穿青人", "未识别民族": "其他", "外国血统": "其他"})
    political = {
        "中国共产党党员": "中共党员", "共产党员": "中共党员", "党员": "中共党员", "中共": "中共党员",
        "中国共产党预备党员": "中共预备党员", "预备党员": "中共预备党员",
        "中国共产主义青年团团员": "共青团员", "共青团团员": "共青团员", "团员": "共青团员",
        "中国国民党革命委员会会员": "民革党员", "民革会员": "民革党员", "民革": "民革党员",
        "中国民主同盟盟员": "民盟盟员", "民盟": "民盟盟员",
        "中国民主建国会会员": "民建会员", "民建": "民建会员",
        "中国民主促进会会员": "民进会员", "民进": "民进会员",
        "中国农工民主党党员": "农工党党员", "农工党": "农工党党员", "农工民主党党员": "农工党党员",
        "中国致公党党员": "致公党党员", "致公党": "致公党党员",
        "九三学社": "九三学社社员",
        "台湾民主自治同盟盟员": "台盟盟员", "台盟": "台盟盟员",
        "无党派民主人士": "无党派人士", "无党派": "无党派人士",
        "普通群众": "群众",
    }
    ranks = {"正县级": "正处级", "副县级": "副处级", "县处级正职": "正处级", "县处级副职": "副处级",
             "正科": "正科级", "副科": "副科级", "乡科级正职": "正科级", "乡科级副职": "副科级",
             "科员级": "科员", "办事员级": "办事员"}
    for n in _GRADE_NUMBERS:
        ranks[f"{n}级职员"] = f"管理{n}级"
        ranks[f"管理岗{n}级"] = f"管理{n}级"
        ranks[f"管理岗位{n}级"] = f"管理{n}级"
    degrees = {f"{d}学位": d for d in DEGREES}
    degrees.update({"大学学士": "学士", "MPA": "公共管理硕士", "MBA": "工商管理硕士", "JM": "法律硕士"})
    health = {"身体健康": "健康", "健康或良好": "健康", "好": "良好", "一般或较弱": "一般", "较差": "较弱",
              "差": "较弱"}
    return {"ethnicity": ethnic, "political_status": political, "rank": ranks, "degree": degrees, "health": health}


CODE_SYNONYMS = _synonyms()
# The cadre's attributes that take a code list, with the list and the synonyms folded to it.
CODE_FIELDS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "ethnicity": (ETHNICITIES, CODE_SYNONYMS["ethnicity"]),
    "political_status": (POLITICAL_STATUSES, CODE_SYNONYMS["political_status"]),
    "health": (HEALTH_STATES, CODE_SYNONYMS["health"]),
    "rank": (RANKS, CODE_SYNONYMS["rank"]),
    "ft_degree": (DEGREES, CODE_SYNONYMS["degree"]),
    "ip_degree": (DEGREES, CODE_SYNONYMS["degree"]),
}


def fold_code(attr: str, value: str | None) -> str | None:
    """The listed value `value` stands for (`汉` → 汉族, `党员` → 中共党员), the value itself when
    it is listed, or None when it is neither. Compares after NFKC folding, without spaces and
    quotation marks (full-width and half-width forms match)."""
    import unicodedata

    if value is None:
        return None
    choices, synonyms = CODE_FIELDS[attr]
    key = "".join(unicodedata.normalize("NFKC", str(value)).split()).strip("“”\"'")
    for choice in choices:
        if key == choice:
            return choice
    return synonyms.get(key) or synonyms.get(key.upper())
