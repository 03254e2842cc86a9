"""Sample .lrmx files written as the official editor and other tools write them, and hostile ones."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

from tests.conftest import make_id

# A tiny but real JPEG (SOI, APP0/JFIF, EOI) and a real 2x2 PNG.
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9") + b"lrmx-test-photo"


def png_bytes() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = png_bytes()

ID_ZHAO = make_id("19850315", "011")   # man, born 1985.03
ID_QIAN = make_id("19900704", "022")   # woman, born 1990.07
ID_SUN = make_id("19781120", "031")    # man, born 1978.11
ID_LI = make_id("19950208", "042")     # woman, born 1995.02


def wrapped(data: bytes, width: int = 76) -> str:
    text = base64.b64encode(data).decode()
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


# The official editor: BOM, double quotes, two-space indents, CRLF, every element in order,
# a padded name, JianLi with &#13;, 10 family items (blank ones padding), a wrapped JPEG photo.
OFFICIAL = f"""<?xml version="1.0" encoding="utf-8"?>
<Person>
  <XingMing>赵  磊</XingMing>
  <XingBie>男</XingBie>
  <ChuShengNianYue>198503</ChuShengNianYue>
  <MinZu>汉族</MinZu>
  <JiGuan>贵州遵义</JiGuan>
  <ChuShengDi>贵州遵义</ChuShengDi>
  <RuDangShiJian>200806</RuDangShiJian>
  <CanJiaGongZuoShiJian>200707</CanJiaGongZuoShiJian>
  <JianKangZhuangKuang>健康</JianKangZhuangKuang>
  <ZhuanYeJiShuZhiWu></ZhuanYeJiShuZhiWu>
  <ShuXiZhuanYeYouHeZhuanChang>基层党建</ShuXiZhuanYeYouHeZhuanChang>
  <QuanRiZhiJiaoYu_XueLi>大学</QuanRiZhiJiaoYu_XueLi>
  <QuanRiZhiJiaoYu_XueWei>法学学士</QuanRiZhiJiaoYu_XueWei>
  <QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>贵州大学法学专业</QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>
  <QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi></QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi>
  <ZaiZhiJiaoYu_XueLi>研究生</ZaiZhiJiaoYu_XueLi>
  <ZaiZhiJiaoYu_XueWei></ZaiZhiJiaoYu_XueWei>
  <ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>省委党校经济管理专业</ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>
  <ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi></ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi>
  <XianRenZhiWu>青山镇党委副书记、镇长</XianRenZhiWu>
  <NiRenZhiWu>青山镇党委书记</NiRenZhiWu>
  <NiMianZhiWu>青山镇镇长职务</NiMianZhiWu>
  <JianLi>2003.09--2007.07  贵州大学法学专业学习&#13;
2007.07--2012.06  青山镇党政办科员&#13;
                  （其间：2008.09--2010.07在省委党校经济管理专业在职研究生学习）&#13;
2012.06--2016.09  青山镇副镇长&#13;
2016.09--         青山镇党委副书记、镇长</JianLi>
  <JiangChengQingKuang>2019年05月，经中共XX县委批准，授予优秀共产党员称号。</JiangChengQingKuang>
  <NianDuKaoHeJieGuo>2018、2019年年度考核均为合格；2020年年度考核优秀。</NianDuKaoHeJieGuo>
  <RenMianLiYou>工作需要</RenMianLiYou>
  <JiaTingChengYuan>
    <!-- 家庭主要成员 -->
    <Item>
      <ChengWei>妻子</ChengWei>
      <XingMing>李  娜</XingMing>
      <ChuShengRiQi>198701</ChuShengRiQi>
      <ZhengZhiMianMao>中共党员</ZhengZhiMianMao>
      <GongZuoDanWeiJiZhiWu>XX县第一中学教师</GongZuoDanWeiJiZhiWu>
    </Item>
    <Item>
      <ChengWei>父亲</ChengWei>
      <XingMing>赵大山</XingMing>
      <ChuShengRiQi>195804</ChuShengRiQi>
      <ZhengZhiMianMao>群众</ZhengZhiMianMao>
      <GongZuoDanWeiJiZhiWu>已去世</GongZuoDanWeiJiZhiWu>
    </Item>
{"".join('''    <Item>
      <ChengWei></ChengWei>
      <XingMing></XingMing>
      <ChuShengRiQi></ChuShengRiQi>
      <ZhengZhiMianMao></ZhengZhiMianMao>
      <GongZuoDanWeiJiZhiWu></GongZuoDanWeiJiZhiWu>
    </Item>
''' for _ in range(8))}  </JiaTingChengYuan>
  <ChengBaoDanWei>中共XX县委组织部</ChengBaoDanWei>
  <JiSuanNianLingShiJian>20230601</JiSuanNianLingShiJian>
  <TianBiaoShiJian>20230515</TianBiaoShiJian>
  <TianBiaoRen>王芳</TianBiaoRen>
  <ShenFenZheng>{ID_ZHAO}</ShenFenZheng>
  <ZhaoPian>{wrapped(JPEG, 16)}</ZhaoPian>
  <Version>3.2.1.16</Version>
