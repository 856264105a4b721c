"""Repair text the page layout carried into another column: give it back to its article.

A newspaper page breaks an article's text where its column ends and resumes it elsewhere: after
a slogan set between columns (`...温馨提醒` / `共建文明辽源` / `示标识标牌36块`), mid-sentence at the
top of a later column (`...拆除东吉大` ... `路、辽河大路沿线`), or inside another article's run of
paragraphs. Segmentation (`civic.segment`) first reads the page in printed order; `reflow_jumps`
then splits each article's paragraphs into runs at every place where text may have jumped and
gives each run to the article it continues, judged by the broken sentence (a word across the
break, `150` | `余幅`) and by what the run says (the unit it names as its subject).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from civic.clean import CONTINUING, ends_paragraph, word_across
from civic.metrics import UNITS

if TYPE_CHECKING:
    from civic.segment import _Draft, _Unit

_TITLE_UNIT = re.compile(r"(?:[\u4e00-\u9fff]{1,6}?[区县市])?([\u4e00-\u9fff]{2,6}?(?:街道|乡|镇))")
_TITLE_UNIT_SUFFIXES = ("街道", "乡", "镇")  # a title without one of these names no unit
_JUMP_REACH = 12  # text jumps to articles at most this many articles away (one page's worth)
# a paragraph opening with a one- or two-character list item: maybe the end of a word cut at a
# column foot (`拆除东吉大` | `路、辽河大路沿线`); Chinese-numeral enumerations (`一、`) excluded
_LIST_TAIL = re.compile(r"^(?![一二三四五六七八九十]+、)[\u4e00-\u9fff]{1,2}、")


def reflow_jumps(drafts: list[_Draft]) -> None:
    """Give text that jumped columns back to the article it continues.

    A run of paragraphs that follows a decoration slogan, or opens mid-sentence
    (`环境,并在辖区内...`, `题的活动。`), may continue another article whose text broke off
    unfinished (`积极绿化美化`). A run opening mid-sentence goes to the unfinished article whose
    last word it completes (`150` | `余幅`), else to one whose unit it names, else to the latest
    unfinished one; a run after a decoration that names only another article's unit
    (`福镇街道由纪工委...` inside the 站前街道 article) goes to that article; so does a paragraph
    whose subject is an article that broke off mid-sentence (see `_unfinished_subject`). After
    such a run, a paragraph naming the article's own unit starts a new run (its own text again).
    Moved paragraphs are listed in the receiving article's `extra` ranges.
    """
    units = {id(d): _draft_units(d) for d in drafts}
    for index, draft in enumerate(drafts):
        if draft.is_caption:
            continue
        nearby = drafts[max(0, index - _JUMP_REACH):index + _JUMP_REACH + 1]
        jumped = {id(draft.parts[i]) for i in draft.jumps if i < len(draft.parts)}
        runs, subjects = _runs(draft, nearby, units)
        draft.parts = runs[0]
        for run in runs[1:]:
            target = subjects.get(id(run[0])) or _run_owner(run, draft, nearby, units, after_jump=id(run[0]) in jumped)
            target.parts += run
            if target is not draft:
                target.extra += run


def _draft_units(draft: _Draft) -> set[str]:
    names = set()
    for line in draft.title:
        if any(suffix in line.text for suffix in _TITLE_UNIT_SUFFIXES):
            names.update(m.group(1) for m in _TITLE_UNIT.finditer(line.text))
    return names


def _runs(draft: _Draft, nearby: list[_Draft], units: dict[int, set[str]]
          ) -> tuple[list[list[_Unit]], dict[int, _Draft]]:
    """The article's paragraphs cut where text may have jumped, and the runs (by the id of their
    first paragraph) whose subject is an article that broke off (see `_unfinished_subject`)."""
    runs: list[list[_Unit]] = [[]]
    subjects: dict[int, _Draft] = {}
    for index, part in enumerate(draft.parts):
        returns = len(runs) > 1 and any(u in part.body_text for u in units[id(draft)])  # back to its own unit
        subject = _unfinished_subject(part, draft, nearby, units) if index else None
        if subject:
            subjects[id(part)] = subject
        if index and (index in draft.jumps or _opens_mid_sentence(part.body_text) or returns
                      or _LIST_TAIL.match(part.body_text) or subject):
            runs.append([])
        runs[-1].append(part)
    return runs[:1] + [run for run in runs[1:] if run], subjects


def _unfinished_subject(part: _Unit, draft: _Draft, drafts: list[_Draft],
                        units: dict[int, set[str]]) -> _Draft | None:
    """The article a paragraph continues when that article broke off unfinished, else None.

    The paragraph's opening sentences have another article's unit as their subject
    (`以为民办实事为契机推动“创城”工作。新兴街道对每个社区...` inside the 富国街道 article), the
    paragraph never names its own article's unit, and that other article, printed before, ends
    mid-sentence (`...拆除东吉大`): the layout carried its remaining text into a later column.
    Judged on the page as printed, before any text moves.
    """
    text = part.body_text
    if any(u in text for u in units[id(draft)]):
        return None
    named = [d for d in drafts if units[id(d)] and d is not draft]  # most titles name no unit
    if not named:
        return None
    opening = re.split(r"(?<=。)", text, maxsplit=2)[:2]
    return next((
        d for d in named
        if not d.is_caption and d.parts and d.start < part.start
        and not ends_paragraph(d.parts[-1].body_text)
        and any(sentence.lstrip().startswith(u) for u in units[id(d)] for sentence in opening)
    ), None)


def _may_continue(before: str, after: str) -> bool:
    """Whether `after` can be the rest of a sentence cut at the end of `before`, judged by numbers:
    only a number is continued by 余/多 (`150` | `余幅`), and a number only by 余/多, a multiplier
    or a unit of measure (`150` | `环境` is no continuation)."""
    if before[-1:].isdigit():
        return after[:1] in ("余", "多", "万", "千", "亿", "%") or any(after.startswith(unit) for unit in UNITS)
    return after[:1] not in ("余", "多")


def _opens_mid_sentence(text: str, *, after_jump: bool = False) -> bool:
    """`,大家撸起袖子`, `题的活动。`, `余幅。`, `余块,入户...`; after a decoration also `环境,并在...`.

    A paragraph may open with a short clause (`据了解,`, `目前,`), but not with a sentence of
    four characters or less, nor with a short clause starting with 余/多 (the rest of a number);
    right after a decoration a two-character clause is taken as the tail of a broken sentence too.
    """
    if not text:
        return False
    first_clause = re.split(r"[,。;:!?、]", text, maxsplit=1)[0]
    closing = text[len(first_clause):len(first_clause) + 1]
    return (text[0] in CONTINUING or (len(first_clause) <= 4 and (closing == "。" or text[0] in "余多"))
            or (after_jump and len(first_clause) <= 2 and closing == ","))


def _run_owner(run: list[_Unit], draft: _Draft, drafts: list[_Draft], units: dict[int, set[str]], *,
               after_jump: bool) -> _Draft:
    text = "".join(part.body_text for part in run)
    named = [d for d in drafts if not d.is_caption and any(u in text for u in units[id(d)])]
    unfinished = [d for d in drafts if not d.is_caption and d.parts and d.start < run[0].start
                  and not ends_paragraph(d.parts[-1].body_text)]
    if _LIST_TAIL.match(text) and not _opens_mid_sentence(text, after_jump=after_jump):
        # a weak sign: only an article whose broken last word it completes takes it (东吉大 | 路)
        return next((d for d in unfinished if word_across(d.parts[-1].body_text, text)), draft)
    if not _opens_mid_sentence(text, after_jump=after_jump):
        others = [d for d in named if d is not draft]
        mentions_own = any(u in text for u in units[id(draft)])
        return others[0] if after_jump and len(others) == 1 and not mentions_own else draft
    unfinished = [d for d in unfinished if _may_continue(d.parts[-1].body_text, text)]
    if not unfinished:
        return draft
    for candidate in unfinished:
        if word_across(candidate.parts[-1].body_text, text):
            return candidate
    for candidate in unfinished:
        if candidate in named:
            return candidate
    return unfinished[-1]
