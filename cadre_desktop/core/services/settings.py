"""Settings a county can change (the young-cadre bound, …), stored in the database."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from ..models import Setting
from ..values import DomainError
from . import audit
from .accounts import Actor, require

DEFAULTS = {
    "young_age": 35,  # 年轻干部: age ≤ this at the reference date
    "mentoring_talk_days": 90,  # 结对帮带: a 谈心谈话 at least this often (days)
    "mentoring_report_period": "quarter",  # 结对帮带: a 定期汇报 in every period (month / quarter / year)
    "backup_keep": 10,  # automatic backups kept beside the database (the oldest are removed)
    "tag_window_months": 24,  # 容错纠错: a decided case tags the cadre for this many months
    "tolerance_colours": {  # 容错纠错: what each colour means and what it does to lists
        "绿": {"meaning": "予以容错免责", "effect": "none"},
        "黄": {"meaning": "从轻或减轻处理，须纠错整改", "effect": "warn_while_correcting"},
        "红": {"meaning": "不予容错，依规依纪处理", "effect": "exclude_decision_year"},
    },
    "print_fonts": {},  # 打印字体: {role: path of a TrueType font} used where the PC lacks the system font
}
LABELS = {"young_age": "年轻干部年龄上限", "mentoring_talk_days": "谈心谈话间隔天数",
          "mentoring_report_period": "定期汇报周期", "tag_window_months": "容错纠错标记期限（月）",
          "tolerance_colours": "容错纠错颜色含义及影响", "print_fonts": "打印字体",
          "backup_keep": "自动备份保留份数"}
REPORT_PERIODS = {"month": "每月", "quarter": "每季度", "year": "每年"}
# What a colour does to commendation and promotion lists.
COLOUR_EFFECTS = {
    "none": "无影响",
    "warn_while_correcting": "整改期间（整改中）提醒",
    "warn_decision_year": "认定当年提醒",
    "exclude_decision_year": "认定当年排除，次年提醒",
}


def _check_colours(value) -> None:
    if not isinstance(value, dict) or set(value) != {"绿", "黄", "红"}:
        raise DomainError("颜色表须且只须包含 绿、黄、红 三种颜色。", field="tolerance_colours")
    for colour, row in value.items():
        if not isinstance(row, dict) or not str(row.get("meaning") or "").strip():
            raise DomainError(f"请填写“{colour}”的含义。", field="tolerance_colours")
        if len(str(row["meaning"])) > 100:
            raise DomainError(f"“{colour}”的含义不超过100字。", field="tolerance_colours")
        if row.get("effect") not in COLOUR_EFFECTS:
            raise DomainError(f"“{colour}”的影响应为：{' / '.join(COLOUR_EFFECTS.values())}", field="tolerance_colours")


def _check_int(key: str, lo: int, hi: int):
    def check(value) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise DomainError(f"{LABELS[key]}应为{lo}到{hi}之间的整数。", field=key)
    return check


def _check_period(value) -> None:
    if value not in REPORT_PERIODS:
        raise DomainError(f"定期汇报周期应为：{' / '.join(REPORT_PERIODS.values())}", field="mentoring_report_period")


def _check_print_fonts(value) -> None:
    from ..printing import fonts  # ReportLab is only loaded when a font is set

    if not isinstance(value, dict):
        raise DomainError("打印字体应为“字体：文件路径”的对照。", field="print_fonts")
    for role, path in value.items():
        if role not in fonts.ROLES:
            raise DomainError(f"未知的打印字体“{role}”，应为：{'、'.join(fonts.ROLES)}", field="print_fonts")
        if not isinstance(path, str) or not path.strip():
            raise DomainError(f"请填写{role}的字体文件路径。", field="print_fonts")
        fonts.check_font_file(path)


VALIDATORS = {
    "print_fonts": _check_print_fonts,
    "mentoring_talk_days": _check_int("mentoring_talk_days", 7, 366),
    "tag_window_months": _check_int("tag_window_months", 1, 120),
    "backup_keep": _check_int("backup_keep", 1, 100),
    "mentoring_report_period": _check_period,
    "tolerance_colours": _check_colours,
}


def get(session: Session, key: str):
    row = session.get(Setting, key)
    return json.loads(row.value) if row else DEFAULTS[key]


def young_age(session: Session) -> int:
    return int(get(session, "young_age"))


def put(session: Session, *, actor: Actor, key: str, value) -> None:
    require(actor, "admin")
    if key not in DEFAULTS:
        raise DomainError(f"没有设置项“{key}”。")
    if key == "young_age" and (not isinstance(value, int) or not 18 <= value <= 60):
        raise DomainError("年轻干部年龄上限应为18到60之间的整数。", field=key)
    if key in VALIDATORS:
        VALIDATORS[key](value)
    row = session.get(Setting, key)
    before = json.loads(row.value) if row else DEFAULTS[key]
    if row is None:
        row = Setting(key=key, value=json.dumps(value))
        session.add(row)
    else:
        row.value = json.dumps(value)
    if before != value:
        audit.record(session, actor, "修改", "setting", None, LABELS.get(key, key), {LABELS.get(key, key): before},
                     {LABELS.get(key, key): value})
