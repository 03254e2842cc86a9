"""The `cadre` command: parse, sign in, call core, print. No logic of its own."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

from .config import resolve_target
from .core.db import Database, check_schema, head_revision, migrate_database, open_database, translate_error
from .core.exchange import exporter, importer
from .core.exchange.sheets import Cancelled
from .core.exchange.workbook import WorkbookSource
from .core.masking import mask
from .core.services import accounts, audit, cadres, maintenance
from .core.services.accounts import Actor
from .core.values import ROLES, DomainError, moment_text


class Refused(Exception):
    """Exit 2: the input or the request was refused."""


def _prompt_password(prompt: str) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise Refused("没有可用的终端输入密码：请用 --password 参数或 CADRE_PASSWORD 环境变量提供。")
    return getpass.getpass(prompt)


def _credentials() -> tuple[str, str]:
    """The user name and password: CADRE_USER / CADRE_PASSWORD, else asked on the terminal."""
    name = os.environ.get("CADRE_USER")
    password = os.environ.get("CADRE_PASSWORD")
    if not name:
        if not sys.stdin or not sys.stdin.isatty():
            raise Refused("未登录：请设置环境变量 CADRE_USER 和 CADRE_PASSWORD，或在终端中运行以输入用户名和密码。")
        name = input("用户名：").strip()
    if password is None:
        password = _prompt_password("密码：")
    return name, password


def sign_in(db: Database, *, changing_own_password: str | None = None) -> Actor:
    name, password = _credentials()
    # Started as a reader: a right password on an account with no failed attempts writes nothing,
    # so a command that only reads never waits for another clerk's save. (A wrong password, or the
    # reset of earlier failures, still writes: SQLite takes the write lock at that first write.)
    with db.session(read_only=True) as s:
        if not accounts.has_accounts(s):
            raise Refused("数据库中还没有账号，请先运行 cadre init 创建管理员。")
        actor = accounts.authenticate(s, name=name, password=password)
    if actor.must_change_password and changing_own_password != actor.name:
        raise Refused(f"管理员要求“{actor.name}”修改密码后才能继续：请运行 "
                      f"cadre user passwd {actor.name} --password 新密码（至少8位，含字母和数字）。")
    return actor


def sign_in_admin_raw(db: Database) -> Actor:
    """Sign in a 管理员 on a database whose schema may be older than this program's (cadre migrate)."""
    name, password = _credentials()
    return accounts.authenticate_admin_any_schema(db.engine, name=name, password=password)


def _warn_network_share(url: str) -> None:
    from .core.netshare import network_share_warning

    warning = network_share_warning(url)
    if warning:
        print(f"警告：{warning}", file=sys.stderr)


def _print_problems(result) -> None:
    for p in result.errors:
        print(str(p), file=sys.stderr)
    for w in result.warnings:
        print(f"提示：{w}", file=sys.stderr)


# --- commands -----------------------------------------------------------------------------


def cmd_init(db: Database, args) -> int:
    from .core.services import demo as demo_service

    if db.is_sqlite or db.current_revision() is None:
        migrate_database(db)  # a new database (an SQLite file, or an empty one on the server)
    else:
        check_schema(db)  # a shared server in use is migrated only by `cadre migrate`
    actor = None
    with db.session() as s:
        if not accounts.has_accounts(s):
            password = args.admin_password or os.environ.get("CADRE_PASSWORD")
            if args.demo and not password:
                password = demo_service.DEMO_PASSWORD
            if not password:
                password = _prompt_password(f"为管理员“{args.admin_user}”设置密码：")
            actor = accounts.create_first_admin(s, name=args.admin_user, password=password,
                                                demo=args.demo and password == demo_service.DEMO_PASSWORD)
            print(f"已创建管理员“{args.admin_user}”。")
        else:
            print("数据库已就绪（已有账号）。")
    if args.demo:
        if actor is None:  # a database with accounts: only its 管理员 may load the demo into it
            actor = sign_in(db)
            accounts.require(actor, "admin")
        with db.session() as s:
            n = demo_service.load_demo(s, actor=actor)
        print(f"已载入演示县：{n['units']} 个单位，{n['cadres']} 名干部。")
    return 0


