"""The demo county's township allowance standards (sheet 津贴标准): the old flat standard (基础 200
a month, 10 a year of township service) from 2012, and the tiered one the report describes from
2022.07.01 (一档 350, 二档 550, 三档 800, 编制上浮 300, 年限补助 30). The demo's townships all have a
tier and their cadres a 乡镇工作起始, so every month's payroll lists them with each part."""

from __future__ import annotations

import datetime as dt
import random

OLD = ("2012.01.01", "基础", 200, None, 10)
NEW = (("2022.07.01", "一档", 350, 300, 30), ("2022.07.01", "二档", 550, 300, 30), ("2022.07.01", "三档", 800, 300, 30))


def extend_demo(rows: dict, rng: random.Random, today: dt.date) -> dict[str, list[dict]]:
    out = []
    for effective, tier, base, flt, per_year in (OLD, *NEW):
        row = {"生效日期": effective, "档次": tier, "月标准": base, "年限补助": per_year}
        if flt is not None:
            row["编制上浮"] = flt
        out.append(row)
    return {"津贴标准": out}
