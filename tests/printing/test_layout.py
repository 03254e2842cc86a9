"""Text in boxes: wrapping never overflows, numbers stay whole where they fit, sizes step down."""

from __future__ import annotations

import pytest

from cadre_desktop.core.printing import fonts
from cadre_desktop.core.printing.layout import NoFit, Style, fit, text_width, wrap


@pytest.fixture(scope="module")
def song():
    return fonts.chain("宋体")


@pytest.mark.parametrize("text", [
    "县委常委、县委办公室主任（其间：2001.09--2003.07在中央党校函授学院经济管理专业学习）",
    "0123456789" * 12,
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 2019.12 被评为全县优秀共产党员",
])
@pytest.mark.parametrize("hang", [0.0, 9 * 10.0])
def test_no_line_is_wider_than_the_box(song, text, hang):
    width = 200.0
    lines = wrap(song, text, 10, width, hang)
    assert "".join(line for line, _i in lines).replace(" ", "") == text.replace(" ", "")
    for line, indent in lines:
        assert indent + text_width(song, line, 10) <= width + 0.01


def test_a_date_range_is_not_broken_where_it_fits(song):
    lines = wrap(song, "某某某某某某某某某某某某（其间：2001.09--2003.07学习）", 10, 150.0)
    assert any("2001.09--2003.07" in line for line, _i in lines)


def test_fit_steps_down_by_the_step_and_stops_at_the_minimum(song):
    style = Style(song, 14, 8, 0.5, 1.2)
    size, lines = fit(style, "干部" * 20, 100, 60)
    assert size < 14 and (14 - size) % 0.5 == 0 and block_ok(lines, size, 60)
    with pytest.raises(NoFit):
        fit(style, "干部" * 400, 100, 60)


def block_ok(lines, size, height):
    return (len(lines) - 1) * size * 1.2 + size <= height + 0.01