def cmd_template(db: Database, args) -> int:
    path = exporter.export_template(args.out)
    print(f"已写出空白模板：{path}")
    return 0


def cmd_import(db: Database, args) -> int:
    from .core.exchange import roster

    actor = sign_in(db)
    if not roster.is_interchange(args.file):
        return _import_roster(db, actor, args)
    if args.mapping or args.create_units:
        print("--mapping 和 --create-units 只用于各县自己的花名册；这是导入工作簿，请去掉这两个选项。", file=sys.stderr)
        return 2
    source = WorkbookSource.open(args.file)
    with db.session() as s:
        result = importer.run_import(s, actor=actor, source=source, dry_run=args.dry_run,
                                     before_write=lambda: db.auto_backup("import"))
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


def _import_roster(db: Database, actor: Actor, args) -> int:
    """A county's own roster: header detection and synonyms, --mapping for the rest."""
    from .core.exchange import roster

    book = roster.RosterBook.open(args.file)
    mapping = roster.load_mapping(args.mapping) if args.mapping else None
    layout = roster.detect(book, mapping=mapping)
    rows = ", ".join(str(n) for n in layout.header_rows)
    print(f"花名册：工作表“{layout.sheet}”，表头在第 {rows} 行；"
          f"已对应 {len(layout.mapped())} 列，未对应 {len(layout.unmapped())} 列。", file=sys.stderr)
    with db.session() as s:
        done = roster.import_roster(s, actor=actor, book=book, layout=layout, create_units=args.create_units,
                                    dry_run=args.dry_run)
        result = done.result
        if not result.ok:
            _print_problems(result)
            print(f"共 {len(result.errors)} 处错误，未导入任何数据。", file=sys.stderr)
            return 2
    for line in result.summary_lines():
        print(line)
    for w in result.warnings:
        print(f"提示：{w}", file=sys.stderr)
    if done.created_units and not args.dry_run:
        print("新建单位：" + "、".join(f"{n}（{k}）" for n, k in done.missing_units))
    print("检查通过（--dry-run，未写入）。" if args.dry_run else "导入完成。")
    return 0


def cmd_export(db: Database, args) -> int:
    actor = sign_in(db)
    names = [n.strip() for n in args.sheets.split(",") if n.strip()] if args.sheets else None
    with db.session(read_only=True) as s:  # an export only reads: other clerks keep saving
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
    flt = cadres.RosterFilter(search=args.search or "", unit_name=args.unit, young=args.young,
                              hide_numbers=actor.masked_export)
    if flt.search_note:
        print(f"提示：{flt.search_note}", file=sys.stderr)
    with db.session(read_only=True) as s:
        rows = cadres.roster_rows(s, cadres.roster_ids(s, flt))
    if args.json:
        out = [
            {"id_number": r["id_number"], "name": r["name"], "sex": r["sex"],
             "birth": str(r["birth"]) if r["birth"] else None, "age": r["age"], "unit": r["unit"],
             "post": r["post"], "rank": r["rank"], "level": r["level"], "education": r["education"],
             "status": r["status"], "reserve": r["reserve"], "incomplete": r["incomplete"], "tag": r["tag"],
             "post_since": str(r["post_since"]) if r["post_since"] else None,
             "rank_since": str(r["rank_since"]) if r["rank_since"] else None}
            for r in rows
        ]
        if actor.masked_export:
            for o in out:
                o["id_number"] = mask("id_number", o["id_number"])
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for r in rows:
        idn = mask("id_number", r["id_number"]) if actor.masked_export else r["id_number"]
        print("\t".join(str(x) if x is not None else "" for x in (
            r["name"], r["sex"], r["birth"], r["age"], r["unit"], r["post"], r["rank"], r["level"], idn,
            "待完善" if r["incomplete"] else "")))
    print(f"共 {len(rows)} 人")
    return 0


