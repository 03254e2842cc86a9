"""Fonts: every role resolves to an embeddable TrueType font, rare characters fall back, a character
no font has is named, a county's font setting refuses what cannot be embedded."""

from __future__ import annotations

import io
import shutil

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas as rl_canvas

from cadre_desktop.core.printing import MissingGlyph, fonts
from cadre_desktop.core.resources import resource_path
from cadre_desktop.core.services import settings
from cadre_desktop.core.values import DomainError


@pytest.fixture(autouse=True)
def _fresh_fonts():
    fonts.reset()
    yield
    fonts.reset()


def test_resources_are_found_from_the_checkout():
    assert resource_path("fonts", "uming.ttc").is_file()
    assert resource_path("fonts", "uming.LICENSE.txt").is_file()
    assert resource_path("fonts", "ukai.LICENSE.txt").is_file()
    assert resource_path("forms").is_dir()


@pytest.mark.parametrize("role", fonts.ROLES)
def test_every_role_resolves_and_draws_chinese(role):
    chain = fonts.chain(role)
    runs = chain.runs("干部任免审批表")
    assert len(runs) == 1 and runs[0][1] == "干部任免审批表"
    assert chain.width("干部", 10) == pytest.approx(20, abs=0.5)  # CJK glyphs are one em wide


def test_roles_use_the_shipped_faces_on_a_pc_without_system_fonts():
    names = {role: fonts.chain(role).fonts[0].face.name for role in fonts.ROLES}
    assert names["宋体"] == b"UMingCN"
    assert names["楷体"] == names["仿宋"] == b"UKaiCN"
    assert names["黑体"] == names["小标宋"] == b"WenQuanYiMicroHei"


def test_a_rare_character_falls_back_to_a_font_that_has_it():
    chain = fonts.chain("黑体")  # WenQuanYi Micro Hei lacks 䶮 (U+4DAE); AR PL UMing has it
    runs = chain.runs("刘䶮同志")
    assert [s for _n, s in runs] == ["刘", "䶮", "同志"]
    assert runs[1][0] != runs[0][0] == runs[2][0]
    assert fonts.missing("刘䶮", chain) is None


def test_a_character_no_font_has_is_named():
    chain = fonts.chain("宋体")
    with pytest.raises(MissingGlyph) as err:
        chain.runs("张𠀀")
    assert err.value.char == "𠀀" and "𠀀" in err.value.message
    assert fonts.missing("张𠀀三", chain) == "𠀀"


def test_fonts_are_embedded_as_subsets():
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, initialFontName=fonts.chain("黑体").name)  # no Helvetica in the preamble
    fonts.draw(c, 50, 700, "刘䶮 干部任免审批表", fonts.chain("黑体"), 14)
    c.save()
    page = PdfReader(io.BytesIO(buf.getvalue())).pages[0]
    embedded = []
    for f in page["/Resources"]["/Font"].values():
        f = f.get_object()
        for d in f.get("/DescendantFonts", [f]):
            desc = d.get_object()["/FontDescriptor"].get_object()
            embedded.append(("/FontFile2" in desc, str(desc["/FontName"])))
    assert len(embedded) == 2 and all(e for e, _ in embedded)
    assert all("+" in name for _e, name in embedded)  # subset tag ABCDEF+Name
    assert len(buf.getvalue()) < 200_000  # subsets, not the 20 MB collections


def test_the_system_font_comes_first(tmp_path, monkeypatch):
    shutil.copy(resource_path("fonts", "ukai.ttc"), tmp_path / "SimSun.ttc")  # stands in for Windows' simsun.ttc
    monkeypatch.setenv("CADRE_FONT_DIRS", str(tmp_path))
    fonts.reset()
    assert fonts.system_font("宋体") == tmp_path / "SimSun.ttc"
    assert fonts.chain("宋体").fonts[0].face.name == b"UKaiCN"


def test_county_font_setting(db, admin, tmp_path):
    otf = tmp_path / "SourceHanSerif.otf"
    otf.write_bytes(b"OTTO" + b"\0" * 200)
    junk = tmp_path / "notes.ttf"
    junk.write_bytes(b"hello, not a font")
    with db.session() as s:
        with pytest.raises(DomainError, match="OpenType/CFF"):
            settings.put(s, actor=admin, key="print_fonts", value={"仿宋": str(otf)})
        with pytest.raises(DomainError, match="不是 TrueType"):
            settings.put(s, actor=admin, key="print_fonts", value={"仿宋": str(junk)})
        with pytest.raises(DomainError, match="不存在"):
            settings.put(s, actor=admin, key="print_fonts", value={"仿宋": str(tmp_path / "none.ttf")})
        with pytest.raises(DomainError, match="未知的打印字体"):
            settings.put(s, actor=admin, key="print_fonts", value={"隶书": str(junk)})
        good = tmp_path / "county-fangsong.ttc"
        shutil.copy(resource_path("fonts", "uming.ttc"), good)
        settings.put(s, actor=admin, key="print_fonts", value={"仿宋": str(good)})
        s.commit()
    with db.session() as s:
        assert fonts.chain("仿宋", session=s).fonts[0].face.name == b"UMingCN"
        assert fonts.chain("楷体", session=s).fonts[0].face.name == b"UKaiCN"


def test_resources_are_found_in_a_frozen_build(tmp_path, monkeypatch):
    (tmp_path / "resources" / "fonts").mkdir(parents=True)
    (tmp_path / "resources" / "fonts" / "uming.ttc").write_bytes(b"x")
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "roster.toml").write_text("x")
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert resource_path("fonts", "uming.ttc") == tmp_path / "resources" / "fonts" / "uming.ttc"
    assert resource_path("forms", "roster.toml") == tmp_path / "forms" / "roster.toml"


def test_an_installed_package_carries_resources_and_forms():
    """pyproject.toml maps the top-level folders into the package, so a wheel has them."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    conf = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert conf["package-dir"] == {"cadre_desktop.resources": "resources", "cadre_desktop.forms": "forms"}
    assert "fonts/*" in conf["package-data"]["cadre_desktop.resources"]
    assert "*.toml" in conf["package-data"]["cadre_desktop.forms"]
    assert '"cadre_desktop.resources", "cadre_desktop.forms"' in (root / "setup.py").read_text(encoding="utf-8")
