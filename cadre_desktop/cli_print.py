"""`cadre print FORM … --out F.pdf` (cli.md): one sub-command per form, from a registry so the forms of
later issues add themselves with `@print_form(...)`. Parse, resolve, call core.printing; no logic."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .core.services import cadres
from .core.services.people_lookup import resolve_people
from .core.values import DomainError


@dataclass(frozen=True)
class PrintForm:
    help: str
    configure: Callable  # (argparse parser) -> None: the form's own options
    params: Callable  # (session, args) -> dict: the params of core.printing.render_pdf
    each: bool = False  # takes --each DIR instead of --out


PRINT_FORMS: dict[str, PrintForm] = {}


def print_form(name: str, help: str, *, each: bool = False):
    """Register a form's sub-command: decorate `params(session, args)`; `configure(parser)` is the
    function's `.configure` attribute set by `options`."""
    def deco(fn):
        PRINT_FORMS[name] = PrintForm(help, getattr(fn, "configure", lambda p: None), fn, each)
        return fn
    return deco


def options(configure: Callable):
    def deco(fn):
        fn.configure = configure
        return fn
    return deco


def _refuse(message: str):
    raise DomainError(message)  # exit 2 with the message, like every refusal


def _parse_day(text: str, option: str):
    from .core.exchange.parse import parse_day

    try:
        return parse_day(text)
    except ValueError as e:
        _refuse(f"{option}：{e}")


def _resolve(session, lines: list[str], where: str) -> list[int]:
    res = resolve_people(session, lines)
    problems = []
    for line, cands in res.ambiguous:
        who = "；".join(f"{c['name']} {c['unit'] or ''} {c['post'] or ''} {c['id_number']}" for c in cands)
        problems.append(f"{where}“{line}”有{len(cands)}人同名，请改用身份证号：{who}")
    for line in res.unknown:
        problems.append(f"{where}“{line}”找不到对应的干部")
    if problems:
        _refuse("\n".join(problems))
    if not res.ids:
        _refuse(f"{where}没有列出任何干部。")
    return res.ids


def _appointment_options(p) -> None:
    p.add_argument("--id", nargs="+", metavar="ID", help="身份证号（或姓名），按给出的顺序打印")
    p.add_argument("--ids-from", metavar="FILE", help="名单文件：每行一个身份证号或姓名（UTF-8）")


@print_form("appointment-form", "干部任免审批表", each=True)
@options(_appointment_options)
def _appointment(session, args) -> dict:
    if bool(args.id) == bool(args.ids_from):
        _refuse("请用 --id 或 --ids-from 之一指明要打印的干部。")
    if args.id:
        return {"cadre_ids": _resolve(session, args.id, "--id ")}
    path = Path(args.ids_from)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        _refuse(f"无法读取名单文件 {path}：{e.strerror or e}")
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("gb18030")
        except UnicodeDecodeError:
            _refuse(f"名单文件 {path} 不是 UTF-8 或 GBK 编码的文本文件。")
    return {"cadre_ids": _resolve(session, text.splitlines(), f"{path.name}：")}


def _roster_options(p) -> None:
    p.add_argument("--search")
    p.add_argument("--unit")
    p.add_argument("--young", action="store_true")


@print_form("roster", "干部花名册")
@options(_roster_options)
def _roster(session, args) -> dict:
    return {"filter": cadres.RosterFilter(search=args.search or "", unit_name=args.unit, young=args.young)}


@print_form("mentoring-register", "结对帮带登记表")
def _mentoring(session, args) -> dict:
    return {}


def _tolerance_options(p) -> None:
    p.add_argument("--id", required=True, metavar="ID", help="干部的身份证号")
    p.add_argument("--date", metavar="发生日期", help="该干部有多条记录时，指明发生日期，如 2022.06.15")


@print_form("tolerance-case", "容错纠错认定表")
@options(_tolerance_options)
def _tolerance(session, args) -> dict:
    from .core.printing.tolerance_case import find_case

    [cadre_id] = _resolve(session, [args.id], "--id ")
    occurred = _parse_day(args.date, "--date") if args.date else None
    return {"case_id": find_case(session, cadre_id=cadre_id, occurred=occurred)}


def _commendation_options(p) -> None:
    p.add_argument("--batch", required=True, metavar="TITLE", help="通报名称")
    p.add_argument("--doc", metavar="文号", help="文号（同名通报有多个时用以区分）")
    p.add_argument("--plain", action="store_true", help="套打：不印发文机关标志、文号和红色分隔线")


@print_form("commendation", "表彰通报（公文格式，名单作附件）")
@options(_commendation_options)
def _commendation(session, args) -> dict:
    from .core.printing.commendation import find_batch

    return {"batch_id": find_batch(session, args.batch, args.doc), "letterhead": not args.plain,
            "doc_number": None}


def _allowance_options(p) -> None:
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="发放月份，如 2022-07")


@print_form("allowance-payroll", "乡镇津贴发放表")
@options(_allowance_options)
def _allowance(session, args) -> dict:
    from .core.printing.allowance_payroll import month_param

    return {"month": month_param(args.month)}


def _report_options(p) -> None:
    from .cli import add_period_args

    add_period_args(p)


@print_form("report", "激励干部担当作为工作情况统计（指标、图表、工作成效草稿）")
@options(_report_options)
def _report(session, args) -> dict:
    from .cli import report_period

    period = report_period(args)
    return {"start": period.start, "end": period.end}


def add_parser(sub) -> None:
    s = sub.add_parser("print", help="打印表格到 PDF")
    fsub = s.add_subparsers(dest="form", required=True, parser_class=type(s), metavar="FORM")
    for name, form in PRINT_FORMS.items():
        p = fsub.add_parser(name, help=form.help)
        form.configure(p)
        if form.each:
            out = p.add_mutually_exclusive_group(required=True)
            out.add_argument("--out", metavar="F.pdf", help="写入一个 PDF")
            out.add_argument("--each", metavar="DIR", help="每人一个 PDF，写入此文件夹")
        else:
            p.add_argument("--out", metavar="F.pdf", required=True, help="写入的 PDF")
    s.set_defaults(func=cmd_print)


def _progress(done: int, total: int, text: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{text}（{done}/{total}）", end="", file=sys.stderr, flush=True)


def cmd_print(db, args) -> int:
    from .core import printing

    from .cli import sign_in

    actor = sign_in(db)
    form = PRINT_FORMS[args.form]
    with db.session() as s:
        params = form.params(s, args)
        if getattr(args, "each", None):
            paths = printing.render_each(s, actor=actor, cadre_ids=params["cadre_ids"], out_dir=args.each,
                                         progress=_progress)
            if sys.stderr.isatty():
                print(file=sys.stderr)
            print(f"已写出 {len(paths)} 个 PDF 到 {args.each}")
            return 0
        result = printing.render_pdf(s, actor=actor, form=args.form, params=params, out=args.out, progress=_progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"已写出 {result.path}（{result.pages} 页）")
    return 0