def cmd_check(db: Database, args) -> int:
    from .core.reports import rules

    actor = sign_in(db)
    accounts.require(actor, "read")
    with db.session(read_only=True) as s:
        found = rules.check(s)
    if args.json:
        out = [rules.finding_dict(f) for f in found]
        if actor.masked_export:
            for o in out:
                for c in o["cadres"]:
                    c["id_number"] = mask("id_number", c["id_number"])
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
    with db.session(read_only=True) as s:
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

        with db.session(read_only=True) as s:
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


def cmd_lrmx(db: Database, args) -> int:
    from .core.exchange import lrmx_files

    actor = sign_in(db)
    if args.lrmx_cmd == "import":
        with db.session() as s:
            summary = lrmx_files.import_files(s, actor=actor, paths=args.paths, allow_no_id=args.allow_no_id)
        for p in summary.added + summary.updated + summary.unchanged:
            print(f"{p.status_label}\t{p.file_name}\t{p.name}")
        print(summary.line())
        for line in summary.refusals():
            print(f"拒绝：{line}", file=sys.stderr)
        return 2 if summary.refused else 0
    with db.session() as s:  # the export is written to the audit record
        ids = lrmx_files.resolve_ids(s, args.id)
        written = lrmx_files.export_cadres(s, actor=actor, cadre_ids=ids, out_dir=args.out)
    for path in written:
        print(path)
    print(f"已导出 {len(written)} 份任免审批表到：{args.out}")
    return 0


def cmd_user(db: Database, args) -> int:
    actor = sign_in(db, changing_own_password=args.name if args.user_cmd == "passwd" else None)
    with db.session() as s:
        if args.user_cmd == "list":
            rows = accounts.list_accounts(s, actor=actor)
            if args.json:
                json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
                print()
            else:
                for r in rows:
                    state = "启用" if r["active"] else "停用"
                    if r["locked_until"]:
                        state += "，已锁定"
                    if r["must_change_password"]:
                        state += "，下次登录须改密码"
                    print(f"{r['name']}\t{r['role']}\t{state}\t{_local(r['created_at'])}")
            return 0
        if args.user_cmd == "unlock":
            accounts.unlock(s, actor=actor, name=args.name)
            print(f"已解锁“{args.name}”。")
            return 0
        password = args.password or _prompt_password(f"“{args.name}”的新密码：")
        if args.user_cmd == "add":
            accounts.add_account(s, actor=actor, name=args.name, role=args.role, password=password,
                                 must_change=args.must_change)
            print(f"已添加账号“{args.name}”（{args.role}）。")
        else:
            accounts.change_password(s, actor=actor, name=args.name, password=password,
                                     must_change=args.must_change)
            print(f"已修改“{args.name}”的密码。")
        if args.must_change and actor.name != args.name:
            print(f"“{args.name}”下次登录时须修改密码。")
    return 0


def _local(iso: str) -> str:
    """A stored time (ISO, UTC when naive) as the terminal reads it: `2022.06.15 14:03` local time."""
    import datetime as dt

    t = dt.datetime.fromisoformat(iso)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return moment_text(t.astimezone())


def cmd_audit(db: Database, args) -> int:
    actor = sign_in(db)
    since = None
    if args.since:
        from .core.exchange.parse import parse_day

        try:
            since = parse_day(args.since)
        except ValueError as e:
            raise Refused(f"--since：{e}") from None
    with db.session(read_only=True) as s:
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
        print(f"{_local(e['at'])}\t{e['account']}\t{e['action']}\t{e['entity_name']}\t{e['label']}")
    return 0


