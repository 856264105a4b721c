"""Campaign themes of an article, multi-label, from the taxonomy in resources/themes.csv.

The rule ("substantially about it, not a passing word"):

1. Keywords are found by one leftmost-longest scan over title and body, so 大气污染防治 is one
   hit, not also 污染; a keyword may serve several themes (党员志愿者: party and volunteer).
2. Evidence of a theme = sum over its keywords of weight x (TITLE_WEIGHT if the keyword is in the
   title) + weight x min(body occurrences, BODY_CAP): repeating one word cannot carry a theme.
3. The article gets the theme when all of:
   - evidence >= MIN_SCORE (about one strong word in the title or two or three in the body),
     scaled down in proportion for articles shorter than SHORT characters, but at least
     SHORT_MIN_SCORE (one weight-2 keyword);
   - at least MIN_DISTINCT different keywords fired, or one fired in the title, or the article
     is shorter than SHORT characters (a caption is about its one topic);
   - evidence >= RELATIVE x the best theme's evidence (a side topic of a long article stays out);
   - evidence >= DENSITY x characters / 100 (long articles need proportionally more evidence).
4. Volunteers as actors: when the lead sentence says the activity was carried out by volunteers
   organised for it (`组织辖区志愿者开展...`, `组织社区党员志愿者、社区工作人员开展...`), the article
   is about volunteering whatever the other themes weigh (a group defined by what it does; a
   group defined by membership, `组织党员干部`, is not a theme by itself).

Taxonomy format (resources/themes.csv, UTF-8 CSV with header `theme,zh,en,keywords`):
`theme` is the id, `zh` and `en` the labels, `keywords` a `|`-separated list of `word:weight`
(weight a positive number; `word` alone means weight 1).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from civic.config import RESOURCES_DIR
from civic.wordtrie import trie_pattern

TAXONOMY_FILE = RESOURCES_DIR / "themes.csv"
THEME_IDS = ("sanitation", "demolition", "parking", "street_order", "publicity", "volunteer", "party", "air",
             "services", "epidemic", "education", "culture", "women_children", "governance", "employment",
             "infrastructure")

TITLE_WEIGHT = 3.0  # a headline word counts three body mentions
BODY_CAP = 3  # occurrences of one keyword in the body counted at most
MIN_SCORE = 5.0
SHORT = 200  # characters: below this MIN_SCORE shrinks in proportion (a caption is about its one topic)
SHORT_MIN_SCORE = 2.0  # but never below one weight-2 keyword
MIN_DISTINCT = 2
RELATIVE = 0.2
ACTOR_THEME = "volunteer"
# who carries out the reported activity: the object of 组织/动员/带领... up to the activity's verb
_ACTORS_RE = re.compile(r"(?:组织|动员|带领|召集|发动)([^,。;:!?]{1,24}?)(?:开展|参加|参与|来到|走进|深入|前往|进行)")
DENSITY = 1.0


@dataclass(frozen=True)
class ThemeHit:
    theme: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Theme:
    """One row of the taxonomy: id, labels and keyword weights."""

    id: str
    zh: str
    en: str
    keywords: dict[str, float]


class TaxonomyError(ValueError):
    """The taxonomy file is malformed; the message names the file and the line."""


def load_taxonomy(path: Path = TAXONOMY_FILE) -> list[Theme]:
    """Read the theme taxonomy (format in the module docstring).

    Raises:
        TaxonomyError: naming file and line for a bad header, an unknown or repeated id, an empty
            label, or a keyword without a positive numeric weight.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or rows[0] != ["theme", "zh", "en", "keywords"]:
        raise TaxonomyError(f"{path.name}:1: header must be theme,zh,en,keywords")
    themes: list[Theme] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4:
            raise TaxonomyError(f"{path.name}:{number}: expected 4 fields, got {len(row)}")
        theme_id, zh, en, field = (cell.strip() for cell in row)
        if theme_id not in THEME_IDS or any(t.id == theme_id for t in themes):
            raise TaxonomyError(f"{path.name}:{number}: unknown or repeated theme id {theme_id!r}")
        if not zh or not en:
            raise TaxonomyError(f"{path.name}:{number}: theme {theme_id!r} needs zh and en labels")
        themes.append(Theme(theme_id, zh, en, _keywords(field, f"{path.name}:{number}")))
    return themes


