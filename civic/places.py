"""Places an article reports on, resolved against the national gazetteer.

`locate(title, text, context)` finds the township-level units (街道/镇/乡), communities and villages
(社区/村), counties, cities and provinces an article reports on, and picks the main one. Names
are matched against `civic.gazetteer` (one index built per process), once per page: the articles
of a page, whose bodies and titles are made of its lines, take their matches from the page's
(see `_page_matches`). Homonyms (向阳街道 exists in 20 places) are resolved by evidence,
strongest first: the article's own text (a county or city named in it, or a street with a
unique name), then the page, then the paper's city. What is still ambiguous is left to
`refine_with_corpus`, which the pipeline runs over the whole corpus.

Which mentions count: a unit in the title, in the lead sentence, or named at least twice is
reported on; a unit named once further down and followed by a person's role (`建设路街道志愿服务站
站长王娟娟`) is an employer mentioned in passing and is dropped.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from civic.gazetteer import Chain, Gazetteer, Mention, Street, gazetteer, matcher


@dataclass(frozen=True)
class Place:
    """One place of an article. `start`/`end` index the body; None when not printed there.

    `field` says where it was found: text (the body), title, or gazetteer (inferred from the
    administrative hierarchy or the paper's city).
    """

    level: str  # street | community | district | city | province
    name: str
    surface: str
    start: int | None
    end: int | None
    code: str = ""
    field: str = "text"


@dataclass(frozen=True)
class ArticlePlaces:
    places: list[Place] = field(default_factory=list)
    street: str = ""
    district: str = ""
    city: str = ""
    province: str = ""


@dataclass(frozen=True)
class PlaceContext:
    """What beyond the article helps resolve homonyms."""

    page_text: str = ""
    paper_city: str = ""


@dataclass(frozen=True)
class _Evidence:
    """Codes of counties, cities and provinces a text vouches for."""

    counties: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()

    def score(self, chain: Chain) -> int:
        """3 when the county is vouched for, 2 the city, 1 the province, else 0."""
        if chain.district_code and chain.district_code in self.counties:
            return 3
        if chain.city_code and chain.city_code in self.cities:
            return 2
        return 1 if chain.province_code and chain.province_code in self.provinces else 0


_NO_CHAIN = Chain()
_ROLE_AFTER = re.compile(r"[^,，。;；、:：!！?？\s]{0,12}?(?:站长|主任|书记|负责人|委员|干部|会长|队长|专干|网格员)")
_TITLE_LABEL = re.compile(r"[\u4e00-\u9fff]{2,6}街道(?:[\s:：]|$)")
_LEAD_END = re.compile(r"[。!！?？\n]")


def locate(title: str, text: str, context: PlaceContext) -> ArticlePlaces:
    """Places of one article and its main street, district, city and province.

    Args:
        title: the headline (may be empty for a caption).
        text: the article body; `Place.start`/`end` are offsets into it.
        context: the page text and the paper's city, for homonyms.

    Returns:
        Reported streets, communities, and the district / city / province chain of the main
        unit (official names; levels not printed are inferred and have no offsets).
    """
    gaz = gazetteer()
    if _TITLE_LABEL.match(title):  # an unknown X街道 may also start at the title's start
        match = matcher()
        title_div = match.divisions(title)
        title_streets = match.streets(title, _anchors(title_div, title))
        title_communities = match.communities(title, title_streets)
    else:
        title_div, title_streets, title_communities = _text_matches(title, context.page_text)
    text_div, text_streets, communities = _text_matches(text, context.page_text)
    article: list[_Evidence] = []

    def tiers() -> Iterator[_Evidence]:
        """The evidence tiers, strongest first, each computed when first asked for (an article
        whose streets have one unit each asks for none)."""
        if not article:
            article.append(_evidence(gaz, title_div + text_div, title_streets + text_streets))
        yield article[0]
        yield _page_evidence(context.page_text)
        yield _paper_evidence(context.paper_city)

    lead_end = m.start() if (m := _LEAD_END.search(text)) else len(text)
    reported = _reported(title_streets, text_streets, text, lead_end)
    streets: list[tuple[Mention, Street | None, str]] = []  # mention, resolved unit, field
    resolved: dict[tuple[str, tuple[Street, ...]], Street | None] = {}  # a street is reported once per printing
    for mention, where in reported:
        key = (mention.kind, mention.streets)
        unit = resolved[key] if key in resolved else resolved.setdefault(key, _resolve(gaz, mention, tiers))
        if mention.kind in ("stem", "generic") and unit is None:
            continue  # 侯寨乡 for 侯寨街道, or 平安街道 (also a phrase): trusted only with a context
        streets.append((mention, unit, where))

    chain = _NO_CHAIN
    main = streets[0] if streets else None
    if not title_streets and any(d.level == "county" for m in title_div for d in m.divisions):
        main = None  # 管城区4700名党员走进网格: the district's own work; its streets stay places
    if main and main[1]:
        chain = gaz.street_chain(main[1])
    elif main:
        chain = _common_chain(gaz, main[0].streets)
    if not chain.district:
        chain = _merge(chain, _division_chain(gaz, title_div, text_div, lead_end, tiers))
    if not chain.city and context.paper_city and not (main and main[1] is None and main[0].streets):
        chain = _merge(chain, _paper_chain(gaz, context.paper_city))

    places: list[Place] = []
    seen: set[str] = set()
    for mention, unit, where in streets:
        name = unit.name if unit else mention.name
        if name in seen:
            continue
        seen.add(name)
        places.append(_place("street", name, mention, where, unit.code if unit else ""))
    counts = _counts(m.name for m in communities)
    in_title = [(m, "title") for m in title_communities if m.name not in counts]
    for mention, where in in_title + [(m, "text") for m in communities]:
        if mention.name in seen or (where == "text" and counts[mention.name] == 1 and mention.start >= lead_end
                                    and _ROLE_AFTER.match(text, mention.end)):
            continue  # 某村党支部书记张三 quoted once further down: an affiliation, not a place
        seen.add(mention.name)
        places.append(_place("community", mention.name, mention, where))
    for level, name, code in (("district", chain.district, chain.district_code),
                              ("city", chain.city, chain.city_code),
                              ("province", chain.province, chain.province_code)):
        if name:
            places.append(_printed(level, name, code, title_div, text_div, text))
    street = (main[1].name if main[1] else main[0].name) if main else ""
    return ArticlePlaces(places, street, chain.district, chain.city, chain.province)


def _anchors(divisions: list[Mention], title: str = "") -> frozenset[int]:
    """Offsets where an unknown X街道 may begin: after a county or city name, or at the start of a
    title printed as a unit label (`明珠街道 开展活动`, `明珠街道:`)."""
    return frozenset([m.end for m in divisions] + ([0] if _TITLE_LABEL.match(title) else []))


def _evidence(gaz: Gazetteer, divisions: list[Mention], streets: list[Mention]) -> _Evidence:
    """The chains of the divisions named and of the streets named by a unique official name."""
    units = {d for m in divisions for d in m.divisions}  # a page names its city dozens of times
    chains = [gaz.chain(d.code, d.level) for d in units]
    chains += map(gaz.street_chain, {m.streets[0] for m in streets if len(m.streets) == 1 and m.kind == "official"})
    return _Evidence(frozenset({c.district_code for c in chains} - {""}),
                     frozenset({c.city_code for c in chains} - {""}),
                     frozenset({c.province_code for c in chains} - {""}))


@functools.lru_cache(maxsize=8)
def _page_evidence(page_text: str) -> _Evidence:
    """Evidence from the whole page, computed once per page (every article asks for it)."""
    page = _page_matches(page_text)
    return _evidence(gazetteer(), page.found[0], page.found[1])


class _PageMatches(NamedTuple):
    """The divisions, streets and communities of a page's distinct lines, matched as one text."""

    text: str  # the distinct lines, joined by line breaks
    lines: dict[str, int]  # where each line starts in `text`
    found: tuple[list[Mention], list[Mention], list[Mention]]
    starts: tuple[list[int], list[int], list[int]]  # the mentions' starts, in order


@functools.lru_cache(maxsize=8)
def _page_matches(page_text: str) -> _PageMatches:
    """The matches of a page's distinct lines, for the page's evidence and its articles' texts.

    No name spans a line break and no rule of the matcher looks across one, so the matches of
    some whole lines of a text are those of the text that fall within them: an article's body,
    most often some consecutive lines of its page, takes them from here (`_text_matches`)
    instead of being matched again.
    """
    lines = list(dict.fromkeys(page_text.split("\n")))
    text = "\n".join(lines)
    found = _matches(text)
    return _PageMatches(text, dict(zip(lines, itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0),
                                       strict=True)),
                        found, tuple([m.start for m in mentions] for mentions in found))


