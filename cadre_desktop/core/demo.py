"""A fictional demo county (云岭县) as rows of the interchange workbook (workbook.md).

`demo_rows` returns what a clerk would have typed into the sheets 单位, 干部, 简历, 奖惩, 年度考核 and
家庭成员, so the project's own importer takes the demo in like any workbook. Everything is invented:
the county, its townships, schools and villages, the people and their ID numbers (area codes
52932x, used by no real county). Ages are counted at `today`, so the demo stays realistic over the
years; the same seed gives the same rows.

The township leadership teams are built so that the department's rules have something to find:
two teams have nobody aged 35 or under, two have nobody aged 46 or over, the others have both.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .demo_tables import (
    PLACES, DEPARTMENTS, TOWNSHIPS, TOWNSHIP_OFFICES, TOWNSHIP_CENTRES, VILLAGES, TEAM_SEATS, TOWN_ROLES,
    STREET_ROLES, TOWNSHIP_DEPUTY_KEYS, DEPARTMENT_TEAMS, DEPARTMENT_TITLES, BUREAU_TITLES, RENAMED, AGE_BANDS,
    SURNAMES, GUARANTEED_SURNAMES, MALE_CHARS, FEMALE_CHARS, ETHNICITIES, EDUCATIONS, EDUCATION_WEIGHTS, SCHOOLS,
    DEGREES, IN_SERVICE, POLITICAL, POLITICAL_YOUNG, SPECIALTIES, TITLES, SPOUSE_WORK, GROWN_CHILD_WORK,
    CADRE_COLUMNS,
)
from .values import FIVE_CATEGORIES, Month, id_check_digit


def township_role(unit: str, key: str) -> str:
    """The 班子职务 of a seat: 柳溪镇 → 党委副书记、镇长; 枫木乡 → 副乡长; 鹤鸣街道 → 街道办事处副主任."""
    table = STREET_ROLES if unit.endswith("街道") else TOWN_ROLES
    return table[key].format(s=unit[-1])


def township_post(unit: str, role: str) -> str:
    """现任职务 of a team seat: 柳溪镇党委书记; 鹤鸣街道党工委副书记、办事处主任."""
    return unit + (role.replace("街道办事处", "办事处") if unit.endswith("街道") else role)


def _head_title(office: str) -> str:
    if office.endswith("股"):
        return "股长"
    if office.endswith("所"):
        return "所长"
    if office.endswith("站"):
        return "站长"
    return "主任"


def _weighted(rng: random.Random, table):
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _day_text(day: dt.date) -> str:
    return f"{day.year}.{day.month:02d}.{day.day:02d}"


@dataclass
class _Spec:
    """What a cadre is to be, decided before the person is invented."""

    unit: str
    level: str
    sex: str
    age: int
    post: str
    rank: str | None = None  # None: a clerk's rank, from age and education
    role: str | None = None  # 班子职务
    staffing: str = "行政编制"
    category: str | None = None  # 五类人员
    status: str = "在职"


@dataclass
class _Segment:
    start: Month
    text: str
    township: bool  # counts as township service (乡镇工作起始)
    end: Month | None = None  # None: where the next line starts


# --- The generator -------------------------------------------------------------------------


class _County:
    def __init__(self, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.today = today
        self.now = Month.of(today)
        self.kind = {name: "县直部门" for name, *_ in DEPARTMENTS}
        self.kind.update({name: kind for name, kind, *_ in TOWNSHIPS})
        self.townships = [name for name, *_ in TOWNSHIPS]
        self.departments = [name for name, *_ in DEPARTMENTS]
        self.sections = {name: (sections, title) for name, _, sections, title in DEPARTMENTS}
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._names: set[str] = set()
        self.rows: dict[str, list[dict[str, object]]] = {
            "单位": [], "干部": [], "简历": [], "奖惩": [], "年度考核": [], "家庭成员": []}

    # -- units and specs --

    def unit_rows(self) -> None:
        order = [(name, "县直部门", None) for name, *_ in DEPARTMENTS]
        order += [(name, kind, tier) for name, kind, tier, _ in TOWNSHIPS]
        for i, (name, kind, tier) in enumerate(order, 1):
            row = {"单位名称": name, "单位类别": kind, "排序": i}
            if tier:
                row["津贴档次"] = tier
            self.rows["单位"].append(row)

    def _sex(self, age: int, female_share: float) -> str:
        if age >= 55:  # women below 处级 retire at 55
            return "男"
        return "女" if self.rng.random() < female_share else "男"

    def _leader(self, unit, level, rank, role, post, ages, female_share=0.22) -> _Spec:
        age = self.rng.randint(*ages)
        return _Spec(unit, level, self._sex(age, female_share), age, post, rank, role)

    def department_specs(self) -> list[_Spec]:
        specs = []
        for name, staff, *_ in DEPARTMENTS:
            for role, post, rank, level, ages in DEPARTMENT_TEAMS[name]:
                specs.append(self._leader(name, level, rank, role, post or name + role, ages))
            for _ in range(staff + self.rng.randint(0, 3)):
                specs.append(self._clerk(name))
        return specs

    def township_specs(self) -> list[_Spec]:
        plans = ["no_young", "no_young", "no_old", "no_old"]
        plans += ["mixed"] * (len(self.townships) - len(plans))
        self.rng.shuffle(plans)
        plans = dict(zip(self.townships, plans))
        specs, deputies = [], []
        for name, _kind, _tier, staff in TOWNSHIPS:
            seats = list(TEAM_SEATS)
            if self.rng.random() < 0.6:
                seats.append(("deputy", "副科级", (27, 50)))
            for key, level, ages in seats:
                role = township_role(name, key)
                spec = self._leader(name, level, level, role, township_post(name, role),
                                    self._plan_ages(plans[name], ages))
                specs.append(spec)
                if level == "副科级":
                    deputies.append(spec)
            for _ in range(staff + self.rng.randint(0, 3)):
                specs.append(self._clerk(name))
        self._five_categories(deputies)
        return specs

    @staticmethod
    def _plan_ages(plan: str, ages: tuple[int, int]) -> tuple[int, int]:
        """A seat's age range under the team's plan: no_young (nobody ≤ 35), no_old (nobody ≥ 46) or
        mixed (the seats' own ranges, which hold a member ≤ 35 and one ≥ 46)."""
        lo, hi = ages
        if plan == "no_young":
            lo = max(lo, 36)
            hi = hi if hi >= lo else lo + 9
        elif plan == "no_old":
            hi = min(hi, 45)
            lo = lo if lo <= hi else hi - 9
        return lo, hi

    def _fits(self, category: str, age: int) -> bool:
        if category == "优秀村(社区)党组织书记":
            return age >= 33  # a village secretary comes to a team later in life
        if category == "大学生村官":  # the programme took graduates from 2008 to 2019
            return 2008 <= self.now.year - age + 23 <= 2019
        return True

    def _five_categories(self, deputies: list[_Spec]) -> None:
        """14 township team members (副科级) from the 五类人员 (the report's 14), each category present."""
        rng = self.rng
        for category in FIVE_CATEGORIES:  # one of each first
            fitting = [s for s in deputies if s.category is None and self._fits(category, s.age)]
            if fitting:
                self._set_category(rng.choice(fitting), category)
        free = [s for s in deputies if s.category is None]
        for spec in rng.sample(free, 14 - sum(s.category is not None for s in deputies)):
            self._set_category(spec, rng.choice([c for c in FIVE_CATEGORIES if self._fits(c, spec.age)]))

    @staticmethod
    def _set_category(spec: _Spec, category: str) -> None:
        spec.category = category
        if category == "乡镇事业编制人员":
            spec.staffing = "事业编制"

    def _clerk(self, unit: str) -> _Spec:
        """A general cadre (一般干部) of the unit; some older ones head an office."""
        rng = self.rng
        lo, hi = _weighted(rng, [((lo, hi), w) for lo, hi, w in AGE_BANDS])
        age = rng.randint(lo, hi)
        township = self.kind[unit] != "县直部门"
        staffing = _weighted(rng, (("行政编制", 60), ("事业编制", 28), ("参公事业编制", 12)) if township
                             else (("行政编制", 78), ("参公事业编制", 17), ("事业编制", 5)))
        spec = _Spec(unit, "一般干部", self._sex(age, 0.38), age, "", staffing=staffing)
        spec.post = self._clerk_post(unit, staffing, senior=age >= 36 and rng.random() < 0.25)
        return spec

    def _clerk_post(self, unit: str, staffing: str, *, senior: bool) -> str:
        """县财政局预算股科员, 县财政局预算股股长, 柳溪镇党政办干事, 柳溪镇农业服务中心工作人员 …"""
        if self.kind[unit] == "县直部门":
            sections, title = self.sections[unit]
            office = self.rng.choice(sections)
            if not senior and staffing == "事业编制":
                title = "工作人员"
            return unit + office + (_head_title(office) if senior else title)
        offices, title = TOWNSHIP_CENTRES if staffing == "事业编制" else TOWNSHIP_OFFICES
        office = self.rng.choice(offices)
        return unit + office + (_head_title(office) if senior else title)

    def retire_some(self, specs: list[_Spec]) -> None:
        """About 3% are retired: still with their last unit, post and level."""
        renamed = [name for name, *_ in RENAMED]
        clerks = [s for s in specs if s.role is None and s.level == "一般干部" and s.unit not in renamed]
        for spec in self.rng.sample(clerks, round(0.03 * len(specs))):
            spec.status = "退休"
            spec.age = self.rng.randint(61, 65) if spec.sex == "男" else self.rng.randint(56, 62)

    # -- people --

    def surnames(self, n: int) -> list[str]:
        pool = list(GUARANTEED_SURNAMES)
        pool += [_weighted(self.rng, SURNAMES) for _ in range(n - len(pool))]
        self.rng.shuffle(pool)
        return pool

    def given_name(self, sex: str) -> str:
        chars = FEMALE_CHARS if sex == "女" else MALE_CHARS
        if self.rng.random() < 0.3:
            return self.rng.choice(chars)
        return "".join(self.rng.sample(chars, 2))

    def cadre_name(self, surname: str, sex: str) -> str:
        for _ in range(50):
            name = surname + self.given_name(sex)
            if name not in self._names:
                break
        self._names.add(name)
        return name

    def random_name(self, sex: str, surname: str | None = None) -> tuple[str, str]:
        """(surname, full name) of someone in a cadre's family."""
        surname = surname or _weighted(self.rng, SURNAMES)
        return surname, surname + self.given_name(sex)

    def birth_for_age(self, age: int) -> Month:
        """A birth month at which one is `age` whole years old this month."""
        return self.now.add_months(-(12 * age + self.rng.randint(0, 11)))

    def id_number(self, area: str, birth: dt.date, sex: str) -> str:
        while True:
            seq = f"{self.rng.randint(0, 99):02d}"
            digit = self.rng.choice("13579" if sex == "男" else "02468")
            first17 = f"{area}{birth:%Y%m%d}{seq}{digit}"
            number = first17 + id_check_digit(first17)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = "1" + self.rng.choice("358") + "".join(self.rng.choices("0123456789", k=9))
            if number not in self._phones:
                self._phones.add(number)
                return number

    def education(self, age: int, birth: Month, end: Month, level: str, min_months: int):
        """(学历 as typed, month of graduation): a level whose graduate has worked `min_months`."""
        weights = dict(zip(EDUCATIONS, next(w for top, w in EDUCATION_WEIGHTS if age <= top)))
        if level != "一般干部":  # leaders studied a little longer
            weights = {k: w * f for (k, w), f in zip(weights.items(), (1.5, 1.3, 1, 0.5))}
        levels = list(EDUCATIONS)
        while levels:
            text = self.rng.choices(levels, weights=[weights[x] for x in levels])[0]
            grad = self._graduation(birth, self.rng.randint(*EDUCATIONS[text][0]))
            if grad.index <= end.index - min_months:
                return text, grad
            levels.remove(text)
        return "中专", self._graduation(birth, 18)

    @staticmethod
    def _graduation(birth: Month, age: int) -> Month:
        """The July in which one graduates at `age` (those born after July start school a year later)."""
        return Month(birth.year + age + (birth.month > 7), 7)

    def _programme(self, level: str) -> tuple[str, str]:
        school, majors = self.rng.choice(SCHOOLS[level])
        return school, self.rng.choice(majors)

    def school_segments(self, text: str, grad: Month) -> tuple[list[_Segment], dict[str, object]]:
        """Resume lines of full-time study and the 全日制 columns."""
        school, major = self._programme(text)
        degree = {"研究生": "硕士", "大学本科": "学士"}.get(text)
        degree = DEGREES[major] + degree if degree else None  # 法学学士, 管理学硕士
        years = EDUCATIONS[text][1]
        columns = {"全日制学历": text, "全日制学位": degree, "全日制毕业院校系及专业": f"{school}{major}专业"}
        study = "研究生学习" if text == "研究生" else "学习"
        segments = [_Segment(Month(grad.year - years, 9), f"{school}{major}专业{study}", False)]
        if text == "研究生":  # the undergraduate years before
            first, first_major = self._programme("大学本科")
            segments.insert(0, _Segment(Month(grad.year - years - 4, 9), f"{first}{first_major}专业学习", False,
                                        end=Month(grad.year - years, 7)))
        return segments, columns

    def in_service(self, age: int, full_time: str) -> dict[str, object]:
        rng = self.rng
        if age < 30 or rng.random() > {"中专": 0.8, "大专": 0.6, "大学本科": 0.15, "研究生": 0.0}[full_time]:
            return {}
        options = IN_SERVICE[:3] if full_time in ("中专", "大专") else IN_SERVICE[3:]
        text, degree, school = rng.choice(options)
        return {"在职学历": text, "在职学位": degree, "在职毕业院校系及专业": school}

    def political(self, spec: _Spec, birth: Month, end: Month) -> tuple[str, Month | None]:
        """政治面貌 and 入党时间; leaders are Party members."""
        rng = self.rng
        status = "中共党员"
        if spec.level == "一般干部":
            status = _weighted(rng, POLITICAL_YOUNG if spec.age <= 28 else POLITICAL)
        if status == "中共预备党员":
            return status, end.add_months(-rng.randint(1, 11))
        if status != "中共党员":
            return status, None
        low = 18 if spec.age < 26 else 20
        high = min(spec.age - 2, 32 if spec.level != "一般干部" else 40)
        joined = birth.add_months(12 * rng.randint(low, max(low, high)) + rng.randint(0, 11))
        return status, min(joined, end.add_months(-13))

    # -- careers --

    def _ladder(self, level: str, n: int) -> list[str]:
        """The rungs of `n` earlier posts, lowest first, reaching the top rung for the level."""
        ladder = {"一般干部": ("clerk",), "副科级": ("clerk", "senior"), "正科级": ("clerk", "deputy"),
                  "县级领导": ("clerk", "deputy", "head")}[level]
        if n < len(ladder):
            return list(ladder[len(ladder) - n:])
        return [ladder[j * len(ladder) // n] for j in range(n)]

    def _nearby_unit(self, unit: str) -> str:
        r = self.rng.random()
        if r < 0.5:
            return unit
        same = self.townships if self.kind[unit] != "县直部门" else self.departments
        other = self.departments if same is self.townships else self.townships
        return self.rng.choice(same if r < 0.85 else other)

    def _earlier_post(self, spec: _Spec, rung: str) -> tuple[str, str]:
        """(unit, post) of an earlier post on the given rung of the ladder."""
        rng = self.rng
        if rung in ("clerk", "senior"):
            unit = self._nearby_unit(spec.unit)
            return unit, self._clerk_post(unit, spec.staffing, senior=rung == "senior")
        in_township = self.kind[spec.unit] != "县直部门"
        if rng.random() < 0.2:
            in_township = not in_township
        if in_township:
            unit = rng.choice(self.townships)
            key = rng.choice(TOWNSHIP_DEPUTY_KEYS) if rung == "deputy" else rng.choice(("head", "secretary"))
            return unit, township_post(unit, township_role(unit, key))
        # The heads of 县委办公室 and 县委组织部 sit on the county Party committee: not a step on the way.
        unit = rng.choice(self.departments if rung == "deputy" else self.departments[2:])
        deputy, head = DEPARTMENT_TITLES.get(unit, BUREAU_TITLES)
        return unit, unit + (deputy if rung == "deputy" else head)

    def _category_post(self, spec: _Spec) -> tuple[str, bool]:
        """The first post of a 五类人员 cadre: (text, counts as township service)."""
        town = spec.unit
        place = self.rng.choice(VILLAGES) + ("社区" if town.endswith("街道") else "村")
        return {
            "选调生": (f"{town}{place}党支部书记助理（选调生）", True),
            "大学生村官": (f"{town}{place}村委会主任助理（大学生村官）".replace("社区村委会", "社区居委会"), False),
            "优秀村(社区)党组织书记": (f"{town}{place}党支部书记", False),
            "乡镇事业编制人员": (f"{town}农业服务中心工作人员", True),
            "驻村第一书记": (f"{self.rng.choice(self.departments[3:])}派驻{town}{place}第一书记", False),
        }[spec.category]

    def work_segments(self, spec: _Spec, start: Month, end: Month, school_lines: int) -> list[_Segment]:
        """Posts from `start` (参加工作时间) to the current one: with the school lines, 3 to 7 lines,
        each post lasting at least about half a year."""
        rng = self.rng
        span = end.index - start.index
        wanted = {"一般干部": rng.randint(1, 3) + (spec.age > 40), "副科级": rng.randint(2, 4),
                  "正科级": rng.randint(3, 5), "县级领导": rng.randint(4, 5)}[spec.level]
        if spec.category:
            wanted = max(wanted, 3)
        k = max(1, min(wanted, 7 - school_lines, span // 8), min(3 - school_lines, span // 6))
        starts = [start.index] + [start.index + round(span * (j + rng.uniform(-0.35, 0.35)) / k) for j in range(1, k)]
        if spec.category in ("选调生", "大学生村官") and k >= 2:  # two or three years in a village
            starts[1] = min(starts[1], start.index + rng.randint(24, 36))
        if spec.category == "驻村第一书记" and k >= 3:  # a first secretary's term
            starts[-2] = max(starts[-2], starts[-1] - rng.randint(24, 36))
        months = [Month.from_index(i) for i in starts]

        segments = []
        for rung, month in zip(self._ladder(spec.level, k - 1), months):
            unit, post = self._earlier_post(spec, rung)
            segments.append(_Segment(month, post, self.kind[unit] != "县直部门"))
        is_township = self.kind[spec.unit] != "县直部门"
        if is_township and spec.role == township_role(spec.unit, "secretary") and k >= 3:
            unit = rng.choice(self.townships)  # a party secretary was a head of government before
            segments[-1].text = township_post(unit, township_role(unit, "head"))
            segments[-1].township = True
        if spec.category and segments:
            at = -1 if spec.category == "驻村第一书记" else 0
            segments[at].text, segments[at].township = self._category_post(spec)
        segments.append(_Segment(months[-1], spec.post, is_township))
        self._as_then_named(segments, end)
        return segments

    @staticmethod
    def _as_then_named(segments: list[_Segment], end: Month) -> None:
        """Units renamed in the institutional reforms appear under their name of the time; a current
        post in such a unit starts no earlier than the unit."""
        current = segments[-1]
        for name, founded, _ in RENAMED:
            if name in current.text and current.start < founded <= end:
                if len(segments) == 1:
                    segments.insert(0, _Segment(current.start, current.text, current.township))
                current.start = founded
        for seg in segments[:-1]:
            for name, founded, before in RENAMED:
                if name in seg.text and seg.start < founded:
                    seg.text = seg.text.replace(name, before)
                    if before.endswith("办公室"):
                        seg.text = seg.text.replace("局长", "主任")

    # -- one cadre --

    def cadre(self, spec: _Spec, surname: str) -> None:
        rng = self.rng
        birth = self.birth_for_age(spec.age)
        birth_day = dt.date(birth.year, birth.month, rng.randint(1, 28))
        end = self.now
        if spec.status == "退休":
            end = birth.add_months(12 * (60 if spec.sex == "男" else 55) + 1)
        native, area, _ = rng.choices(PLACES, weights=[w for *_, w in PLACES])[0]
        birthplace = native if rng.random() < 0.85 else _weighted(rng, [(p, w) for p, _, w in PLACES])
        id_number = self.id_number(area, birth_day, spec.sex)
        name = self.cadre_name(surname, spec.sex)

        min_months = 14 if spec.level == "一般干部" and spec.role is None else 40
        full_time, grad = self.education(spec.age, birth, end, spec.level, min_months)
        school, edu_columns = self.school_segments(full_time, grad)
        work = self.work_segments(spec, grad, end, len(school))
        political, joined = self.political(spec, birth, end)
        township_start = None
        if self.kind[spec.unit] != "县直部门":
            township_start = next(s.start for s in work if s.township)

        row: dict[str, object] = {
            "身份证号": id_number, "姓名": name, "性别": spec.sex, "出生年月": str(birth),
            "民族": _weighted(rng, ETHNICITIES), "籍贯": native, "出生地": birthplace,
            "政治面貌": political, "入党时间": str(joined) if joined else None, "参加工作时间": str(grad),
            "健康状况": "健康", **edu_columns, **self.in_service(spec.age, full_time),
            "工作单位": spec.unit, "现任职务": spec.post, "职级": spec.rank or self.clerk_rank(spec, full_time),
            "干部层级": spec.level, "编制类型": spec.staffing, "班子职务": spec.role, "五类人员": spec.category,
            "后备干部": "否", "乡镇工作起始": str(township_start) if township_start else None,
            "联系电话": self.phone(), "人员状态": spec.status,
        }
        # 任现职务时间: the current post's line; 任现职级时间: a leader's rank came with the post, a
        # clerk's some time in the last six years of service (a 职级晋升 in demo_careers moves it).
        post_since = work[-1].start
        row["任现职务时间"] = str(post_since)
        if spec.rank:
            row["任现职级时间"] = str(post_since)
        else:
            low = max(grad.index, end.index - 72)
            row["任现职级时间"] = str(Month.from_index(rng.randint(low, max(low, end.index - 3))))
        if spec.level != "一般干部":
            row["熟悉专业有何专长"] = rng.choice(SPECIALTIES)
        if spec.staffing == "事业编制" and spec.level == "一般干部" and rng.random() < 0.5:
            row["专业技术职务"] = rng.choice(TITLES)[spec.age >= 38]
        self.rows["干部"].append(row)
        self.resume(row, school + work, end if spec.status != "在职" else None)
        results = self.appraisals(row, spec, grad, end)
        self.rewards(row, results, grad, end)
        self.family(row, spec, surname)

    def clerk_rank(self, spec: _Spec, education: str) -> str:
        rng, age = self.rng, spec.age
        if spec.staffing == "事业编制":
            return "管理十级" if age < 30 else ("管理九级" if age < 40 else "管理八级")
        if age <= 25:
            return "一级科员" if education in ("大学本科", "研究生") else "二级科员"
        if age <= 30:
            return rng.choice(("一级科员", "四级主任科员"))
        if age <= 38:
            return rng.choice(("四级主任科员", "三级主任科员"))
        if age <= 48:
            return rng.choice(("三级主任科员", "二级主任科员"))
        return rng.choice(("二级主任科员", "一级主任科员"))

    def resume(self, row: dict, segments: list[_Segment], last_end: Month | None) -> None:
        for i, seg in enumerate(segments):
            stop = seg.end or (segments[i + 1].start if i + 1 < len(segments) else last_end)
            self.rows["简历"].append({"身份证号": row["身份证号"], "姓名": row["姓名"], "起始年月": str(seg.start),
                                    "截止年月": str(stop) if stop else None, "经历": seg.text})

    def appraisals(self, row: dict, spec: _Spec, work_start: Month, end: Month) -> dict[int, str]:
        rng = self.rng
        last = end.year - 1 if end.month >= 3 else end.year - 2  # appraisals are decided early in the year
        civil = spec.staffing != "事业编制"
        results = {}
        for year in range(last - rng.randint(2, 4), last + 1):
            if year < work_start.year:
                continue
            if year == work_start.year:
                result = "不定等次"  # a newcomer's first year
            elif rng.random() < 0.15:
                result = "优秀"
            elif rng.random() < 0.02:
                result = "基本称职" if civil else "基本合格"
            else:
                result = "称职" if civil else "合格"
            results[year] = result
            self.rows["年度考核"].append(
                {"身份证号": row["身份证号"], "姓名": row["姓名"], "年度": year, "考核结果": result})
        return results

    def rewards(self, row: dict, results: dict[int, str], work_start: Month, end: Month) -> None:
        rng = self.rng
        candidates = []
        for year, result in results.items():
            if result == "优秀":
                merit = all(results.get(y) == "优秀" for y in (year - 1, year - 2))
                text = f"{year}年度考核优秀，" + ("记三等功" if merit else "嘉奖")
                candidates.append((dt.date(year + 1, 3, rng.randint(1, 28)), "奖励", text, "县委、县政府"))
        for year in range(end.year - 5, end.year + 1):
            fields = ["项目建设", "防汛救灾"] + (["疫情防控"] if 2020 <= year <= 2022 else [])
            fields.append("脱贫攻坚" if year <= 2020 else "乡村振兴")
            candidates.append((dt.date(year, 12, rng.randint(10, 28)), "奖励",
                               f"{year}年度全县{rng.choice(fields)}工作先进个人", "县委、县政府"))
            if row["政治面貌"] == "中共党员":
                candidates.append((dt.date(year, 6, 28), "奖励", f"{year}年全县优秀共产党员", "中共云岭县委"))
        first, last = work_start.first_day(), min(self.today, end.add_months(1).first_day())
        candidates = [c for c in candidates if first <= c[0] < last]
        count = min(len(candidates), _weighted(rng, ((0, 35), (1, 35), (2, 20), (3, 10))))
        chosen = rng.sample(candidates, count)
        if count < 3 and rng.random() < 0.015 and end == self.now:
            day = self.today - dt.timedelta(days=rng.randint(60, 1200))
            if day >= first:
                kind = "党内警告" if row["政治面貌"] == "中共党员" else "政务警告"
                text = f"因履职不力，受到{kind}处分"
                chosen.append((day, "惩戒", text, "县纪委县监委"))
        for day, kind, text, approver in sorted(chosen):
            self.rows["奖惩"].append({"身份证号": row["身份证号"], "姓名": row["姓名"], "日期": _day_text(day),
                                    "类别": kind, "内容": text, "批准机关": approver})

    # -- family --

    def family(self, row: dict, spec: _Spec, surname: str) -> None:
        """2 to 5 members: spouse, children, parents."""
        rng, age = self.rng, spec.age
        members = []
        if rng.random() < (0.93 if age >= 30 else 0.5 if age >= 25 else 0.1):
            sex = "女" if spec.sex == "男" else "男"
            spouse_age = age + (rng.randint(-4, 1) if sex == "女" else rng.randint(-1, 4))
            spouse_surname, name = self.random_name(sex)
            work = "退休" if spouse_age >= 60 else rng.choice(SPOUSE_WORK).format(t=rng.choice(self.townships))
            politics = "中共党员" if rng.random() < 0.35 else "群众"
            members.append(("妻子" if sex == "女" else "丈夫", name, self.birth_for_age(spouse_age), politics, work))
            if age >= 27:
                for _ in range(_weighted(rng, ((0, 5), (1, 55), (2, 40)))):
                    child = self.child(age, surname if spec.sex == "男" else spouse_surname)
                    if child:
                        members.append(child)
        for relation, sex, gap in (("父亲", "男", rng.randint(24, 32)), ("母亲", "女", rng.randint(22, 30))):
            parent_age = age + gap
            alive = rng.random() < (0.85 if parent_age < 75 else 0.5 if parent_age < 88 else 0.15)
            if alive or len(members) < 2:
                politics = "中共党员" if rng.random() < 0.3 else "群众"
                work = rng.choice(("退休", "务农", "务农")) if parent_age >= 60 else rng.choice(("务农", "个体经营"))
                _, name = self.random_name(sex, surname if relation == "父亲" else None)
                members.append((relation, name, self.birth_for_age(parent_age), politics, work))
        for relation, name, birth, politics, work in members:
            self.rows["家庭成员"].append({"身份证号": row["身份证号"], "姓名": row["姓名"], "称谓": relation,
                                      "成员姓名": name, "出生年月": str(birth), "政治面貌": politics,
                                      "工作单位及职务": work})

    def child(self, parent_age: int, surname: str):
        rng = self.rng
        age = parent_age - rng.randint(24, 33)
        if age < 0:
            return None
        sex = rng.choice("男女")
        if age < 6:
            work, politics = "学龄前", None
        elif age < 12:
            work, politics = "云岭县实验小学学生", None
        elif age < 18:
            work, politics = "云岭县第一中学学生", "共青团员" if age >= 14 else None
        elif age < 23:
            work, politics = rng.choice(SCHOOLS["大学本科"])[0] + "学生", "共青团员"
        else:
            work = rng.choice(GROWN_CHILD_WORK)
            politics = "共青团员" if age <= 28 and rng.random() < 0.5 else rng.choice(("群众", "中共党员"))
        birth = self.now.add_months(-(12 * age + rng.randint(1, 11)))
        return ("儿子" if sex == "男" else "女儿", self.random_name(sex, surname)[1], birth, politics, work)

    # -- after everyone exists --

    def reserves_and_proposals(self, specs: list[_Spec]) -> None:
        """后备干部 for about 10%; 拟任/拟免 for a handful of reserve cadres."""
        rng = self.rng
        rows = self.rows["干部"]
        pairs = [(s, r) for s, r in zip(specs, rows) if s.status == "在职"]
        candidates = [(s, r) for s, r in pairs if r["政治面貌"] == "中共党员" and (
            (s.level == "副科级" and s.age <= 45) or (s.level == "一般干部" and 26 <= s.age <= 40))]
        chosen = rng.sample(candidates, min(len(candidates), round(0.10 * len(pairs))))
        for _, r in chosen:
            r["后备干部"] = "是"
        clerks = [(s, r) for s, r in chosen if s.level == "一般干部" and self.kind[s.unit] != "县直部门"]
        deputies = [(s, r) for s, r in chosen if s.level == "副科级" and self.kind[s.unit] != "县直部门"]
        for s, r in rng.sample(clerks, min(4, len(clerks))):
            r["拟任职务"] = township_post(s.unit, township_role(s.unit, "member_deputy"))
            r["拟免职务"] = r["现任职务"]
            r["任免理由"] = "工作需要"
        for s, r in rng.sample(deputies, min(2, len(deputies))):
            other = rng.choice([t for t in self.townships if t != s.unit])
            r["拟任职务"] = township_post(other, township_role(other, "head"))
            r["拟免职务"] = r["现任职务"]
            r["任免理由"] = "优化乡镇领导班子结构，工作需要"

    def build(self) -> dict[str, list[dict[str, object]]]:
        self.unit_rows()
        specs = self.department_specs() + self.township_specs()
        self.retire_some(specs)
        for spec, surname in zip(specs, self.surnames(len(specs))):
            self.cadre(spec, surname)
        self.reserves_and_proposals(specs)
        self.rows["干部"] = [{k: r[k] for k in CADRE_COLUMNS if r.get(k) not in (None, "")} for r in self.rows["干部"]]
        for sheet in ("简历", "奖惩", "年度考核", "家庭成员"):
            self.rows[sheet] = [{k: v for k, v in r.items() if v not in (None, "")} for r in self.rows[sheet]]
        return self.rows


def demo_rows(*, seed: int = 2022, today: dt.date | None = None) -> dict[str, list[dict[str, object]]]:
    """A fictional county as workbook rows: sheet name → rows keyed by the sheet's column headers.

    Sheets 单位, 干部, 简历, 奖惩, 年度考核, 家庭成员; values as a clerk types them (months `1985.03`,
    days `2022.06.15`, 是/否); blank cells left out. Ages are counted at `today` (default: today).
    """
    today = today or dt.date.today()
    rows = _County(seed, today).build()
    import importlib

    for name in DEMO_EXTENSIONS:
        extend = importlib.import_module(f"{__package__}.{name}").extend_demo
        for sheet, extra in extend(rows, random.Random(f"{seed}-{name}"), today).items():
            rows.setdefault(sheet, []).extend(extra)
    return rows


# Modules under core that add records of other sheets to the demo county: each has
# `extend_demo(rows, rng, today) -> {sheet: [row, …]}`, reading the units and cadres in `rows`.
DEMO_EXTENSIONS: tuple[str, ...] = ("demo_development", "demo_careers", "demo_mentoring", "demo_allowances", "demo_report")
