"""Generate a realistic synthetic corpus: sample articles recombined into new pages of other places.

Each page belongs to one paper (a real prefecture-level city from the gazetteer) and one date
between 2018 and 2023, and carries 4 to 10 articles drawn from the five sample pages. In each
article the sample's streets, districts and cities are replaced by real streets and the
district and city above them, every number by another of the same number of digits, and
dates by dates in the week before the page. One page in ten is written in GB18030.

    .venv/bin/python bench/generate.py --pages 10000 --out /tmp/civic-bench/raw-10k

File names are `<YYYY-MM-DD>_<city>_<page>.txt`, so the page date and year come from the name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from civic.clean import clean  # noqa: E402
from civic.gazetteer import Gazetteer, gazetteer  # noqa: E402
from civic.ingest import list_sources, read_source  # noqa: E402
from civic.segment import segment  # noqa: E402

SAMPLE_CITIES = ("郑州市", "辽源市")
KICKERS = ("创文进行时", "文明城市创建", "创城攻坚", "创卫在行动", "文明实践", "社区动态")
_NUMBER = re.compile(r"\d+(?![\d年月日号])")
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"20\d\d年")


@dataclass(frozen=True)
class Template:
    """A sample article with its place names replaced by slots {s0} {s1} (streets) {d} (district) {c} (city)."""

    title: str
    body: str
    byline: str


@dataclass(frozen=True)
class Place:
    city: str
    districts: dict[str, list[str]]  # district -> its streets


def places(gaz: Gazetteer) -> list[Place]:
    """Prefecture-level cities with at least one district of three or more streets."""
    by_city: dict[str, dict[str, list[str]]] = {}
    for street in gaz.streets:
        chain = gaz.street_chain(street)
        if chain.city and chain.district:
            by_city.setdefault(chain.city, {}).setdefault(chain.district, []).append(street.name)
    return [Place(city, {d: s for d, s in districts.items() if len(s) >= 3})
            for city, districts in sorted(by_city.items()) if any(len(s) >= 3 for s in districts.values())]


def templates(raw: Path, gaz: Gazetteer) -> list[Template]:
    """The sample articles with their streets, districts and cities turned into slots."""
    streets, districts = set(), set()
    for street in gaz.streets:
        chain = gaz.street_chain(street)
        if chain.city in SAMPLE_CITIES:
            streets.add(street.name)
            districts.add(chain.district)
    names = sorted(streets, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, names + sorted(districts, key=len, reverse=True)
                                      + list(SAMPLE_CITIES))))
    result = []
    for path in list_sources(raw):
        page = segment(clean(read_source(path, raw).text).text)
        for article in page.articles:
            slots: dict[str, str] = {}

            def slot(match: re.Match, slots: dict[str, str] = slots) -> str:
                name = match.group(0)
                if name in SAMPLE_CITIES:
                    return "{c}"
                if name in districts:
                    return "{d}"
                slots.setdefault(name, f"{{s{len(slots) % 3}}}")
                return slots[name]

            escape = str.maketrans({"{": "{{", "}": "}}"})
            title, body = article.title.translate(escape), article.body.translate(escape)
            result.append(Template(pattern.sub(slot, title), pattern.sub(slot, body), article.byline))
    return result


def _numbers(text: str, rng: random.Random) -> str:
    def other(match: re.Match) -> str:
        digits = match.group(0)
        low = 10 ** (len(digits) - 1) if len(digits) > 1 else 1
        return str(rng.randrange(low, 10 ** len(digits)))

    return _NUMBER.sub(other, text)


def page_text(rng: random.Random, pool: list[Template], place: Place, date: dt.date) -> str:
    """One page: a kicker, then articles with headline, body paragraphs and byline."""
    blocks = [rng.choice(KICKERS)]
    for template in rng.sample(pool, k=min(len(pool), rng.randint(4, 10))):
        district = rng.choice(sorted(place.districts))
        streets = rng.sample(place.districts[district], k=3)
        fill = {"s0": streets[0], "s1": streets[1], "s2": streets[2], "d": district, "c": place.city}
        day = date - dt.timedelta(days=rng.randint(1, 7))
        body = _numbers(template.body.format(**fill), rng)
        body = _MONTH_DAY.sub(f"{day.month}月{day.day}日", body)
        body = _YEAR.sub(f"{date.year}年", body)
        title = template.title.format(**fill).replace(" ", "\n")
        blocks += [title, *[p for p in body.split("\n") if p.strip()]]
        if template.byline:
            blocks.append(template.byline)
    return "\n\n".join(blocks) + "\n"


def generate(pages: int, out: Path, *, seed: int = 2024, raw: Path = ROOT / "data" / "raw") -> int:
    """Write `pages` pages into `out`; returns the bytes written."""
    rng = random.Random(seed)
    gaz = gazetteer()
    pool, cities = templates(raw, gaz), places(gaz)
    out.mkdir(parents=True, exist_ok=True)
    first = dt.date(2018, 1, 1)
    written = 0
    for number in range(pages):
        place = rng.choice(cities)
        date = first + dt.timedelta(days=rng.randrange(6 * 365))
        text = page_text(rng, pool, place, date)
        data = text.encode("gb18030" if number % 10 == 9 else "utf-8")
        (out / f"{date.isoformat()}_{place.city}_{number:07d}.txt").write_bytes(data)
        written += len(data)
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, required=True, help="pages to write (1000, 10000, 100000)")
    p.add_argument("--out", type=Path, required=True, help="folder for the pages (created)")
    p.add_argument("--seed", type=int, default=2024)
    args = p.parse_args(argv)
    written = generate(args.pages, args.out, seed=args.seed)
    print(f"{args.pages} pages, {written / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