def _keywords(field: str, where: str) -> dict[str, float]:
    keywords = {}
    for item in filter(None, (part.strip() for part in field.split("|"))):
        word, _, weight = item.partition(":")
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            value = 0.0
        if not word or value <= 0:
            raise TaxonomyError(f"{where}: keyword {item!r} is not word:weight with a positive weight")
        keywords[word] = value
    return keywords


@cache
def taxonomy() -> tuple[Theme, ...]:
    """The shipped taxonomy, read once per process."""
    return tuple(load_taxonomy())


def theme_labels(lang: str = "zh") -> dict[str, str]:
    """Theme id -> label in `lang` ('zh' or 'en'), in taxonomy order.

    Raises:
        ValueError: for another language.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: expected 'zh' or 'en'")
    return {theme.id: getattr(theme, lang) for theme in taxonomy()}


@dataclass(frozen=True)
class _Index:
    pattern: re.Pattern[str]
    themes_of: dict[str, list[tuple[str, float]]]


@cache
def _index() -> _Index:
    themes_of: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for theme in taxonomy():
        for word, weight in theme.keywords.items():
            themes_of[word].append((theme.id, weight))
    return _Index(re.compile(trie_pattern(themes_of)), dict(themes_of))


def theme_scores(title: str, text: str) -> dict[str, tuple[float, dict[str, float]]]:
    """Evidence per theme: theme id -> (score, keyword -> its contribution). Themes without hits absent."""
    index = _index()
    in_title = set(index.pattern.findall(title))
    in_body: dict[str, int] = defaultdict(int)
    for word in index.pattern.findall(text):
        in_body[word] += 1
    scores: dict[str, tuple[float, dict[str, float]]] = {}
    for word in in_title | set(in_body):
        occurrences = TITLE_WEIGHT * (word in in_title) + min(in_body.get(word, 0), BODY_CAP)
        for theme, weight in index.themes_of[word]:
            total, contributions = scores.get(theme, (0.0, {}))
            contributions[word] = weight * occurrences
            scores[theme] = (total + weight * occurrences, contributions)
    return scores


def _actor_themes(text: str) -> set[str]:
    """{ACTOR_THEME} when the lead sentence names its keywords among the actors of the activity."""
    lead = re.split(r"(?<=[。!?])|\n", text.lstrip(), maxsplit=1)[0]
    index = _index()
    for actors in _ACTORS_RE.findall(lead):
        for word in index.pattern.findall(actors):
            if any(theme == ACTOR_THEME and weight >= 2 for theme, weight in index.themes_of[word]):
                return {ACTOR_THEME}
    return set()


def classify(title: str, text: str) -> list[ThemeHit]:
    """Themes the article is substantially about (rule in the module docstring).

    Args:
        title: the headline (may be empty, e.g. for a photo caption).
        text: the cleaned body.

    Returns:
        One ThemeHit per theme, strongest first; its keywords strongest first.
    """
    scores = theme_scores(title, text)
    if not scores:
        return []
    best = max(score for score, _ in scores.values())
    chars = len(title) + len(text)
    floor = max(MIN_SCORE * min(1.0, chars / SHORT), SHORT_MIN_SCORE, RELATIVE * best, DENSITY * chars / 100)
    title_words = set(_index().pattern.findall(title))
    actors = _actor_themes(text)
    hits = []
    for theme, (score, contributions) in scores.items():
        weak = score < floor or (len(contributions) < MIN_DISTINCT and chars >= SHORT
                                 and not title_words & contributions.keys())
        if weak and theme not in actors:
            continue
        keywords = sorted(contributions, key=lambda w: (-contributions[w], w))
        hits.append((score, ThemeHit(theme, tuple(keywords))))
    hits.sort(key=lambda pair: (-pair[0], THEME_IDS.index(pair[1].theme)))
    return [hit for _, hit in hits]
