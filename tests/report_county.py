"""A county whose 2022 report carries the seed report's own figures (county_report.txt, 工作成效):
14 classes and 1300 attendances, 30 secondments, 100 reserve cadres in villages, the epidemic front
(31 county leaders, 45 section leaders, 55 units, 720 cadres), 3 notices with 16 collectives and 60
individuals, 142 frontline cadres selected, 164 rank promotions, 18 county–section pairs, 106
section leaders mentoring 364 young cadres, 1025 people visited, and 79 cadres appointed into
township teams (14 五类人员, 10 aged ≤30, 48 aged ≤35, 68 本科及以上, 13 women, …).

Beside each definition lies a record just outside it: the year before or after, a posting that
started earlier, a second record of the same person, an age just over a bound, an appointment into
a county department's team, a 职级晋升 marked frontline. Rows go in through the ORM in bulk (the
services' per-record audit would make 5,000 rows slow); the report reads only the tables.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cadre_desktop.core.models import (
    Appointment, Attendance, Award, Cadre, CareRecord, CommendationBatch, MentoringRecord, MentorPair, Posting,
    ToleranceCase, TrainingClass, Unit, Visit,
)
from cadre_desktop.core.values import Month, id_check_digit

D = dt.date

# The figures of the seed report, as report.md names them (allowances come with the payroll).
SEED = {
    "training.classes": 14, "training.attendances": 1300,
    "postings.secondment.cadres": 30, "postings.village.reserve_cadres": 100,
    "postings.frontline.疫情防控.county_leaders": 31, "postings.frontline.疫情防控.section_leaders": 45,
    "postings.frontline.疫情防控.units": 55, "postings.frontline.疫情防控.cadres": 720,
    "commendations.batches": 3, "commendations.collectives": 16, "commendations.individuals": 60,
    "commendations.by_field.疫情防控.batches": 3, "commendations.by_field.疫情防控.collectives": 16,
    "commendations.by_field.疫情防控.individuals": 60,
    "appointments.frontline_selected": 142, "appointments.rank_promotions": 164,
    "mentoring.county_section_pairs": 18, "mentoring.section_mentors": 106, "mentoring.young_mentees": 364,
    "care.visited_people": 1025, "allowances.total_yuan": Decimal("6600000.00"),
    "township_teams.appointed": 79, "township_teams.five_categories": 14, "township_teams.age_le_30": 10,
    "township_teams.age_le_35": 48, "township_teams.town_heads_about_35": 3,
    "township_teams.bachelor_or_above": 68, "township_teams.women": 13,
}
# Figures the seed does not state, fixed by how the county below is built.
BUILT = {
    "training.cadres": 720, "training.hours": Decimal("10365.0"),
    "postings.secondment.by_destination.上级机关": 12, "postings.secondment.by_destination.先进地区": 10,
    "postings.secondment.by_destination.县内": 8,
    "postings.village.cadres": 105, "postings.village.first_secretaries": 20,
    "appointments.promotions": 40,
    "township_teams.party_secretaries": 1, "township_teams.town_heads": 4,
    "mentoring.dual_mentor_mentees": 1, "mentoring.records.谈心谈话": 10, "mentoring.records.定期汇报": 4,
    "mentoring.records.结对帮带": 0, "mentoring.records.警示提醒": 0, "mentoring.records.排忧解难": 0,
    "mentoring.overdue_pairs": 1,
    "tolerance.cases": 6, "tolerance.green": 2, "tolerance.yellow": 3, "tolerance.red": 1,
    "tolerance.open_corrections": 2,
    "care.visits": 1027, "care.visit_amount_yuan": Decimal("513500.00"),
    "care.by_category.老党员": 600, "care.by_category.困难党员": 300, "care.by_category.突出人才": 126,
    "care.by_category.一线干部": 1, "care.by_category.其他": 0, "care.health_checks": 30,
    "rules.findings": 1, "allowances.recipients": 1000,
}
for _f in ("乡村振兴", "脱贫攻坚", "项目建设", "防汛救灾", "三百四千工程", "生态环保", "其他"):
    for _k in ("cadres", "county_leaders", "section_leaders", "units"):
        BUILT[f"postings.frontline.{_f}.{_k}"] = 0


class _County:
    def __init__(self, session):
        self.s = session
        self.n = 0
        self.cadres: list[Cadre] = []

    def cadre(self, unit: Unit, *, age: int = 40, at: Month = Month(2022, 7), sex: str = "男", level="一般干部",
              education_rank: int | None = 1, five_category=None, reserve=False, status="在职", team_role=None) -> Cadre:
        self.n += 1
        birth = Month(at.year - age, at.month)
        seq = (self.n * 2 + (1 if sex == "男" else 0)) % 1000
        first17 = f"52{self.n // 500:04d}{birth.year:04d}{birth.month:02d}15{seq:03d}"
        c = Cadre(id_number=first17 + id_check_digit(first17), name=f"干部{self.n:04d}", sex=sex, birth=birth,
                  unit_id=unit.id, level=level, education_rank=education_rank, five_category=five_category,
                  reserve=reserve, status=status, team_role=team_role, search_text="",
                  work_started=Month(at.year - age + 22, 7))
        self.s.add(c)
        self.cadres.append(c)
        return c

    def flush(self):
        self.s.flush()


def build(session) -> dict:
    """Build the county; returns the expected 2022 figures for cadres.* (counted as built)."""
    s = session
    towns = [Unit(name=f"镇{i:02d}", kind="乡镇", tier="一档", sort_order=i) for i in range(20)]
    depts = [Unit(name=f"县直部门{i:02d}", kind="县直部门", sort_order=100 + i) for i in range(35)]
    spare = Unit(name="县外派驻点", kind="其他", sort_order=999)
    s.add_all([*towns, *depts, spare])
    s.flush()
    units55 = towns + depts
    k = _County(s)

    # The epidemic front: 720 cadres in 55 units; 31 county leaders, 45 section leaders.
    front = []
    for i in range(720):
        level = "县级领导" if i < 31 else ("正科级" if i < 56 else "副科级") if i < 76 else "一般干部"
        front.append(k.cadre(units55[i % 55], age=28 + i % 30, level=level, sex="女" if i % 4 == 0 else "男"))
    outside_front = [k.cadre(spare, age=40) for _ in range(5)]
    k.flush()
    for i, c in enumerate(front):
        # a third started in 2021 and are still at it (overlap), the rest served in spring 2022
        start, end = (D(2021, 6, 1), None) if i % 3 == 0 else (D(2022, 3, 1), D(2022, 5, 31))
        s.add(Posting(cadre_id=c.id, kind="一线任务", field="疫情防控", place="卡点", start=start, end=end))
    s.add(Posting(cadre_id=front[1].id, kind="一线任务", field="疫情防控", place="复查", start=D(2022, 10, 1),
                  end=D(2022, 10, 30)))  # a second posting of one person
    for c in outside_front:  # the year before: ended on 2021-12-31
        s.add(Posting(cadre_id=c.id, kind="一线任务", field="疫情防控", start=D(2021, 1, 1), end=D(2021, 12, 31)))
    s.add(Posting(cadre_id=outside_front[0].id, kind="一线任务", field="疫情防控", start=D(2023, 1, 1)))

    # Training: 14 classes of 2022 with 1300 attendances by the 720, one class either side.
    for ci in range(14):
        tc = TrainingClass(name=f"2022年培训班{ci + 1:02d}", start=D(2022, 1 + ci % 12, 10), end=D(2022, 1 + ci % 12, 14),
                           hours=Decimal("8.0"), organizer="县委党校", mode="线下")
        s.add(tc)
        s.flush()
        size = 93 if ci < 13 else 91
        for j in range(size):
            c = front[(ci * 93 + j) % 720]
            s.add(Attendance(class_id=tc.id, cadre_id=c.id, hours=Decimal("4.5") if ci == 0 and j < 10 else None))
    for name, day, n in (("2021年冬训班", D(2021, 12, 31), 50), ("2023年新春班", D(2023, 1, 1), 20)):
        tc = TrainingClass(name=name, start=day, hours=Decimal("6.0"))
        s.add(tc)
        s.flush()
        for j in range(n):
            s.add(Attendance(class_id=tc.id, cadre_id=front[j].id))

    # Secondments: 30 cadres starting in 2022 (12 / 10 / 8 by destination); one of them twice; one
    # who started in December 2021 and is still away.
    sec = [k.cadre(depts[i % 35], age=30 + i % 5) for i in range(31)]
    k.flush()
    for i, c in enumerate(sec[:30]):
        dest = "上级机关" if i < 12 else "先进地区" if i < 22 else "县内"
        s.add(Posting(cadre_id=c.id, kind="挂职锻炼", destination=dest, place="挂职单位", start=D(2022, 3 + i % 9, 1)))
    s.add(Posting(cadre_id=sec[0].id, kind="挂职锻炼", destination="上级机关", place="又一单位", start=D(2022, 11, 1)))
    s.add(Posting(cadre_id=sec[30].id, kind="挂职锻炼", destination="先进地区", start=D(2021, 12, 15)))

    # Villages: 105 cadres (100 reserve, 20 first secretaries); one reserve cadre whose posting ended in 2021.
    vil = [k.cadre(towns[i % 20], age=32, reserve=i < 100) for i in range(105)]
    vil_out = k.cadre(towns[0], age=33, reserve=True)
    k.flush()
    for i, c in enumerate(vil):
        kind = "驻村第一书记" if i < 20 else "驻村队员" if i % 2 else "尖刀班"
        start = D(2021, 3, 1) if i % 2 else D(2022, 2, 1)
        # some of those since 2021 ended on the period's first day: still in it
        end = D(2022, 1, 1) if i % 5 == 0 and i % 2 else None
        s.add(Posting(cadre_id=c.id, kind=kind, place="村", start=start, end=end))
    s.add(Posting(cadre_id=vil_out.id, kind="驻村队员", start=D(2020, 3, 1), end=D(2021, 12, 31)))

    # Appointments: 142 frontline selections (进一步使用); 164 rank promotions (one cadre twice, one of
    # them a 职级晋升 marked frontline, which is not a frontline selection); one the year before.
    for i, c in enumerate(front[100:242]):
        s.add(Appointment(cadre_id=c.id, date=D(2022, 8, 1), kind="进一步使用", new_unit_id=depts[0].id,
                          frontline=True, frontline_field="疫情防控"))
    for i, c in enumerate(front[300:464]):
        s.add(Appointment(cadre_id=c.id, date=D(2022, 9, 1), kind="职级晋升", new_rank="一级科员",
                          frontline=(i == 0), frontline_field="疫情防控" if i == 0 else None))
    s.add(Appointment(cadre_id=front[301].id, date=D(2022, 12, 1), kind="职级晋升", new_rank="四级主任科员"))
    s.add(Appointment(cadre_id=front[500].id, date=D(2021, 12, 31), kind="职级晋升", new_rank="一级科员"))

    # Township teams: 79 cadres appointed in 2022 (the latest appointment of each decides).
    team_specs = []
    # ages: 10 aged ≤30 (one exactly 30), 38 aged 31–35 (one exactly 31), 31 aged ≥36 (one exactly 36)
    ages = [30] + [26 + i % 4 for i in range(9)] + [31] + [31 + i % 5 for i in range(37)] + [36] + \
           [37 + i % 15 for i in range(30)]
    assert len(ages) == 79
    for i, age in enumerate(ages):
        team_specs.append(dict(
            age=age, sex="女" if i % 6 == 0 and i < 78 else "男",  # 13 women
            education_rank=1 if i < 60 else 0 if i < 68 else 2,  # 68 本科及以上
            five_category="选调生" if i % 5 == 1 and i < 70 else None,  # 14
        ))
    assert sum(1 for t in team_specs if t["sex"] == "女") == 13
    assert sum(1 for t in team_specs if t["five_category"]) == 14
    team = []
    for i, spec in enumerate(team_specs):
        team.append(k.cadre(towns[i % 20], age=spec["age"], sex=spec["sex"], education_rank=spec["education_rank"],
                            five_category=spec["five_category"], level="副科级"))
    k.flush()
    # Roles: 4 town heads aged 33, 35, 37 and 38 (just over 33–37); one party secretary.
    heads = {13: "党委副书记、镇长", 15: "乡长", 49: "党委副书记、镇长", 50: "党委副书记、镇长"}
    assert [ages[i] for i in sorted(heads)] == [33, 35, 37, 38]
    kinds = ["进一步使用"] * 20 + ["平职交流"] * 19 + ["提拔任用"] * 40
    for i, c in enumerate(team):
        role = heads.get(i, "党委委员、副镇长")
        if i == 70:
            role = "党委书记"
        batch = "2022年第1批" if 60 > i >= 54 else None  # six 提拔任用 aged 41–46, none young: a finding
        s.add(Appointment(cadre_id=c.id, date=D(2022, 7, 1), kind=kinds[i], new_team_role=role,
                          new_unit_id=None if i % 3 == 0 else towns[i % 20].id, batch=batch))
    # one of them was made party secretary earlier in the year, then moved to another seat (latest decides)
    s.add(Appointment(cadre_id=team[71].id, date=D(2022, 3, 1), kind="进一步使用", new_team_role="党委书记",
                      new_unit_id=towns[0].id))
    # outside: the year before; a county department's team; a township with no team seat
    t_out = [k.cadre(towns[1], age=30) for _ in range(3)]
    k.flush()
    s.add(Appointment(cadre_id=t_out[0].id, date=D(2021, 12, 20), kind="平职交流", new_team_role="副镇长",
                      new_unit_id=towns[1].id))
    s.add(Appointment(cadre_id=t_out[1].id, date=D(2022, 5, 1), kind="平职交流", new_team_role="党组成员",
                      new_unit_id=depts[1].id))
    s.add(Appointment(cadre_id=t_out[2].id, date=D(2022, 5, 1), kind="平职交流", new_team_role="  ",
                      new_unit_id=towns[1].id))

    # Commendations: three 2022 notices (16 collectives, 60 individuals), one of 2021.
    for bi, (nc, ni) in enumerate(((6, 20), (5, 20), (5, 20))):
        b = CommendationBatch(title=f"疫情防控通报表扬{bi + 1}", date=D(2022, 4 + bi, 1), field="疫情防控",
                              issuer="县委组织部")
        s.add(b)
        s.flush()
        for j in range(nc):
            s.add(Award(batch_id=b.id, target_kind="集体", target_name=units55[bi * 6 + j].name, honour="先进集体"))
        for j in range(ni):
            c = front[bi * 20 + j]
            s.add(Award(batch_id=b.id, target_kind="个人", target_name=c.name, cadre_id=c.id, honour="先进个人"))
    b = CommendationBatch(title="2021年表扬", date=D(2021, 12, 31), field="疫情防控")
    s.add(b)
    s.flush()
    s.add(Award(batch_id=b.id, target_kind="个人", target_name=front[0].name, cadre_id=front[0].id, honour="先进个人"))

    # Mentoring: 18 county–section pairs (one pair twice in the year); 106 section leaders with 364
    # young cadres; a pair that ended in 2021; dual mentors for two mentees, only one on a same day.
    county, section, general = front[:31], front[31:76], front[76:]
    for i in range(18):
        end = None if i == 0 else D(2022, 12, 30)
        start = D(2022, 4, 1) if i == 0 else D(2022, 1, 1)
        s.add(MentorPair(mentor_id=county[i].id, mentee_id=section[i].id, kind="县级领导帮带科级领导", start=start, end=end))
    s.add(MentorPair(mentor_id=county[0].id, mentee_id=section[0].id, kind="县级领导帮带科级领导",
                     start=D(2022, 1, 1), end=D(2022, 3, 31)))
    s.add(MentorPair(mentor_id=county[20].id, mentee_id=section[20].id, kind="县级领导帮带科级领导",
                     start=D(2020, 1, 1), end=D(2021, 12, 31)))
    mentors = general[:106]
    mentees = general[106:470]
    first_pair = None
    for j, mentee in enumerate(mentees):
        pr = MentorPair(mentor_id=mentors[j % 106].id, mentee_id=mentee.id, kind="科级领导帮带年轻干部",
                        start=D(2022, 1, 1), end=D(2022, 6, 30))
        s.add(pr)
        first_pair = first_pair or pr
    s.add(MentorPair(mentor_id=general[470].id, mentee_id=general[471].id, kind="科级领导帮带年轻干部",
                     start=D(2021, 1, 1), end=D(2021, 12, 31)))
    a, b2 = general[480], general[481]
    for role, start, end in (("政治导师", D(2022, 1, 1), D(2022, 6, 30)), ("业务导师", D(2022, 6, 30), D(2022, 6, 30))):
        s.add(MentorPair(mentor_id=general[490 if role == "政治导师" else 491].id, mentee_id=a.id, kind="双导师制",
                         role=role, start=start, end=end))
    for role, start, end in (("政治导师", D(2022, 1, 1), D(2022, 2, 28)), ("业务导师", D(2022, 3, 1), D(2022, 4, 30))):
        s.add(MentorPair(mentor_id=general[492].id if role == "政治导师" else general[493].id, mentee_id=b2.id,
                         kind="双导师制", role=role, start=start, end=end))
    s.flush()
    for d in range(10):
        s.add(MentoringRecord(pair_id=first_pair.id, date=D(2022, 1 + d % 6, 5), kind="谈心谈话", content="谈心"))
    for d in range(4):
        s.add(MentoringRecord(pair_id=first_pair.id, date=D(2022, 1 + d, 20), kind="定期汇报", content="汇报"))
    s.add(MentoringRecord(pair_id=first_pair.id, date=D(2021, 12, 31), kind="谈心谈话", content="前一年"))

    # Tolerance: 6 cases decided in 2022 (2 green, 3 yellow, 1 red); open corrections at year end:
    # one yellow of 2022 and one yellow decided in 2021, both 整改中; a case under review.
    for colour, status, day in (("绿", "无需整改", D(2022, 2, 1)), ("绿", "无需整改", D(2022, 3, 1)),
                                ("黄", "整改中", D(2022, 4, 1)), ("黄", "已整改", D(2022, 5, 1)),
                                ("黄", "已整改", D(2022, 6, 1)), ("红", "无需整改", D(2022, 7, 1)),
                                ("黄", "整改中", D(2021, 12, 31))):
        s.add(ToleranceCase(cadre_id=front[600].id, matter="事项", occurred=day - dt.timedelta(days=30), colour=colour,
                            decided=day, correction_status=status))
    s.add(ToleranceCase(cadre_id=front[601].id, matter="在查", occurred=D(2022, 8, 1)))

    # Visits: 1025 people; one visited twice; a namesake with another ID is another person; one 一线干部;
    # one the year before. 500 yuan each.
    cats = ["老党员"] * 600 + ["困难党员"] * 299 + ["突出人才"] * 126
    for i, cat in enumerate(cats):
        s.add(Visit(name="张三" if i < 2 else f"群众{i:04d}", id_number=f"5200{i:014d}" if i < 500 else None,
                    category=cat, date=D(2022, 1 + i % 12, 1 + i % 28), amount=Decimal("500")))
    s.add(Visit(name="群众0700", category="困难党员", date=D(2022, 12, 31), amount=Decimal("500")))  # twice
    s.add(Visit(name=front[0].name, category="一线干部", date=D(2022, 6, 1), amount=Decimal("500")))
    s.add(Visit(name="群众0001", category="老党员", date=D(2021, 12, 31), amount=Decimal("800")))

    # Care: 30 health checks in 2022, one in 2021.
    for i in range(30):
        s.add(CareRecord(cadre_id=front[i].id, kind="年度体检", date=D(2022, 5, 1)))
    s.add(CareRecord(cadre_id=front[40].id, kind="年度体检", date=D(2021, 12, 1)))

    # The allowance: one 550-yuan standard for 一档 townships since 2021; 1000 township cadres in service
    # in all (the ones above and plain clerks), so 2022 pays 1000 × 550 × 12 = 6,600,000 yuan.
    from cadre_desktop.core.models import AllowanceRate

    s.add(AllowanceRate(effective=D(2021, 1, 1), tier="一档", base=Decimal("550")))
    s.flush()
    in_towns = sum(1 for c in k.cadres if c.status == "在职" and c.unit_id in {t.id for t in towns})
    for i in range(1000 - in_towns):
        k.cadre(towns[i % 20], age=45)
    k.cadre(towns[3], age=58, status="退休")  # retired: not paid

    # A retired woman: in every count of records but not in service.
    k.cadre(depts[2], age=60, sex="女", status="退休")
    s.flush()

    # cadres.* as built (current status; ages at 2022-12-31)
    people = k.cadres
    on = [c for c in people if c.status == "在职"]
    end = Month(2022, 12)
    return {
        "cadres.total": len(people), "cadres.in_service": len(on),
        "cadres.young": sum(1 for c in on if (end.index - c.birth.index) // 12 <= 35),
        "cadres.women": sum(1 for c in on if c.sex == "女"), "cadres.reserve": sum(1 for c in on if c.reserve),
    }
