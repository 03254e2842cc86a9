"""The annual report and the overview at 100,000 cadres against a 300-cadre county, built the same
way (bench_roster's builder, plus records in proportion: attendance, postings, appointments into
township teams, commendations, mentoring pairs and records, tolerance cases, visits, care records,
the allowance standard), each timed as best of a few runs.

    PYTHONPATH=. python bench/bench_report.py [--cadres N] [--small M] [--keep DIR]

Prints milliseconds (wall clock, and this process's CPU time) and the ratio big/small; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_roster import fill  # noqa: E402

from cadre_desktop.core.db import open_database  # noqa: E402
from cadre_desktop.core.models import (  # noqa: E402
    AllowanceRate, Appointment, Attendance, Award, Cadre, CareRecord, CommendationBatch, MentoringRecord, MentorPair,
    Posting, ToleranceCase, TrainingClass, Unit, Visit,
)
from cadre_desktop.core.reports import charts, draft  # noqa: E402
from cadre_desktop.core.reports.indicators import Period, behind, compute  # noqa: E402

YEAR = 2022


def day(rng, year=YEAR) -> dt.date:
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def build(n: int, keep: str | None = None) -> object:
    path = Path(keep or tempfile.mkdtemp()) / f"report{n}.sqlite3"
    if keep and path.exists():
        return open_database(f"sqlite:///{path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(f"sqlite:///{path}")
    _fill_all(db, n)
    return db


def _fill_all(db, n: int) -> None:
    fill(db, n)
    rng = random.Random(2)
    with db.session() as s:
        ids = list(s.scalars(select(Cadre.id)))
        towns = list(s.scalars(select(Unit.id).where(Unit.kind == "乡镇")))
        # township teams: 9 members a town
        for u in towns:
            members = s.scalars(select(Cadre.id).where(Cadre.unit_id == u).limit(9)).all()
            s.execute(update(Cadre).where(Cadre.id.in_(members)).values(team_role="党委委员、副镇长"))
        s.execute(insert(AllowanceRate.__table__), [{"effective": dt.date(2020, 1, 1), "tier": "基础",
                                                    "base": 20000, "version": 1}])
        n_classes = max(n // 50, 5)
        s.execute(insert(TrainingClass.__table__), [
            {"name": f"培训班{i}", "start": day(rng, YEAR - 1 + i % 2), "hours": 80, "version": 1} for i in range(n_classes)])
        class_ids = list(s.scalars(select(TrainingClass.id)))
        att = {(rng.choice(class_ids), c) for c in ids for _ in range(2)}
        s.execute(insert(Attendance.__table__), [{"class_id": k, "cadre_id": c, "completed": True, "version": 1}
                                                 for k, c in att])
        kinds = ("挂职锻炼", "驻村第一书记", "驻村队员", "尖刀班", "一线任务")
        s.execute(insert(Posting.__table__), [
            {"cadre_id": c, "kind": kinds[i % 5], "destination": "上级机关" if i % 5 == 0 else None,
             "field": "疫情防控" if i % 5 == 4 else None, "start": day(rng, YEAR - i % 2), "version": 1}
            for i, c in enumerate(rng.sample(ids, n // 5))])
        s.execute(insert(Appointment.__table__), [
            {"cadre_id": c, "date": day(rng, YEAR - i % 2), "kind": ("提拔任用", "进一步使用", "职级晋升")[i % 3],
             "new_unit_id": rng.choice(towns), "new_team_role": "副镇长" if i % 3 < 2 else None,
             "frontline": i % 4 == 0, "batch": f"批次{i % 40}", "version": 1}
            for i, c in enumerate(rng.sample(ids, n // 10))])
        s.execute(insert(CommendationBatch.__table__), [
            {"title": f"通报{i}", "date": day(rng), "field": ("疫情防控", "乡村振兴", "项目建设")[i % 3], "version": 1}
            for i in range(max(n // 1000, 3))])
        batches = list(s.scalars(select(CommendationBatch.id)))
        s.execute(insert(Award.__table__), [
            {"batch_id": rng.choice(batches), "target_kind": "个人", "target_name": "某", "cadre_id": c,
             "honour": "先进个人", "version": 1} for c in rng.sample(ids, n // 50)])
        pairs = []
        for i, c in enumerate(rng.sample(ids, n // 10)):
            pairs.append({"mentor_id": rng.choice(ids), "mentee_id": c,
                          "kind": ("县级领导帮带科级领导", "科级领导帮带年轻干部")[i % 2], "start": day(rng, YEAR - 1),
                          "end": None if i % 3 else day(rng), "version": 1})
        s.execute(insert(MentorPair.__table__), pairs)
        pair_ids = list(s.scalars(select(MentorPair.id)))
        s.execute(insert(MentoringRecord.__table__), [
            {"pair_id": rng.choice(pair_ids), "date": day(rng), "kind": ("谈心谈话", "定期汇报")[i % 2], "version": 1}
            for i in range(n // 2)])
        s.execute(insert(ToleranceCase.__table__), [
            {"cadre_id": c, "matter": "事项", "occurred": day(rng), "colour": ("绿", "黄", "红")[i % 3],
             "decided": day(rng), "correction_status": "整改中", "version": 1}
            for i, c in enumerate(rng.sample(ids, n // 100))])
        s.execute(insert(Visit.__table__), [
            {"name": f"群众{i}", "category": ("老党员", "困难党员", "突出人才")[i % 3], "date": day(rng),
             "amount": 50000, "version": 1} for i in range(n // 3)])
        s.execute(insert(CareRecord.__table__), [
            {"cadre_id": c, "kind": "年度体检", "date": day(rng), "version": 1} for c in rng.sample(ids, n // 2)])


def timed(fn, repeat: int = 3) -> tuple[float, float]:
    """The best wall-clock and the best CPU milliseconds of `repeat` runs (CPU: this process's, which
    includes SQLite's work; it does not grow with the machine's load as the wall clock does)."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        best, best_cpu = min(best, time.perf_counter() - t), min(best_cpu, time.process_time() - c)
    return best * 1000, best_cpu * 1000


