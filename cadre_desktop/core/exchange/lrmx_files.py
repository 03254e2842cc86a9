"""Import .lrmx files (one, several, a folder) and export cadres to .lrmx files.

Import runs in two steps so that the window can show what would happen before anything is
written: `plan_import` reads every file and says, per file, new / update (with the changes field
by field, before → after) / no change / refused (with the reason); `apply_import` writes the
chosen plans, each file all or nothing (a savepoint per file), so a file that fails leaves the
others imported. Every write goes through `services.cadres.save_cadre` (its validation, its
audit event) and one more audit event names the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy.orm import Session

from ..models import Cadre
from ..services import audit, cadres
from ..services.accounts import Actor, require
from ..values import DomainError, check_id_number
from . import lrmx
from .sheets import Cancelled

STATUS_LABELS = {"new": "新增", "update": "更新", "same": "无变化", "confirm": "需确认", "refused": "拒绝"}
NO_ID_HINT = "身份证号是干部的唯一标识，没有有效身份证号的任免表须确认后才作为新档案导入（命令行加 --allow-no-id）。"
EXTRA_LABEL = "任免表其他内容"


@dataclass
class FilePlan:
    """What importing one file would do."""

    path: str
    status: str  # new, update, same, confirm (new record without a valid ID number), refused
    reason: str = ""
    name: str = ""
    id_number: str | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)
    cadre_id: int | None = None
    version: int | None = None
    record: lrmx.LrmxRecord | None = None

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def writable(self) -> bool:
        return self.status in ("new", "update", "confirm")


@dataclass
class ImportSummary:
    added: list[FilePlan] = field(default_factory=list)
    updated: list[FilePlan] = field(default_factory=list)
    unchanged: list[FilePlan] = field(default_factory=list)
    refused: list[FilePlan] = field(default_factory=list)

    def line(self) -> str:
        return (f"新增 {len(self.added)}，更新 {len(self.updated)}，无变化 {len(self.unchanged)}，"
                f"拒绝 {len(self.refused)}")

    def refusals(self) -> list[str]:
        return [f"{p.file_name}：{p.reason}" for p in self.refused]


Progress = Callable[[int, int, str], None] | None
Check = Callable[[], bool] | None


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to read: each file named, and the .lrmx (and old .lrm) files in each folder named."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted((f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in (".lrmx", ".lrm")),
                              key=lambda f: str(f)))
        else:
            out.append(p)
    return out


def _display(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, list):
        return "\n".join(value) if value else "（无）"
    return str(value)


def _complete_from_id(data: dict) -> None:
    """A blank 出生年月 or 性别 is taken from the ID number, as the service would store it."""
    if not data.get("id_number"):
        return
    try:
        info = check_id_number(data["id_number"])
    except ValueError:
        return
    if "birth" in data and data["birth"] is None:
        data["birth"] = info.birth
    if "sex" in data and not data["sex"]:
        data["sex"] = info.sex


def _errors_text(errors: list[tuple[str, str]]) -> str:
    return "；".join(f"{cadres.field_label(a)}：{m}" for a, m in errors)


def plan_file(session: Session, path: str | Path, *, seen: dict[str, str] | None = None) -> FilePlan:
    """Read one file and say what importing it would do; writes nothing."""
    path = Path(path)
    plan = FilePlan(str(path), "refused")
    if not path.exists():
        plan.reason = "找不到该文件。"
        return plan
    try:
        record = lrmx.read_path(path)
    except DomainError as e:
        plan.reason = e.message
        return plan
    data = dict(record.data)
    plan.name = data.get("name") or ""
    plan.record = record
    if record.id_problem:
        return _plan_without_id(plan, record)
    plan.id_number = data["id_number"]
    if seen is not None:
        if plan.id_number in seen:
            plan.reason = f"与同批的“{seen[plan.id_number]}”是同一身份证号，只导入前一个文件。"
            return plan
        seen[plan.id_number] = path.name
    _complete_from_id(data)
    plan.record = lrmx.LrmxRecord(data, record.extra, None)
    existing = cadres.find_by_id_number(session, plan.id_number)
    if existing is None:
        checked = dict(data, unit_id=None, level=None, _allow_incomplete=True)
        checked.setdefault("name", None)
        errors = cadres.check_fields(checked)
        if errors:
            plan.reason = _errors_text(errors)
            return plan
        plan.status = "new"
        return plan

    current = cadres.get_cadre(session, existing.id)
    plan.cadre_id, plan.version = existing.id, existing.version
    merged = {**current, **{k: v for k, v in data.items() if k != "photo"}}
    errors = cadres.check_fields(dict(merged, _allow_incomplete=existing.incomplete))
    if errors:
        plan.reason = _errors_text(errors)
        return plan
    names = {existing.unit_id: current.get("unit_name")} if existing.unit_id else {}
    before, after = cadres.snapshot(current, names), cadres.snapshot(merged, names)
    plan.changes = [(k, _display(before.get(k)), _display(after.get(k))) for k in after if before.get(k) != after.get(k)]
    if "photo" in data and data["photo"] != current.get("photo"):
        plan.changes.append(("照片", "有" if current.get("photo") else "无", "已更换" if current.get("photo") else "有"))
    if lrmx.load_extra(existing.lrmx) != record.extra:
        plan.changes.append((EXTRA_LABEL, "—", "按本文件保存（未识别的元素、奖惩和考核原文等）"))
    plan.status = "update" if plan.changes else "same"
    return plan


def _plan_without_id(plan: FilePlan, record: lrmx.LrmxRecord) -> FilePlan:
    """A form without a valid ID number: a new record once the clerk confirms, if it passes the rules."""
    data = dict(record.data)
    stated = data.pop("id_number", None)
    data["id_number"] = None
    if stated:
        note = f"任免表中的身份证号“{stated}”无效，导入时未采用。"
        data["notes"] = f"{data['notes']}\n{note}" if data.get("notes") else note
    errors = cadres.check_fields(dict(data, unit_id=None, level=None, _allow_incomplete=True, _allow_no_id=True))
    if errors:
        plan.reason = f"{record.id_problem}；{_errors_text(errors)}"
        return plan
    plan.record = lrmx.LrmxRecord(data, record.extra, record.id_problem)
    plan.status = "confirm"
    plan.reason = f"{record.id_problem}：{NO_ID_HINT}"
    return plan


def plan_import(session: Session, paths: Iterable[str | Path], *, progress: Progress = None,
                cancelled: Check = None) -> list[FilePlan]:
    files = collect_files(paths)
    seen: dict[str, str] = {}
    plans = []
    for i, path in enumerate(files):
        if cancelled and cancelled():
            raise Cancelled()
        if progress:
            progress(i, len(files), path.name)
        plans.append(plan_file(session, path, seen=seen))
    if progress:
        progress(len(files), len(files), "读取完成")
    return plans


def apply_import(session: Session, *, actor: Actor, plans: list[FilePlan], allow_no_id: bool = False,
                 progress: Progress = None, cancelled: Check = None) -> ImportSummary:
    """Write the plans; each file all or nothing. Refused plans are reported as they are; a file
    without a valid ID number is written as a new record only with `allow_no_id` (the clerk confirmed)."""
    require(actor, "import")
    summary = ImportSummary()
    for i, plan in enumerate(plans):
        if cancelled and cancelled():
            raise Cancelled()
        if progress:
            progress(i, len(plans), plan.file_name)
        if plan.status == "refused" or (plan.status == "confirm" and not allow_no_id):
            summary.refused.append(plan)
            continue
        if plan.status == "same":
            summary.unchanged.append(plan)
            continue
        savepoint = session.begin_nested()
        try:
            cadre_id = _write(session, actor, plan)
            savepoint.commit()
        except DomainError as e:
            savepoint.rollback()
            audit.forget_head(session)
            plan.status, plan.reason = "refused", e.message
            summary.refused.append(plan)
            continue
        plan.cadre_id = cadre_id
        (summary.updated if plan.status == "update" else summary.added).append(plan)
    if progress:
        progress(len(plans), len(plans), "导入完成")
    return summary


def _write(session: Session, actor: Actor, plan: FilePlan) -> int:
    record = plan.record
    assert record is not None
    data = dict(record.data)
    if plan.status == "confirm":
        cadre_id = cadres.save_cadre(session, actor=actor, data=data, allow_incomplete=True, allow_no_id=True)
    elif plan.status == "new":
        if cadres.find_by_id_number(session, plan.id_number) is not None:
            raise DomainError("该身份证号的干部已在读取文件后由他人录入，请重新导入以查看变化。")
        cadre_id = cadres.save_cadre(session, actor=actor, data=data, allow_incomplete=True)
    else:
        cadre_id = cadres.save_cadre(session, actor=actor, data=data, cadre_id=plan.cadre_id, version=plan.version)
    cadre = session.get(Cadre, cadre_id)
    cadre.lrmx = lrmx.dump_extra(record.extra)
    session.flush()
    audit.record(session, actor, "导入任免表", "cadre", cadre_id, f"{cadre.name}（{cadre.id_number or '无身份证号'}）",
                 None, {"文件": plan.file_name, "结果": "新增（无身份证号，已确认）" if plan.status == "confirm"
                        else plan.status_label})
    return cadre_id


def import_files(session: Session, *, actor: Actor, paths: Iterable[str | Path], allow_no_id: bool = False,
                 progress: Progress = None, cancelled: Check = None) -> ImportSummary:
    """Read and write in one go (the command line)."""
    require(actor, "import")
    plans = plan_import(session, paths, progress=progress, cancelled=cancelled)
    return apply_import(session, actor=actor, plans=plans, allow_no_id=allow_no_id, progress=progress,
                        cancelled=cancelled)


# --- export ------------------------------------------------------------------------------------

def export_names(people: list[tuple[str, str]]) -> list[str]:
    """File names for (name, id_number) pairs: `姓名.lrmx`, or `姓名_后4位.lrmx` where two share a name."""
    counts: dict[str, int] = {}
    for name, _ in people:
        counts[name] = counts.get(name, 0) + 1
    out, used = [], set()
    for name, idn in people:
        stem = lrmx.safe_file_name(name if counts[name] == 1 else f"{name}_{(idn or '')[-4:]}")
        candidate, n = stem, 2
        while candidate.lower() in used:
            candidate, n = f"{stem}_{n}", n + 1
        used.add(candidate.lower())
        out.append(candidate + lrmx.SUFFIX)
    return out


def export_cadres(session: Session, *, actor: Actor, cadre_ids: list[int], out_dir: str | Path,
                  today: dt.date | None = None, progress: Progress = None, cancelled: Check = None) -> list[Path]:
    """Write one .lrmx per cadre into `out_dir`; returns the files written."""
    require(actor, "export")
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DomainError(f"无法创建文件夹“{out_dir}”：{e.strerror or e}") from None
    records = []
    for cid in cadre_ids:
        data = cadres.get_cadre(session, cid)
        if actor.masked_export:
            from ..masking import mask

            data["id_number"] = mask("id_number", data["id_number"])
            data["phone"] = mask("phone", data.get("phone"))
        cadre = session.get(Cadre, cid)
        records.append((data, lrmx.load_extra(cadre.lrmx)))
    names = export_names([(d["name"], d["id_number"]) for d, _ in records])
    written = []
    for i, ((data, extra), file_name) in enumerate(zip(records, names)):
        if cancelled and cancelled():
            raise Cancelled()
        if progress:
            progress(i, len(records), file_name)
        path = out_dir / file_name
        try:
            path.write_bytes(lrmx.write_bytes(data, extra, today=today))
        except OSError as e:
            raise DomainError(f"无法写入“{path}”：{e.strerror or e}") from None
        written.append(path)
    audit.record(session, actor, "导出任免表", "cadre", None, f"{len(written)} 人", None,
                 {"文件夹": str(out_dir), "文件": [p.name for p in written]})
    if progress:
        progress(len(records), len(records), "导出完成")
    return written


def resolve_ids(session: Session, id_numbers: list[str]) -> list[int]:
    """Cadre ids for ID numbers (the command line); an unknown number is refused by name."""
    out, missing = [], []
    for number in id_numbers:
        c = cadres.find_by_id_number(session, number)
        if c is None:
            missing.append(number)
        else:
            out.append(c.id)
    if missing:
        raise DomainError(f"找不到身份证号为 {'、'.join(missing)} 的干部。")
    return out