def _matches(text: str) -> tuple[list[Mention], list[Mention], list[Mention]]:
    """Divisions, streets (anchored after the divisions) and communities named in a body."""
    match = matcher()
    divisions = match.divisions(text)
    streets = match.streets(text, _anchors(divisions))
    return divisions, streets, match.communities(text, streets)


def _text_matches(text: str, page_text: str) -> tuple[list[Mention], list[Mention], list[Mention]]:
    """`_matches(text)`, taken from the page's matches when the text is whole lines of the page:
    consecutive ones (a body), or ones joined by spaces (a title printed on two lines, `乳山寨镇
    针对问题各个击破`: no rule looks across a space either)."""
    page = _page_matches(page_text)
    at = page.lines.get(text.partition("\n")[0])
    end = -1 if at is None else at + len(text)
    if end >= 0 and page.text.startswith(text, at) and page.text[end:end + 1] in ("", "\n"):
        return _within(page, at, end, -at)
    parts = text.split(" ")
    if len(parts) == 1 or not all(part in page.lines for part in parts):
        return _matches(text)
    found: tuple[list[Mention], list[Mention], list[Mention]] = ([], [], [])
    offset = 0
    for part in parts:
        at = page.lines[part]
        for into, more in zip(found, _within(page, at, at + len(part), offset - at), strict=True):
            into += more
        offset += len(part) + 1
    return found


