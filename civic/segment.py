"""Split a cleaned page into articles: headlines, leads, bylines, captions, repeats.

The page is read line by line (see `clean`: blocks are separated by a blank line, a single
newline separates lines of one block). Each line is classified (`_classify`):

- `lead`: starts a news item, `本报讯`, `本报X月X日讯`, `XX网讯`; an inline byline
  `本报讯(记者 王恩俊 通讯员 张俊永)` is taken out of the body.
- `byline`: only role words and names (`记者 景静 通讯员 徐贝贝 文/图`); a byline glued to the
  end of a paragraph (`...市容市貌环境。记者 张改华`) is cut off into its own line.
- `caption`: a photo caption, text followed by a photo credit (`... 本报记者 梁月琳 摄`).
- `numbered`: an item of a numbered caption list (`1 向阳街道工作人员...`, `①...`).
- `meta`: a web source line (`来源:`, `发布时间:2023-05-12`, `责任编辑:`).
- `head`: short and without final punctuation (headlines, kickers, section headings).
- `body`: everything else.

Articles are then assembled in reading order:

- Head lines pile up until text follows. The last one is the headline; lines above it that
  name the unit reported on (`建中街街道`, `二七区妇联:`, `管城区 4700 名党员走进网格` over its 副题)
  join the title; the line above those is the kicker (引题) and the rest are section headings
  and page banners (all skipped). A lead, a top byline (`楼栋长的碰头会` / `本报记者 郑磊 ...`)
  or a body paragraph after them starts a new article.
- Inside an article that has not printed its closing byline, a single head line that does not
  name a place is a subheading (kept in the body, `价值引领,筑牢社会文明根基`), or, when it is
  a short slogan between two halves of a broken paragraph, a page decoration (skipped).
- Text that jumped columns (a run after a slogan, or one opening mid-sentence: `题的活动。`)
  goes back to the unfinished article it continues (see `civic.columns`).
- A byline closes the article (a byline split over two lines is joined); a paragraph or
  byline printed a second time is recorded in `repeats` and left out of the body.
- A photo caption with its own credit is an article with `is_caption` true. A numbered caption
  naming a unit that has an article on the page illustrates that article (kept in its
  `captions`, not in its body); otherwise it stands alone as a caption article.
- A first article of a multi-article page made of one paragraph, with no lead and no byline,
  is the page intro: skipped.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from civic.clean import CLOSERS, ends_paragraph
from civic.columns import reflow_jumps
from civic.people import ROLE_WORDS, is_byline

_LEAD = re.compile(
    r"^(?:本报讯|本报消息|本报[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日(?:讯|电)|[\u4e00-\u9fff]{2,8}(?:网|报|台|社)讯"
    r"|新华社[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电)"
)
_INLINE_BYLINE = re.compile(r"^\s*([(【][^()【】]{2,60}[)】])")
_META = re.compile(
    r"^(?:发布时间|发布日期|更新时间|时间|日期|来源|稿源|作者|编辑|责任编辑|责编|审核|审校|校对|浏览次数|点击数|阅读)\s*[:]"
    r"|^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s+(?:来源|作者).*)?$"
    r"|^[(]?(?:责任编辑|编辑|审核)[::\s][^。]{1,20}[)]?$"
)
_ROLE_START = "|".join(sorted((re.escape(w) for w in ROLE_WORDS if not w.endswith("/")), key=len, reverse=True))
_GLUED_BYLINE = re.compile(rf"(?<=[。!?”」])\s*((?:{_ROLE_START})[^。!?]*)$")
_PHOTO_CREDIT = re.compile(rf"\s+((?:{_ROLE_START})[^。!?]*(?:摄|摄影))$")
# Cheap tests that spare most lines the two searches above (which try every position of a line).
_ROLE_WORD = re.compile(_ROLE_START)
_PHOTO_ENDS = ("摄", "摄影")
_NUMBERED = re.compile(r"^图?(?:\d{1,2}\s+|[\u2460-\u2473\u2776-\u277f][\s:]*)(?=\S)")
_PLACE_START = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,8}?(?:省|市|区|县|旗))?[\u4e00-\u9fff]{1,8}?(?:街道办事处|街道|办事处|街办|乡|镇|社区|村|区|县|市)"
)
_UNIT_SUFFIX = "(?:街道办事处|街道|办事处|街办|乡|镇|社区|村|区|县|市|旗)"
_UNIT_TOKEN = re.compile(rf"^(?![全我本该各辖])[\u4e00-\u9fff]{{2,12}}?{_UNIT_SUFFIX}$")
_UNIT_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:街道|办事处|乡|镇|社区|村)")
_HEAD_MAX = 64
_EXCLAIMING_HEAD_MAX = 30
_CN_ORDINAL = "[一二三四五六七八九十]+"
_ENUMERATED = re.compile(rf"^(?:{_CN_ORDINAL}[是、.]|\(?\d{{1,2}}[).、]|\({_CN_ORDINAL}\)|第{_CN_ORDINAL}[,、是])")
_DECORATION_MAX = 10


@dataclass(frozen=True)
class ArticleSpan:
    """One article found on a page.

    Offsets are into the cleaned page text. `body_offsets[i]` is the page offset of
    `body[i]` (repeated paragraphs are cut out of `body`, so the map is not contiguous); it is
    made on demand from `body_spans`, the page ranges (start, end) that `body` is made of, in
    order (one range per paragraph and one of length 1 for each line break joining two).
    `byline` is the byline text as printed (may be empty); `repeats` the paragraphs
    dropped because they were printed twice. `kicker` is the line printed above the
    headline (引题 or section heading; outside start..end, listed in the page's skipped
    text); `extra` lists page ranges (start, end) outside
    start..end that belong to the article (numbered captions printed elsewhere on the page);
    `meta` holds web source lines (`来源:...`, `发布时间:...`); `captions` the numbered photo
    captions that illustrate the article (printed apart, not part of `body`, so their figures
    are not the article's metrics; their ranges are in `extra`).
    """

    title: str
    body: str
    byline: str
    is_caption: bool
    start: int
    end: int
    body_spans: list[tuple[int, int]]
    repeats: list[str] = field(default_factory=list)
    kicker: str = ""
    extra: list[tuple[int, int]] = field(default_factory=list)
    meta: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)

    @property
    def body_offsets(self) -> list[int]:
        return [offset for start, end in self.body_spans for offset in range(start, end)]


@dataclass(frozen=True)
class Page:
    """The articles of a page and the text that belongs to none (headings, intros).

    `skipped_spans` are the (start, end) page ranges of `skipped`, in the same order.
    """

    articles: list[ArticleSpan]
    skipped: list[str] = field(default_factory=list)
    skipped_spans: list[tuple[int, int]] = field(default_factory=list)

    def chars_in_articles(self) -> int:
        """Number of page characters inside an article (its span or its extra ranges), counted once."""
        covered: set[int] = set()
        for article in self.articles:
            covered.update(range(article.start, article.end))
            for start, end in article.extra:
                covered.update(range(start, end))
        return len(covered)


@dataclass
class _Unit:
    kind: str  # head | body | lead | byline | caption | numbered | meta
    start: int
    end: int
    text: str
    body_start: int  # page offset where the body text of the line starts
    body_end: int
    byline: str = ""

    @property
    def body_text(self) -> str:
        return self.text[self.body_start - self.start:self.body_end - self.start]


@dataclass
class _Draft:
    title: list[_Unit] = field(default_factory=list)
    kicker: _Unit | None = None
    parts: list[_Unit] = field(default_factory=list)
    bylines: list[_Unit] = field(default_factory=list)
    repeats: list[_Unit] = field(default_factory=list)
    meta: list[_Unit] = field(default_factory=list)
    extra: list[_Unit] = field(default_factory=list)
    captions: list[_Unit] = field(default_factory=list)
    start: int = 0
    end: int = 0
    lead: bool = False
    closed: bool = False
    is_caption: bool = False
    jumps: set[int] = field(default_factory=set)  # indexes of parts printed after a decoration

    def add(self, unit: _Unit, to: list[_Unit]) -> None:
        to.append(unit)
        self.end = max(self.end, unit.end)


def segment(text: str) -> Page:
    """Split cleaned page text into articles (see the module docstring for the rules).

    Args:
        text: the page as returned by `clean(...).text`.

    Returns:
        The articles in reading order and the skipped text (headings, page intros).
    """
    units = _units(text)
    drafts = _assemble(units)
    reflow_jumps(drafts)
    _attach_numbered(drafts, [u for u in units if u.kind == "numbered"])
    drafts = _drop_intro([d for d in drafts if d.parts])
    articles = [_article(d, text) for d in drafts]
    return Page(articles, *_skipped(units, articles))


def _units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    for match in re.finditer(r"[^\n]+", text):
        units += _classify(match.group(), match.start())
    return units


def _classify(line: str, start: int) -> list[_Unit]:
    end = start + len(line)
    lead = _LEAD.match(line)
    if lead:
        body_start = lead.end()
        inline = _INLINE_BYLINE.match(line[body_start:])
        byline = ""
        if inline and is_byline(inline.group(1)):
            byline = inline.group(1)
            body_start += inline.end()
        body_start += len(line[body_start:]) - len(line[body_start:].lstrip())
        first = _Unit("lead", start, end, line, start + body_start, end, byline)
        return _split_glued(first)
    if is_byline(line):
        return [_Unit("byline", start, end, line, start, end)]
    if _META.match(line):
        return [_Unit("meta", start, end, line, start, end)]
    photo = _PHOTO_CREDIT.search(line) if line.endswith(_PHOTO_ENDS) else None
    if photo and is_byline(photo.group(1)):
        return [_Unit("caption", start, end, line, start, start + photo.start(), photo.group(1))]
    if _NUMBERED.match(line) and ends_paragraph(line):
        return [_Unit("numbered", start, end, line, start + _NUMBERED.match(line).end(), end)]
    kind = "head" if _is_head(line) else "body"
    return _split_glued(_Unit(kind, start, end, line, start, end))


def _is_head(line: str) -> bool:
    """Short, no sentence inside, no final punctuation (a headline may end with `!` or `?`).

    Enumerated points (`一是建立台账`, `1.完善机制`, `(二)强化督导`) are body text, not headings.
    """
    if _ENUMERATED.match(line) or "。" in line or len(line) > _HEAD_MAX:
        return False
    if ends_paragraph(line):
        exclaims = line.rstrip(CLOSERS)[-1:] in "!?"
        return exclaims and len(line) <= _EXCLAIMING_HEAD_MAX and not line.startswith(("“", "\"", "‘"))
    return line.count(",") + line.count("、") < 3


def _split_glued(unit: _Unit) -> list[_Unit]:
    """Cut a byline glued to the end of a paragraph into its own unit."""
    glued = _GLUED_BYLINE.search(unit.text) if _ROLE_WORD.search(unit.text) else None
    if not glued or not is_byline(glued.group(1)):
        return [unit]
    cut = unit.start + glued.start(1)
    head = _Unit("body" if unit.kind == "head" else unit.kind, unit.start, cut, unit.text[:glued.start(1)].rstrip(),
                 unit.body_start, cut, unit.byline)
    head.end = head.body_end = head.start + len(head.text)
    return [head, _Unit("byline", cut, unit.end, glued.group(1), cut, unit.end)]


def _assemble(units: list[_Unit]) -> list[_Draft]:
    drafts: list[_Draft] = []
    pending: list[_Unit] = []
    pending_meta: list[_Unit] = []
    seen: dict[str, _Draft] = {}
    current: _Draft | None = None

    def start(first: _Unit) -> _Draft:
        draft = _Draft(start=first.start, end=first.end)
        if pending:
            draft.title = _title_lines(pending)
            above = len(pending) - len(draft.title) - 1
            draft.kicker = pending[above] if above >= 0 else None
            draft.start = draft.title[0].start
        draft.meta = list(pending_meta)
        pending.clear()
        pending_meta.clear()
        drafts.append(draft)
        return draft

    for index, unit in enumerate(units):
        following = units[index + 1].kind if index + 1 < len(units) else ""
        key = _squeeze(unit.body_text)
        if unit.kind == "head":
            pending.append(unit)
        elif unit.kind == "meta":
            if current and not current.closed and not pending:
                current.add(unit, current.meta)
            else:
                pending_meta.append(unit)
        elif unit.kind == "lead":
            current = start(unit)
            current.lead = True
            current.add(unit, current.parts)
            if unit.byline:
                current.add(unit, current.bylines)
        elif unit.kind == "caption":
            pending.clear()
            current = start(unit)
            current.is_caption = current.closed = True
            current.add(unit, current.parts)
            current.add(unit, current.bylines)
        elif unit.kind == "byline":
            if pending and following in ("body", "lead"):
                current = start(unit)
                current.add(unit, current.bylines)
            elif current and any(_squeeze(b.text) == key for b in current.bylines if b is not unit):
                current.add(unit, current.repeats)
            elif current and not pending:
                current.add(unit, current.bylines)
                current.closed = True
        elif unit.kind == "body":
            if len(key) >= 8 and current and seen.get(key) is current and not pending:
                current.add(unit, current.repeats)  # printed twice: kept once
                continue
            if pending and current and _inside_article(pending, unit, current):
                for head in pending:
                    if _is_decoration(head, unit, current):
                        current.jumps.add(len(current.parts))
                    else:
                        current.add(head, current.parts)
                pending.clear()
                current.closed = False
            elif pending or current is None or current.closed:
                current = start(unit)
            current.add(unit, current.parts)
            seen.setdefault(key, current)
    return drafts


def _squeeze(text: str) -> str:
    """`text` with every whitespace character removed."""
    return "".join(text.split())


def _title_lines(heads: list[_Unit]) -> list[_Unit]:
    """The headline lines at the end of a run of head lines.

    The last line is the headline. A line above it joins the title when it names the unit
    reported on (`建中街街道`, `二七区妇联:`, `管城区 4700 名党员走进网格` above its 副题) or when the
    last line is a subheadline starting with a dash; the first line that does neither is the
    kicker (引题) or a section heading and ends the title.
    """
    title = [heads[-1]]
    for head in reversed(heads[:-1]):
        if not (names_unit(head.text) or title[0].text.startswith(("—", "-"))):
            break
        title.insert(0, head)
        if names_unit(head.text):
            break
    return title


def names_unit(line: str) -> bool:
    """True when a head line starts with the name of an administrative unit or organisation label.

    `建中街街道`, `管城区 4700 名党员走进网格`, `二七区妇联:` name a unit; `改善城市环境`,
    `全区创文工作进展如何? 看这里` do not (a unit name is a whole word: the line itself or its
    first space-separated part, not `全区`/`我市`).
    """
    if line.endswith(":") and len(line) <= 16:
        return True
    return bool(_UNIT_TOKEN.match(line.split(" ")[0]))


def _inside_article(pending: list[_Unit], unit: _Unit, current: _Draft) -> bool:
    """True when a single head line inside an article is a subheading or decoration.

    An article closed by its byline stays open to subheadings only when the byline closed its
    first paragraph (a feature whose byline ends the intro, then its sections).
    """
    if len(pending) != 1 or current.is_caption or (current.closed and len(current.parts) > 1):
        return False
    head = pending[0].text
    return not _PLACE_START.match(head) and (" " not in head or _is_decoration(pending[0], unit, current))


def _is_decoration(head: _Unit, unit: _Unit, current: _Draft) -> bool:
    """A short slogan printed between the two halves of a broken paragraph (`共建文明辽源`)."""
    text = head.text
    if len(text) > _DECORATION_MAX or " " in text or "," in text:
        return False
    last = current.parts[-1].body_text if current.parts else ""
    first_clause = re.split(r"[,。;:!?、]", unit.body_text, maxsplit=1)[0]
    return not ends_paragraph(last) or len(first_clause) <= 4


def _attach_numbered(drafts: list[_Draft], items: list[_Unit]) -> None:
    """Give each numbered caption to the article it illustrates, or make it a caption article.

    A caption naming a unit goes to the article about that unit, or stands alone when the page
    has none; a caption naming no unit goes to the article printed before it.
    """
    attached: dict[str, _Draft] = {}
    for item in items:
        key = _squeeze(item.body_text)
        if key in attached:
            owner = attached[key]
            owner.repeats.append(item)
            owner.extra.append(item)
            continue
        name = _UNIT_NAME.match(item.body_text)
        if name:
            owner = _article_naming(drafts, name.group())
        else:  # names no unit: it illustrates the article it is printed after
            owner = next((d for d in reversed(drafts) if not d.is_caption and d.start < item.start), None)
        if owner is None:
            owner = _Draft(start=item.start, end=item.end, is_caption=True, closed=True)
            owner.parts.append(item)
            drafts.append(owner)
        else:
            owner.captions.append(item)
            owner.extra.append(item)
        attached[key] = owner
    drafts.sort(key=lambda d: d.start)


def _article_naming(drafts: list[_Draft], name: str) -> _Draft | None:
    for draft in drafts:
        if draft.is_caption:
            continue
        heads = " ".join(u.text for u in [*draft.title, draft.kicker] if u)
        if name in heads:
            return draft
    for draft in drafts:
        if not draft.is_caption and draft.parts and name in draft.parts[0].body_text:
            return draft
    return None


def _drop_intro(drafts: list[_Draft]) -> list[_Draft]:
    if len(drafts) < 2:
        return drafts
    first = drafts[0]
    if not first.lead and not first.bylines and not first.is_caption and len(first.parts) == 1 and not first.extra:
        return drafts[1:]
    return drafts


def _article(draft: _Draft, text: str) -> ArticleSpan:
    body: list[str] = []
    spans: list[tuple[int, int]] = []
    for part in sorted(draft.parts, key=lambda u: u.start):
        if not part.body_text:
            continue
        if body:
            body.append("\n")
            after = min(spans[-1][1], len(text) - 1)  # the line break after the paragraph
            spans.append((after, after + 1))
        body.append(part.body_text)
        spans.append((part.body_start, part.body_end))
    return ArticleSpan(
        title=" ".join(u.text for u in draft.title),
        body="".join(body),
        byline=" ".join(b.byline or b.text for b in draft.bylines),
        is_caption=draft.is_caption,
        start=draft.start,
        end=draft.end,
        body_spans=spans,
        repeats=[u.body_text for u in draft.repeats],
        kicker=draft.kicker.text if draft.kicker else "",
        extra=[(u.start, u.end) for u in draft.extra if not (draft.start <= u.start < draft.end)],
        meta=[u.text for u in draft.meta],
        captions=[u.body_text for u in draft.captions],
    )


def _skipped(units: list[_Unit], articles: list[ArticleSpan]) -> tuple[list[str], list[tuple[int, int]]]:
    merged: list[list[int]] = []
    for start, end in sorted([(a.start, a.end) for a in articles] + [r for a in articles for r in a.extra]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [start for start, _ in merged]
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    for unit in units:
        index = bisect.bisect_right(starts, unit.start) - 1
        if index < 0 or unit.end > merged[index][1]:
            texts.append(unit.text)
            spans.append((unit.start, unit.end))
    return texts, spans
