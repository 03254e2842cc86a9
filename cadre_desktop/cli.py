"""The `cadre` command: parse, sign in, call core, print. No logic of its own."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

from .config import resolve_target
from .core.db import Database, backup, open_database, restore
from .core.exchange import exporter, importer
from .core.exchange.sheets import Cancelled
from .core.exchange.workbook import WorkbookSource
from .core.services import accounts, audit, cadres
from .core.services.accounts import Actor
from .core.values import ROLES, DomainError


class Refused(Exception):
    """Exit 2: the input or the request was refused."""


def _prompt_password(prompt: str) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise Refused("没有可用的终端输入密码：请用 --password 参数或 CADRE_PASSWORD 环境变量提供。")
    return getpass.getpass(prompt)


def sign_in(db: Database) -> Actor:
    name = os.environ.get("CADRE_USER")
    password = os.environ.get("CADRE_PASSWORD")
    if not name:
        if not sys.stdin or not sys.stdin.isatty():
            raise Refused("未登录：请设置环境变量 CADRE_USER 和 CADRE_PASSWORD，或在终端中运行以输入用户名和密码。")
        name = input("用户名：").strip()
    if password is None:
        password = _prompt_password("密码：")
    with db.session() as s:
        if not accounts.has_accounts(s):
            raise Refused("数据库中还没有账号，请先运行 cadre init 创建管理员。")
        return accounts.authenticate(s, name=name, password=password)


def _print_problems(result) -> None:
    for p in result.errors:
        print(str(p), file=sys.stderr)
    for w in result.warnings:
        print(f"提示：{w}", file=sys.stderr)


# --- commands -----------------------------------------------------------------------------


def cmd_init(db: Database, args) -> int:
    from .core.services import demo as demo_service

    with db.session() as s:
        if not accounts.has_accounts(s):
            password = args.admin_password or os.environ.get("CADRE_PASSWORD")
            if args.demo and not password:
                password = demo_service.DEMO_PASSWORD
            if not password:
                password = _prompt_password(f"为管理员“{args.admin_user}”设置密码：")
            accounts.create_first_admin(s, name=args.admin_user, password=password)
            print(f"已创建管理员“{args.admin_user}”。")
        else:
            print("数据库已就绪（已有账号）。")
    if args.demo:
        with db.session() as s:
            n = demo_service.load_demo(s, actor=Actor(args.admin_user, accounts.ADMIN))
        print(f"已载入演示县：{n['units']} 个单位，{n['cadres']} 名干部。")
    return 0


def cmd_template(db: Database, args) -> int:
    path = exporter.export_template(args.out)
    print(f"已写出空白模板：{path}")
    return 0


def cmd_import(db: Database, args) -> int:
    actor = sign_in(db)
    source = WorkbookSource.open(args.file)
    with db.session() as s:
        result = importer.run_import(s, actor=actor, source=source, dry_run=args.dry_run)
        if not result.ok:
            _print_problems(result)
            print(f"共 {len(result.errors)} 处错误，未导入任何数据。", file=sys.stderr)
            return 2
    for line in result.summary_lines():
        print(line)
    for w in result.warnings:
        print(f"提示：{w}", file=sys.stderr)
    print("检查通过（--dry-run，未写入）。" if args.dry_run else "导入完成。")
    return 0


def cmd_export(db: Database, args) -> int:
    actor = sign_in(db)
    names = [n.strip() for n in args.sheets.split(",") if n.strip()] if args.sheets else None
    with db.session() as s:
        counts = exporter.export_workbook(s, actor=actor, path=args.out, sheet_names=names)
    for name, n in counts.items():
        print(f"{name}: {n} 行")
    if actor.masked_export:
        print("（查阅账号导出：身份证号和联系电话已隐去，此工作簿不能再导入。）")
    print(f"已导出：{args.out}")
    return 0


def cmd_roster(db: Database, args) -> int:
    actor = sign_in(db)
    accounts.require(actor, "read")
    flt = cadres.RosterFilter(search=args.search or "", unit_name=args.unit, young=args.young)
    with db.session() as s:
        rows = cadres.roster_rows(s, cadres.roster_ids(s, flt))
    if args.json:
        out = [
            {"id_number": r["id_number"], "name": r["name"], "sex": r["sex"],
             "birth": str(r["birth"]) if r["birth"] else None, "age": r["age"], "unit": r["unit"],
             "post": r["post"], "rank": r["rank"], "level": r["level"], "education": r["education"],
             "status": r["status"], "reserve": r["reserve"], "incomplete": r["incomplete"], "tag": r["tag"]}
            for r in rows
        ]
        if actor.masked_export:
            for o in out:
                o["id_number"] = exporter.mask("id_number", o["id_number"])
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for r in rows:
        idn = exporter.mask("id_number", r["id_number"]) if actor.masked_export else r["id_number"]
        print("\t".join(str(x) if x is not None else "" for x in (
            r["name"], r["sex"], r["birth"], r["age"], r["unit"], r["post"], r["rank"], r["level"], idn,
            "待完善" if r["incomplete"] else "")))
    print(f"共 {len(rows)} 人")
    return 0


def cmd_check(db: Database, args) -> int:
    from .core.reports import rules

    actor = sign_in(db)
    accounts.require(actor, "read")
    with db.session() as s:
        found = rules.check(s)
    if args.json:
        out = [rules.finding_dict(f) for f in found]
        if actor.masked_export:
            for o in out:
                for c in o["cadres"]:
                    c["id_number"] = exporter.mask("id_number", c["id_number"])
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for f in found:
        print(f"[{f.rule_name}] {f.message}")
    n_findings = sum(1 for f in found if f.kind == "finding")
    print(f"共 {n_findings} 条规则检查发现，{len(found) - n_findings} 条提醒")
    return 0


def report_period(args):
    """The period of `cadre report` / `cadre print report`: --year Y, or --from D --to D, or this year."""
    from .core.exchange.parse import parse_day
    from .core.reports.indicators import Period

    if args.year is not None and (args.date_from or args.date_to):
        raise Refused("参数错误：--year 与 --from/--to 只能选一种。")
    if args.date_from or args.date_to:
        if not (args.date_from and args.date_to):
            raise Refused("参数错误：--from 和 --to 须同时给出。")
        days = []
        for flag, text in (("--from", args.date_from), ("--to", args.date_to)):
            try:
                day = parse_day(text)
            except ValueError as e:
                raise Refused(f"{flag}：{e}") from None
            if day is None:
                raise Refused(f"{flag}：请填写日期，如 2022.01.01")
            days.append(day)
        return Period(days[0], days[1])
    if args.year is not None:
        if not 1900 <= args.year <= 2200:
            raise Refused(f"--year：年份 {args.year} 无效")
        return Period.year(args.year)
    return Period.current()


def cmd_report(db: Database, args) -> int:
    from .core.reports import draft, indicators

    actor = sign_in(db)
    accounts.require(actor, "read")
    period = report_period(args)
    with db.session() as s:
        report = indicators.compute(s, period)
    if args.json:
        json.dump(report.nested(), sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.text:
        print(draft.draft(report))
    elif args.xlsx:
        from .core.reports.workbook import write_xlsx

        print(f"已导出：{write_xlsx(report, args.xlsx)}")
    elif args.pdf:
        from .core.printing import render_pdf

        with db.session() as s:
            result = render_pdf(s, actor=actor, form="report", params={"start": period.start, "end": period.end},
                                out=args.pdf)
        print(f"已写出 {result.path}（{result.pages} 页）")
    else:
        print(f"统计期间：{period.label}")
        for _section, title, items in report.by_section():
            print(f"【{title}】")
            for ind in items:
                print(f"  {ind.label}：{indicators.value_text(ind, report.values[ind.key])}{ind.unit}")
    return 0


def cmd_user(db: Database, args) -> int:
    actor = sign_in(db)
    with db.session() as s:
        if args.user_cmd == "list":
            rows = accounts.list_accounts(s, actor=actor)
            if args.json:
                json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
                print()
            else:
                for r in rows:
                    print(f"{r['name']}\t{r['role']}\t{'启用' if r['active'] else '停用'}\t{r['created_at']}")
            return 0
        password = args.password or _prompt_password(f"“{args.name}”的新密码：")
        if args.user_cmd == "add":
            accounts.add_account(s, actor=actor, name=args.name, role=args.role, password=password)
            print(f"已添加账号“{args.name}”（{args.role}）。")
        else:
            accounts.change_password(s, actor=actor, name=args.name, password=password)
            print(f"已修改“{args.name}”的密码。")
    return 0


def cmd_audit(db: Database, args) -> int:
    actor = sign_in(db)
    since = None
    if args.since:
        from .core.exchange.parse import parse_day

        try:
            since = parse_day(args.since)
        except ValueError as e:
            raise Refused(f"--since：{e}") from None
    with db.session() as s:
        if args.verify:
            problem = audit.verify(s, actor=actor)
            if problem:
                print(problem, file=sys.stderr)
                return 2
            print(f"操作记录完整：共 {audit.count_events(s)} 条，未发现改动或缺失。")
            return 0
        events = audit.list_events(s, actor=actor, since=since)
    events.reverse()
    if args.json:
        json.dump(events, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for e in events:
        print(f"{e['at']}\t{e['account']}\t{e['action']}\t{e['entity_name']}\t{e['label']}")
    return 0


def cmd_backup(db: Database, args) -> int:
    actor = sign_in(db)
    accounts.require(actor, "admin")
    out = backup(db, args.out)
    with db.session() as s:
        audit.record(s, actor, "备份", "database", None, str(out), None, {"备份文件": str(out)})
    print(f"已备份到：{out}")
    return 0


def cmd_restore(db: Database, args) -> int:
    actor = sign_in(db)
    accounts.require(actor, "admin")
    safety = restore(db, args.file)
    with db.session() as s:
        audit.record(s, actor, "恢复", "database", None, str(args.file), None,
                     {"恢复自": str(args.file), "恢复前备份": str(safety)})
    print(f"已从 {args.file} 恢复；恢复前的数据已备份到：{safety}")
    return 0


# --- parsing ------------------------------------------------------------------------------


def add_period_args(s) -> None:
    s.add_argument("--year", type=int, help="统计年度，如 2022（默认：今年）")
    s.add_argument("--from", dest="date_from", metavar="D", help="起始日期，如 2022.01.01")
    s.add_argument("--to", dest="date_to", metavar="D", help="截止日期，如 2022.12.31")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise Refused(f"参数错误：{message}（用 --help 查看用法）")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cadre", description="干部激励工作台命令行")
    p.add_argument("--db", help="SQLite 文件路径或 SQLAlchemy URL（默认：环境变量 CADRE_DB，或数据目录中的 cadre.sqlite3）")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("init", help="创建或升级数据库，创建首个管理员")
    s.add_argument("--admin-user", default="admin")
    s.add_argument("--admin-password")
    s.add_argument("--demo", action="store_true", help="在没有干部的数据库中载入演示县")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("template", help="写出空白导入模板")
    s.add_argument("out")
    s.set_defaults(func=cmd_template)

    s = sub.add_parser("import", help="导入工作簿（全部成功或全部不写入）")
    s.add_argument("file")
    s.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("export", help="导出工作簿")
    s.add_argument("out")
    s.add_argument("--sheets", help="只导出这些工作表，逗号分隔，如 干部,简历")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("roster", help="干部名册")
    s.add_argument("--search")
    s.add_argument("--unit")
    s.add_argument("--young", action="store_true")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_roster)

    s = sub.add_parser("check", help="规则检查：列出发现的问题和提醒")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("report", help="年度工作情况统计指标（report.md）")
    add_period_args(s)
    out = s.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="以 JSON 输出全部指标")
    out.add_argument("--text", action="store_true", help="输出“工作成效”草稿")
    out.add_argument("--xlsx", metavar="F", help="导出指标工作簿")
    out.add_argument("--pdf", metavar="F", help="打印统计报表（指标表、图表和“工作成效”草稿）到 PDF")
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("user", help="账号管理（管理员）")
    usub = s.add_subparsers(dest="user_cmd", required=True, parser_class=_Parser)
    u = usub.add_parser("add")
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=ROLES)
    u.add_argument("--password")
    u = usub.add_parser("passwd")
    u.add_argument("name")
    u.add_argument("--password")
    u = usub.add_parser("list")
    u.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_user)

    s = sub.add_parser("audit", help="操作记录（管理员）")
    s.add_argument("--since", help="起始日期，如 2022.06.15")
    s.add_argument("--json", action="store_true")
    s.add_argument("--verify", action="store_true", help="检查操作记录是否被改动或删除")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("backup", help="备份数据库（管理员）")
    s.add_argument("out")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", help="从备份恢复（管理员；先备份当前数据）")
    s.add_argument("file")
    s.set_defaults(func=cmd_restore)

    from . import cli_print  # cadre print FORM …: one sub-command per registered form

    cli_print.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):
            pass
    try:
        args = build_parser().parse_args(argv)
        db = open_database(resolve_target(args.db))
        try:
            return args.func(db, args)
        finally:
            db.dispose()
    except SystemExit as e:  # --help
        return int(e.code or 0)
    except (Refused, DomainError) as e:
        print(str(e), file=sys.stderr)
        return 2
    except Cancelled:
        print("已取消，未写入任何数据。", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 2
    except Exception as e:  # an unexpected failure: exit 1 with the cause
        import traceback

        traceback.print_exc()
        print(f"意外错误：{type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