def cmd_migrate(db: Database, args) -> int:
    current = db.current_revision()
    if current is None:
        raise Refused("数据库还没有建立：请运行 cadre init。")
    sign_in_admin_raw(db)
    if current == head_revision():
        print(f"数据库已是当前版本（{current}），无需升级。")
        return 0
    backup_path = migrate_database(db)
    print(f"数据库已从版本 {current} 升级到 {head_revision()}。")
    if backup_path:
        print(f"升级前的数据已备份到：{backup_path}")
    return 0


def cmd_migrate_to(db: Database, args) -> int:
    from .core import transfer

    actor = sign_in(db)
    accounts.require(actor, "admin")
    target = open_database(resolve_target(args.url), migrate=False)
    try:
        checks = transfer.migrate_to(db, target, progress=lambda t, n: print(f"已复制 {t}: {n} 行"))
    finally:
        target.dispose()
    bad = [c for c in checks if not c.same]
    for c in checks:
        mark = "一致" if c.same else "不一致"
        print(f"{c.table}: 源 {c.source_rows} 行，目标 {c.target_rows} 行，摘要{mark}")
    if bad:
        print(f"迁移后核对不一致：{'、'.join(c.table for c in bad)}。请勿使用目标数据库，保留源数据库并联系技术支持。",
              file=sys.stderr)
        return 1
    total = sum(c.source_rows for c in checks)
    print(f"迁移完成：{len(checks)} 张表共 {total} 行记录（含操作记录链）已复制，两边的行数和逐表摘要完全一致。")
    print("请把各台电脑的 --db（或环境变量 CADRE_DB）改为新的数据库地址，并把本机的 audit.key 复制给各客户端（见 README）。")
    return 0


def cmd_backup(db: Database, args) -> int:
    actor = sign_in(db)
    out = maintenance.backup_database(db, actor=actor, out=args.out)
    print(f"已备份到：{out}")
    return 0


def cmd_restore(db: Database, args) -> int:
    actor = sign_in(db)
    safety = maintenance.restore_database(db, actor=actor, source=args.file)
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

    s = sub.add_parser("import", help="导入工作簿或各县自己的花名册（.xlsx/.xls；全部成功或全部不写入）")
    s.add_argument("file")
    s.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    s.add_argument("--mapping", metavar="MAP", help="花名册的列对应文件（在窗口“导入花名册”中保存的 .json）")
    s.add_argument("--create-units", action="store_true", help="花名册中系统没有的单位，同意新建")
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

    s = sub.add_parser("lrmx", help="导入或导出任免审批表 .lrmx 文件")
    lsub = s.add_subparsers(dest="lrmx_cmd", required=True, parser_class=_Parser)
    li = lsub.add_parser("import", help="导入 .lrmx 文件或文件夹（每个文件全部成功或全部不写入）")
    li.add_argument("paths", nargs="+", metavar="PATH")
    li.add_argument("--allow-no-id", action="store_true", help="没有有效身份证号的任免表也作为新档案导入")
    le = lsub.add_parser("export", help="把干部导出为 .lrmx 文件")
    le.add_argument("--id", nargs="+", required=True, metavar="ID", help="身份证号")
    le.add_argument("--out", required=True, metavar="DIR", help="输出文件夹")
    s.set_defaults(func=cmd_lrmx)

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
    must_change = "下次登录时须修改密码（管理员为他人设置的临时密码）"
    u = usub.add_parser("add")
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=ROLES)
    u.add_argument("--password")
    u.add_argument("--must-change", action="store_true", help=must_change)
    u = usub.add_parser("passwd")
    u.add_argument("name")
    u.add_argument("--password")
    u.add_argument("--must-change", action="store_true", help=must_change)
    u = usub.add_parser("unlock", help="解除因密码连续错误造成的锁定")
    u.add_argument("name")
    u = usub.add_parser("list")
    u.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_user)

    s = sub.add_parser("audit", help="操作记录（管理员）")
    s.add_argument("--since", help="起始日期，如 2022.06.15")
    s.add_argument("--json", action="store_true")
    s.add_argument("--verify", action="store_true", help="检查操作记录是否被改动或删除")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("migrate", help="把数据库升级到本程序的版本（管理员；共享服务器只能这样升级）")
    s.set_defaults(func=cmd_migrate)

    s = sub.add_parser("migrate-to", help="把全部记录和操作记录链复制到一个空的新数据库（如县里的共享服务器），并核对两边一致")
    s.add_argument("url", help="目标数据库：postgresql+psycopg://用户:密码@服务器/库名，或一个新的 SQLite 文件路径")
    s.set_defaults(func=cmd_migrate_to)

    s = sub.add_parser("backup", help="备份数据库（管理员）")
    s.add_argument("out")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", help="从备份恢复（管理员；先备份当前数据）")
    s.add_argument("file")
    s.set_defaults(func=cmd_restore)

    from . import cli_print  # cadre print FORM …: one sub-command per registered form

    cli_print.add_parser(sub)
    return p


