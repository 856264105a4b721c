"""The output tables: names, columns, types and meanings (the data dictionary).

This is the contract users download. Columns may be added; the ones listed in the issue are
never renamed. The README's data dictionary and the 数据 page are generated from `TABLES`.

Types are pandas dtypes: "str" (pandas 3 string), "Int64" (nullable int), "float64",
"boolean". Offsets (`start`, `end`) are character offsets into `articles.text` of the same
article (Python slicing: `text[start:end]`); `src_start`/`src_end` point into the decoded
source file as delivered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    doc: str


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def dtypes(self) -> dict[str, str]:
        return {c.name: c.dtype for c in self.columns}


def _table(name: str, doc: str, *columns: tuple[str, str, str]) -> Table:
    return Table(name, doc, tuple(Column(*c) for c in columns))


ARTICLES = _table(
    "articles",
    "One row per article (or photo caption that reports an activity).",
    ("article_id", "str", "Stable id: hash of source file name, title and body start; same across rebuilds."),
    ("source", "str", "Source file name, relative to the raw folder."),
    ("seq", "Int64", "Position of the article on its page, from 1."),
    ("title", "str", "Headline, lines joined; kicker and section headings excluded."),
    ("text", "str", "Cleaned body text (NFKC, columns re-joined, repeated paragraphs removed)."),
    ("date", "str", "Date of the activity: ISO YYYY-MM-DD, --MM-DD when the year is unknown, empty when none."),
    ("year", "Int64", "Year of the activity or, failing that, of the page; empty when unknown."),
    ("month", "str", "YYYY-MM of the activity (from date, else page year and month); empty when unknown."),
    ("street", "str", "Main township-level unit reported on (街道/乡/镇), official name; empty when none."),
    ("district", "str", "County-level unit (区/县/县级市), official name."),
    ("city", "str", "Prefecture-level city, official name."),
    ("province", "str", "Province-level unit, official name."),
    ("is_caption", "boolean", "True for a photo caption that reports an activity."),
    ("paper_city", "str", "City of the paper, from the manifest; empty when not given."),
    ("src_start", "Int64", "Offset of the article's first character in the decoded source file."),
    ("src_end", "Int64", "Offset just past the article's last character in the decoded source file."),
    ("themes", "str", "Its theme ids (themes.theme), sorted, comma-separated; empty when none. A copy of the "
                      "themes table kept here so that a theme filter needs no join."),
)

PLACES = _table(
    "places",
    "Places each article reports on, one row per place and level.",
    ("article_id", "str", "Article the place belongs to."),
    ("level", "str", "street | community | district | city | province."),
    ("name", "str", "Official name (街道 for 街道办事处/办事处/街办; 管城回族区 for 管城区)."),
    ("surface", "str", "The form printed in the text."),
    ("start", "Int64", "Offset in articles.text; empty when inferred from the gazetteer."),
    ("end", "Int64", "End offset in articles.text; empty when inferred."),
    ("code", "str", "Administrative division code when known (12-digit for streets, 6 for counties and above)."),
    ("field", "str", "Where the place was found: text | title | gazetteer (inferred from a unit above or below)."),
)

PEOPLE = _table(
    "people",
    "Reporters, correspondents and photographers from the bylines.",
    ("article_id", "str", "Article of the byline."),
    ("role", "str", "reporter | correspondent | photographer."),
    ("name", "str", "Person's name as printed."),
)

METRICS = _table(
    "metrics",
    "Quantities that measure work done: people mobilised, items handled, areas, rates.",
    ("article_id", "str", "Article of the sentence."),
    ("value", "float64", "The number (Chinese numerals, 万/千 and decimals resolved): 1.5万份 -> 15000."),
    ("unit", "str", "Unit as printed (人, 处, 册, 辆, 平方米, %...)."),
    ("approx", "boolean",
     "True when printed as approximate or a bound: 余/多/近/约/逾/超/左右/以上/以下/不足, 3至5人 (-> 5), 七八个."),
    ("what", "str", "The thing counted, in a few characters (志愿者, 宣传册, 违建)."),
    ("span", "str", "The quantity as printed, e.g. 200余人."),
    ("sentence", "str", "The sentence the quantity was found in."),
    ("start", "Int64", "Offset of the span in articles.text."),
    ("end", "Int64", "End offset of the span in articles.text."),
    ("kind", "str", "person | item | event | hours | measure | money | percent."),
)

THEMES = _table(
    "themes",
    "Campaign themes of each article (multi-label) with the keywords that fired.",
    ("article_id", "str", "Article."),
    ("theme", "str", "Theme id from civic/resources/themes.csv (sanitation, demolition, ...)."),
    ("keywords", "str", "Keywords that fired, separated by |."),
)

TERMS = _table(
    "terms",
    "Words of each article for word clouds and comparisons (stopwords removed).",
    ("article_id", "str", "Article."),
    ("term", "str", "A word (rjieba, token-identical to jieba, with the civic user dictionary)."),
    ("count", "Int64", "Occurrences in title and text."),
)

BUILD_REPORT = _table(
    "build_report",
    "One row per input file: how it was read and where its characters went.",
    ("source", "str", "Source file name, relative to the raw folder."),
    ("status", "str", "ok | warning | error."),
    ("encoding", "str", "Detected encoding (utf-8, utf-8-sig, gb18030, utf-16); empty when unreadable."),
    ("articles", "Int64", "Articles found."),
    ("chars_in", "Int64", "Characters in the decoded file."),
    ("chars_in_articles", "Int64", "Characters that ended up in article titles, bodies, bylines."),
    ("message", "str", "What went wrong or what was skipped (headings, repeats), in plain words."),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (ARTICLES, PLACES, PEOPLE, METRICS, THEMES, TERMS, BUILD_REPORT)
}