</Person>
""".replace("\n", "\r\n")

# Another tool: no BOM, single quotes, no encoding, four-space indents, LF, elements reordered and
# many missing, <X/> empties, comments, a newer element DaoLingNianYue, a ZhengZhiMianMao under
# Person, a party name in RuDangShiJian, dates as yyyy.MM and yyyy-MM, resume lines in wild shapes,
# a PNG photo, Version 2.0 and an element after it.
OTHER_TOOL = f"""<?xml version='1.0'?>
<!-- exported by some county tool -->
<Person>
    <ShenFenZheng>{ID_QIAN}</ShenFenZheng>
    <XingMing>钱小梅</XingMing>
    <ChuShengNianYue>1990.07</ChuShengNianYue>
    <DaoLingNianYue>205007</DaoLingNianYue>
    <ZhengZhiMianMao>民盟盟员</ZhengZhiMianMao>
    <RuDangShiJian>201506；民盟</RuDangShiJian>
    <CanJiaGongZuoShiJian>2012-08</CanJiaGongZuoShiJian>
    <MinZu>苗</MinZu>
    <XianRenZhiWu>县教育局副局长</XianRenZhiWu>
    <NiRenZhiWu/>
    <JianLi>
 2008.09-2012.07 贵州师范大学数学专业学习
201208~201506   XX县第二中学教师
2015.06至2019.03  XX县教育局办公室副主任
      负责教育统计工作
2019.03——至今  县教育局副局长
</JianLi>
    <KuoZhanXinXi laiyuan="xx">
        <BeiZhu>县里自加的扩展信息</BeiZhu>
    </KuoZhanXinXi>
    <NianDuKaoHeJieGuo>2020年年度考核优秀;2021年年度考核合格。</NianDuKaoHeJieGuo>
    <JiangChengQingKuang>无</JiangChengQingKuang>
    <JiaTingChengYuan>
        <Item><ChengWei>丈夫</ChengWei><XingMing>孙  强</XingMing><ChuShengRiQi>1989.03</ChuShengRiQi>
        <ZhengZhiMianMao>群众</ZhengZhiMianMao><GongZuoDanWeiJiZhiWu>个体经营</GongZuoDanWeiJiZhiWu></Item>
        <!-- padding -->
        <Item/>
    </JiaTingChengYuan>
    <ZhaoPian>
{wrapped(PNG)}
    </ZhaoPian>
    <Version>2.0</Version>
    <GaiGeQianRenZhiNianLingJieXian>55</GaiGeQianRenZhiNianLingJieXian>
</Person>
"""

# A minimal file: blank birth month (taken from the ID number), dates as yyyyMMdd and yyyy.MM.dd,
# an open resume end padded with spaces, no photo, no Version.
MINIMAL = f"""<?xml version="1.0" encoding="UTF-8"?>
<Person>
  <XingMing>孙 立 军</XingMing>
  <ChuShengNianYue>
  </ChuShengNianYue>
  <CanJiaGongZuoShiJian>19990701</CanJiaGongZuoShiJian>
  <RuDangShiJian>2001.07.01</RuDangShiJian>
  <JianLi>199907--200305  XX乡农技站技术员&#13;
200305--        XX乡副乡长</JianLi>
  <ShenFenZheng>{ID_SUN}</ShenFenZheng>
  <ZhaoPian></ZhaoPian>
</Person>
"""

GOOD = {"赵磊.lrmx": ("utf-8-sig", OFFICIAL), "钱小梅.lrmx": ("utf-8", OTHER_TOOL), "孙立军.lrmx": ("utf-8", MINIMAL)}

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Person><XingMing>&lol3;</XingMing></Person>
"""
XXE = f"""<?xml version="1.0"?>
<!DOCTYPE Person [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Person><XingMing>&xxe;</XingMing><ShenFenZheng>{ID_LI}</ShenFenZheng></Person>
"""
BAD = {
    "炸弹.lrmx": (BOMB.encode(), "XML 炸弹"),
    "外部实体.lrmx": (XXE.encode(), "外部实体"),
    "不是XML.lrmx": ("这不是一个任免审批表".encode(), "不是 XML 文件"),
    "断裂.lrmx": (f"<Person><XingMing>李</XingMing><ShenFenZheng>{ID_LI}</Person>".encode(), "不是格式正确的 XML"),
    "错误根.lrmx": (f"<Root><ShenFenZheng>{ID_LI}</ShenFenZheng></Root>".encode(), "不是任免审批表的 <Person>"),
    "空文件.lrmx": (b"", "文件是空的"),
    "旧版.lrm": ('"李四","女","199502"'.encode("gb2312"), "旧版任免表 .lrm 格式"),
    "无身份证.lrmx": ("<Person><XingMing>无名</XingMing></Person>".encode(), "没有身份证号"),
}


def write_samples(folder: Path, *, bad: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (encoding, text) in GOOD.items():
        (folder / name).write_bytes(text.encode(encoding))
    if bad:
        for name, (raw, _) in BAD.items():
            (folder / name).write_bytes(raw)
    return folder

# A form from a tool that left the ID number out, but states sex and birth month: importable as a
# new record once the clerk confirms.
NO_ID = """<?xml version="1.0" encoding="utf-8"?>
<Person>
  <XingMing>周  正</XingMing>
  <XingBie>男</XingBie>
  <ChuShengNianYue>197906</ChuShengNianYue>
  <XianRenZhiWu>XX乡党委委员</XianRenZhiWu>
  <ShenFenZheng>52262219790601001</ShenFenZheng>
</Person>
"""