def _check_text(argv: list[str]) -> None:
    """Arguments and sign-in variables must be readable text: bytes that are not UTF-8 arrive
    as lone surrogates and would fail deep inside; refuse them here, saying which."""
    named = [(f"第 {i + 1} 个参数", a) for i, a in enumerate(argv)]
    named += [(k, os.environ[k]) for k in ("CADRE_USER", "CADRE_PASSWORD", "CADRE_DB") if k in os.environ]
    for where, text in named:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise Refused(f"{where}含有无法识别的字符（不是 UTF-8 编码的文字），请检查后重试。") from None
        if len(text) > 10_000:
            raise Refused(f"{where}过长（{len(text)} 个字符），请检查后重试。")


def main(argv: list[str] | None = None) -> int:
    code = _main(argv)
    if code == 2:
        _quiet_cleanup(for_good=argv is None)
    return code


def _main(argv: list[str] | None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):
            pass
    try:
        argv = sys.argv[1:] if argv is None else argv
        _check_text(argv)
        args = build_parser().parse_args(argv)
        url = resolve_target(args.db)
        _warn_network_share(url)
        # `cadre init` and `cadre migrate` migrate the database themselves (a 管理员's work);
        # every other command opens it as a client, which never migrates a shared server.
        own_migration = args.func in (cmd_init, cmd_migrate)
        db = open_database(url, migrate=False if own_migration else None)
        try:
            return args.func(db, args)
        finally:
            db.dispose()
    except SystemExit as e:  # --help
        return int(e.code or 0)
    except (Refused, DomainError) as e:
        print(str(e), file=sys.stderr)
        return 2
    except OSError as e:
        from .core.storage import describe

        print(describe(e) or f"无法完成：{e}", file=sys.stderr)
        return 2
    except Cancelled:
        print("已取消，未写入任何数据。", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - a full or read-only disk, a folder for a file: exit 2
        translated = translate_error(e)
        if translated is not None:  # a database error a clerk can cause: a message, exit 2
            print(str(translated), file=sys.stderr)
            return 2
        from .core.storage import describe

        message = describe(e)
        if message is None:
            return _unexpected(e)
        print(message, file=sys.stderr)
        return 2


def _quiet_cleanup(*, for_good: bool) -> None:
    """After a refusal (e.g. a full disk), a half-written workbook's generators are finalized
    here, quietly: their complaints about its closed file would look like a crash."""
    import gc

    hook, sys.unraisablehook = sys.unraisablehook, lambda _u: None
    try:
        gc.collect()
    finally:
        if not for_good:  # the process goes on (a test calling main): keep its hook
            sys.unraisablehook = hook


def _unexpected(e: BaseException) -> int:
    """An unexpected failure: exit 1 with the cause."""
    import traceback

    traceback.print_exception(e)
    print(f"意外错误：{type(e).__name__}: {e}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