def measures(db):
    period = Period.year(YEAR)

    def report():
        with db.session() as s:
            compute(s, period, today=dt.date(YEAR, 12, 31))

    def report_no_allowance():
        from cadre_desktop.core.reports import indicators as ind

        with db.session() as s:
            ctx = ind._ctx(s, period, dt.date(YEAR, 12, 31))
            for i in ind._build(ctx):
                if not i.key.startswith(("allowances.", "rules.")):
                    ind._value(s, i, ctx)

    ytd = Period(dt.date(YEAR, 1, 1), dt.date(YEAR, 11, 30))

    from cadre_desktop.ui.overview_page import SHOWN, SLOW

    def overview():  # what 首页 shows first: its figures but the allowance, the four charts as SVG
        with db.session() as s:
            rep = compute(s, ytd, today=dt.date(YEAR, 11, 30), only=SHOWN + charts.FIGURES, skip=SLOW)
            series = charts.report_series(s, rep)
        for name, ser in series.items():
            charts.to_svg(charts.draw(name, ser))

    def overview_allowance():  # the allowance card, which follows
        with db.session() as s:
            compute(s, ytd, today=dt.date(YEAR, 11, 30), only="allowances.")

    def drafted():
        with db.session() as s:
            draft.draft(compute(s, period, today=dt.date(YEAR, 12, 31), skip=("allowances.",)))

    def behind_training():
        with db.session() as s:
            behind(s, "training.cadres", period)

    def behind_teams():
        with db.session() as s:
            behind(s, "township_teams.appointed", period)

    return (("report --year (all indicators)", report), ("  of which without allowances/rules", report_no_allowance),
            ("overview: figures and charts", overview), ("overview: the allowance card", overview_allowance),
            ("draft (without the allowance)", drafted), ("records behind training.cadres", behind_training),
            ("records behind township_teams.appointed", behind_teams))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=300)
    parser.add_argument("--keep", metavar="DIR", help="keep the two databases in DIR, and reuse them when there")
    args = parser.parse_args()
    t = time.perf_counter()
    small, big = build(args.small, args.keep), build(args.cadres, args.keep)
    print(f"built {args.small} and {args.cadres} cadres in {time.perf_counter() - t:.0f} s")
    results = []
    print(f"{'':42s} {args.small:>8d} cadres {args.cadres:>9d} cadres  (wall; CPU)")
    for (label, fs), (_l, fb) in zip(measures(small), measures(big)):
        (a, ac), (b, bc) = timed(fs), timed(fb, repeat=2)
        results.append((label, a, b))
        print(f"{label:42s} {a:8.1f} ms  {b:9.1f} ms  = {b / a:6.1f} ×;  CPU {ac:7.1f} / {bc:8.1f} ms"
              f" (+{(bc - ac) / 1000:.2f} s)", flush=True)


if __name__ == "__main__":
    main()
