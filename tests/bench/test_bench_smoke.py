"""bench/run.py at a small size: it runs every measurement and writes the table. (Times are never
asserted; this only keeps the benchmark from rotting.)"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_run_writes_the_table(tmp_path):
    out = tmp_path / "results.md"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--size", "300", "--forms", "10",
                        "--out", str(out)], capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=900)
    assert p.returncode == 0, p.stderr[-2000:]
    table = out.read_text("utf-8")
    assert "# Benchmark at 300 cadres" in table and "- machine: " in table
    for measure in ("| import |", "| re-import (unchanged) |", "| import --dry-run |", "| export |",
                    "| roster search name", "| roster search initials", "| roster search full pinyin",
                    "| roster search ID fragment", "| roster, department order |", "| first paint (roster shown) |",
                    "| window memory |", "| GUI stall tour (longest gap) |", "| 10 审批表 to one PDF |", "| cadre check |",
                    "| cadre report (this year) |"):
        assert measure in table, measure
    # every measurement produced a number, not an error
    body = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert all(("s |" in line or "ms" in line or "MB" in line) for line in body), body
    assert "Error" not in table and "over " not in table
    # the tour's per-step table is kept beside the results, where the table's row points
    assert "per step: results-stalls.md" in table and (tmp_path / "results-stalls.md").read_text("utf-8")
