"""班子结构 as the core gives it: members with age, sex, education, 五类人员 and years of work, the
team's figures and the findings of rules.py that concern the team (one rule, one place)."""

from __future__ import annotations

import datetime as dt

from cadre_desktop.core.models import Cadre, Unit
from cadre_desktop.core.reports import rules
from cadre_desktop.core.reports.teams import team_structure
from cadre_desktop.core.values import Month

TODAY = dt.date(2024, 7, 15)


def _cadre(s, unit, n, *, age, sex="男", role=None, edu=1, five=None, work_years=10):
    c = Cadre(id_number=f"52262219{n:010d}", name=f"成员{n}", sex=sex, birth=Month(2024 - age, 7), unit_id=unit.id,
              level="副科级", team_role=role, education_rank=edu, five_category=five, search_text="",
              work_started=Month(2024 - work_years, 7))
    s.add(c)
    return c


def test_team_members_figures_and_findings(db, admin):
    with db.session() as s:
        town = Unit(name="青山镇", kind="乡镇", sort_order=1)
        other = Unit(name="白云镇", kind="乡镇", sort_order=2)
        dept = Unit(name="县财政局", kind="县直部门", sort_order=3)
        s.add_all([town, other, dept])
        s.flush()
        _cadre(s, town, 1, age=50, role="党委书记")
        _cadre(s, town, 2, age=40, sex="女", role="党委副书记、镇长", edu=0)
        _cadre(s, town, 3, age=30, role="党委委员、副镇长", five="选调生", edu=2, work_years=1)
        _cadre(s, town, 4, age=28)  # no team seat: not a member
        _cadre(s, other, 5, age=45, role="党委书记")
        _cadre(s, dept, 6, age=30, role="党组成员")  # not a township
    with db.session() as s:
        teams = team_structure(s, today=TODAY)
        assert [t.unit for t in teams] == ["青山镇", "白云镇"]
        t = teams[0]
        assert [(m.name, m.age, m.sex, m.education, m.five_category, m.work_years) for m in t.members] == [
            ("成员1", 50, "男", "大学", "", 10), ("成员2", 40, "女", "研究生", "", 10),
            ("成员3", 30, "男", "大专", "选调生", 1)]
        assert (t.young, t.middle, t.old, t.women, t.bachelor_or_above, t.five_categories) == (1, 1, 1, 1, 2, 1)
        assert (t.party_head, t.government_head, t.average_age) == ("成员1", "成员2", 40.0)
        assert [f.rule for f in t.findings] == ["township_team_work_years"]
        assert [m.name for m in t.members if m.flagged] == ["成员3"]
        white = teams[1]
        assert {f.rule for f in white.findings} == {"township_team_young", "township_team_age_mix"}
        # the same findings as 规则检查 lists for these teams
        listed = [f for f in rules.findings(s, today=TODAY) if f.rule != "young_share_per_batch"]
        assert sorted(f.message for t in teams for f in t.findings) == sorted(f.message for f in listed)