def _within(page: _PageMatches, start: int, end: int, shift: int
            ) -> tuple[list[Mention], list[Mention], list[Mention]]:
    """The page's matches starting in [start, end), their offsets moved by `shift`."""
    found: tuple[list[Mention], list[Mention], list[Mention]] = ([], [], [])
    for into, mentions, starts in zip(found, page.found, page.starts, strict=True):
        inside = mentions[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
        into += [Mention(m.start + shift, m.end + shift, *m[2:]) for m in inside] if shift else inside
    return found


@functools.lru_cache(maxsize=64)
def _paper_evidence(paper_city: str) -> _Evidence:
    chain = _paper_chain(gazetteer(), paper_city)
    return _Evidence(frozenset({chain.district_code} - {""}), frozenset({chain.city_code} - {""}),
                     frozenset({chain.province_code} - {""}))


def _paper_chain(gaz: Gazetteer, paper_city: str) -> Chain:
    """Chain of the paper's city (official name or alias: 郑州市, 郑州), or of its county-level city
    when the paper is a county's (巩义市); empty when unknown or ambiguous."""
    paper_city = paper_city.strip()
    for level in ("city", "county"):
        for surface in dict.fromkeys((paper_city, paper_city.removesuffix("市"))):
            units = [d for d in gaz.divisions_by_name.get(surface, []) if d.level == level]
            units += [d for d, _ in gaz.division_aliases.get(surface, []) if d.level == level]
            if len({d.code for d in units}) == 1:
                return gaz.chain(units[0].code, level)
    return Chain()


def _reported(title_streets: list[Mention], text_streets: list[Mention], text: str, lead_end: int
              ) -> list[tuple[Mention, str]]:
    """Street mentions the article reports on, main candidate first: title, lead (the body up to
    `lead_end`), repeated, others."""
    counts = _counts(m.name for m in text_streets)
    chosen: list[tuple[Mention, str]] = [(m, "title") for m in title_streets]
    chosen += [(m, "text") for m in text_streets if m.start < lead_end]
    repeated = sorted((m for m in text_streets if counts[m.name] >= 2), key=lambda m: -counts[m.name])
    chosen += [(m, "text") for m in repeated]
    chosen += [(m, "text") for m in text_streets
               if counts[m.name] == 1 and m.start >= lead_end and not _ROLE_AFTER.match(text, m.end)]
    firsts = {}
    for mention in text_streets:
        firsts.setdefault(mention.name, mention)
    # A street of the title is reported with its first offset in the body when printed there.
    return [(firsts.get(m.name, m) if where == "title" and m.name in firsts else m,
             "text" if where == "title" and m.name in firsts else where) for m, where in chosen]


def _best(chains: list[Chain], tiers: Callable[[], Iterator[_Evidence]]) -> list[int]:
    """Indexes of the chains with the best scores over the tiers (compared as tuples, the first
    tier first). A tier is scored only while earlier ones leave a tie."""
    best = list(range(len(chains)))
    if len(best) < 2:
        return best
    for tier in tiers():
        if len(best) < 2:
            break
        scores = [tier.score(chains[i]) for i in best]
        top = max(scores)
        best = [i for i, score in zip(best, scores, strict=True) if score == top]
    return best


def _resolve(gaz: Gazetteer, mention: Mention, tiers: Callable[[], Iterator[_Evidence]]) -> Street | None:
    """The one unit a street mention means, or None when the evidence cannot tell."""
    candidates = mention.streets
    if not candidates:
        return None
    if len(candidates) == 1 and mention.kind not in ("stem", "generic"):
        return candidates[0]  # no rival, and a name trusted without a context
    chains = [gaz.street_chain(s) for s in candidates]
    winners = _best(chains, tiers)
    if len(winners) != 1:
        return None
    if mention.kind in ("stem", "generic") and not any(tier.score(chains[winners[0]]) for tier in tiers()):
        return None
    return candidates[winners[0]]


def _common_chain(gaz: Gazetteer, streets: tuple[Street, ...]) -> Chain:
    """The levels all candidate units share (several 向阳街道 of one city give that city)."""
    chains = [gaz.street_chain(s) for s in streets]
    if not chains:
        return Chain()
    first = chains[0]
    same_city = all(c.city_code == first.city_code for c in chains)
    same_province = all(c.province_code == first.province_code for c in chains)
    return Chain("", first.city if same_city else "", first.province if same_province else "",
                 "", first.city_code if same_city else "", first.province_code if same_province else "")


def _division_chain(gaz: Gazetteer, title_div: list[Mention], text_div: list[Mention], lead_end: int,
                    tiers: Callable[[], Iterator[_Evidence]]) -> Chain:
    """The chain of the main county (else city, else province) named in title, lead (the body up
    to `lead_end`) or body."""
    for level in ("county", "city", "province"):
        for group in (title_div, [m for m in text_div if m.start < lead_end], text_div):
            counts = _counts(d.code for m in group if m.kind != "weak" for d in m.divisions if d.level == level)
            if not counts:
                continue
            ranked = sorted(counts, key=lambda code: -counts[code])
            top = [c for c in ranked if counts[c] == counts[ranked[0]]]
            winners = _best([gaz.chain(c, level) for c in top], tiers)
            if len(winners) == 1:
                return gaz.chain(top[winners[0]], level)
    return Chain()


def _counts(keys: Iterable[str]) -> dict[str, int]:
    """How often each key occurs, in order of first occurrence (a Counter costs more for a few)."""
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts


def _merge(chain: Chain, more: Chain) -> Chain:
    """Fill the empty levels of `chain` from `more` when they do not contradict it."""
    if chain.city and more.city and chain.city != more.city:
        return chain
    if chain.province and more.province and chain.province != more.province:
        return chain
    return Chain(chain.district or more.district, chain.city or more.city, chain.province or more.province,
                 chain.district_code or more.district_code, chain.city_code or more.city_code,
                 chain.province_code or more.province_code)


@functools.lru_cache(maxsize=4096)
def _fixed_place(level: str, name: str, surface: str, code: str, where: str) -> Place:
    """A place without offsets (title, gazetteer): the same few recur, and a Place is immutable."""
    return Place(level, name, surface, None, None, code, where)


def _place(level: str, name: str, mention: Mention, where: str, code: str = "") -> Place:
    if where == "title":
        return _fixed_place(level, name, mention.surface, code, "title")
    return Place(level, name, mention.surface, mention.start, mention.end, code, "text")


def _printed(level: str, name: str, code: str, title_div: list[Mention], text_div: list[Mention],
             text: str) -> Place:
    """A district / city / province place, with the offsets of its first printing when printed."""
    want = {"district": "county"}.get(level, level)
    for mention in text_div:
        for d in mention.divisions:
            if d.code == code and d.level == want:
                return Place(level, name, mention.surface, mention.start, mention.end, code, "text")
    for mention in title_div:
        for d in mention.divisions:
            if d.code == code and d.level == want:
                return _fixed_place(level, name, mention.surface, code, "title")
    return _fixed_place(level, name, "", code, "gazetteer")


def refine_with_corpus(articles: pd.DataFrame, places: pd.DataFrame, *, cities: Counter | None = None,
                       provinces: Counter | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve streets still ambiguous after `locate` with the cities that dominate the corpus.

    An article with a street but no district (its name has several gazetteer units and neither
    the article, its page nor its paper told them apart) gets the unit in the city most
    articles of the corpus are about (ties broken by the most frequent province); when the
    corpus cannot tell either, it stays open. The article's district, city and province are
    filled, the street's `places` row gets its code, and inferred district / city / province
    rows replace the old ones. Deterministic; the inputs are not modified.

    Args:
        articles: article_id, street, district, city, province at least (other columns kept).
        places: the places table (article_id, level, name, surface, start, end, code at least).
        cities, provinces: articles per city and per province over the whole corpus, when
            `articles` holds only some of them (an incremental build passes the candidates and
            the counts); counted from `articles` when None.

    Returns:
        New (articles, places) frames with the same columns.
    """
    gaz = gazetteer()
    street = articles["street"].fillna("")
    city = articles["city"].fillna("")
    open_ = (street != "") & (articles["district"].fillna("") == "")
    if cities is None:
        cities = Counter(c for c in city if c)
    if provinces is None:
        provinces = Counter(p for p in articles["province"].fillna("") if p)
    picks: dict[str, Street] = {}
    memo: dict[tuple[str, str], Street | None] = {}
    for aid, name, known_city in zip(articles.loc[open_, "article_id"], street[open_], city[open_], strict=True):
        if (name, known_city) not in memo:
            memo[(name, known_city)] = _corpus_pick(gaz, name, known_city, cities, provinces)
        if memo[(name, known_city)]:
            picks[aid] = memo[(name, known_city)]
    if not picks:
        return articles.copy(), places.copy()
    chains = {aid: gaz.street_chain(unit) for aid, unit in picks.items()}
    articles = articles.copy()
    fixed = articles["article_id"].isin(list(picks))
    for column in ("district", "city", "province"):
        articles.loc[fixed, column] = [getattr(chains[a], column) for a in articles.loc[fixed, "article_id"]]
    mine = places["article_id"].isin(list(picks))
    places = places[~(mine & places["level"].isin(["district", "city", "province"]))].copy()
    rows = places["article_id"].isin(list(picks)) & (places["level"] == "street")
    hit = [picks[a].name == n for a, n in zip(places.loc[rows, "article_id"], places.loc[rows, "name"], strict=True)]
    targets = places.index[rows][hit]
    places.loc[targets, "code"] = [picks[a].code for a in places.loc[targets, "article_id"]]
    extra = [{"article_id": aid, "level": level, "name": getattr(chain, level), "surface": "", "start": pd.NA,
              "end": pd.NA, "code": getattr(chain, f"{level}_code"), "field": "gazetteer"}
             for aid, chain in sorted(chains.items()) for level in ("district", "city", "province")
             if getattr(chain, level)]
    extra_frame = pd.DataFrame(extra, columns=places.columns).astype(places.dtypes.to_dict())
    return articles, pd.concat([places, extra_frame], ignore_index=True)


def _corpus_pick(gaz: Gazetteer, name: str, city: str, cities: Counter, provinces: Counter) -> Street | None:
    """The unit named `name` (in `city` when known) whose city, then province, the corpus names most."""
    candidates = [s for s in gaz.streets_by_name.get(name, []) if not city or gaz.street_chain(s).city == city]
    if len(candidates) == 1:
        return candidates[0]
    scored = sorted(((cities[gaz.street_chain(s).city], provinces[gaz.street_chain(s).province]), s.code, s)
                    for s in candidates)
    if len(scored) < 2 or scored[-1][0] == scored[-2][0] or not scored[-1][0][0]:
        return None
    return scored[-1][2]
