"""People named in bylines: reporters, correspondents, photographers.

A byline is a run of role words and names: `记者 景静 通讯员 徐贝贝 文/图`,
`本报记者 梁月琳 通讯员 李香尼 摄`, `(记者 王恩俊 通讯员 张俊永)`, `摄影 王五`, `图/王五`.

Roles:
- `记者`, `本报记者`, `特约记者`, `见习记者`, `实习记者`, `首席记者`, `实习生` -> reporter.
- `通讯员`, `本报通讯员`, `特约通讯员` -> correspondent.
- `摄影`, `摄影记者`, `图/`, `摄/` -> photographer (those names only).
- A closing `摄`, `摄影` or `图` makes photographers of the names printed WITHOUT a role word
  (`张三 摄`, `图/`-less credits). Names that have a role word keep it and get no extra row:
  `本报记者 梁月琳 通讯员 李香尼 摄` is reporter 梁月琳 and correspondent 李香尼 (the printed role
  says who they are; counting them twice would inflate the tallies).
- A closing `文/图`, `文图` or `图文` credits the text and the photos to the people named as a
  team; it adds NO photographer rows, because it does not say who held the camera and counting
  every reporter twice would inflate the photographer tally. `文/` names a reporter.

Names are two to four characters; `王 楠` (a name spaced out to fill the column) is read as
`王楠`. Anything that is not a role word or a name (`报道`, punctuation) is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLE_WORDS: dict[str, str] = {
    "本报记者": "reporter", "特约记者": "reporter", "见习记者": "reporter", "实习记者": "reporter",
    "首席记者": "reporter", "融媒体记者": "reporter", "全媒体记者": "reporter", "记者": "reporter",
    "实习生": "reporter", "文/": "reporter",
    "本报通讯员": "correspondent", "特约通讯员": "correspondent", "通讯员": "correspondent",
    "摄影记者": "photographer", "摄影": "photographer", "图/": "photographer", "摄/": "photographer",
}
_ROLE = "|".join(sorted((re.escape(word) for word in ROLE_WORDS), key=len, reverse=True))
_CLOSING_PHOTO = re.compile(r"\s*(?:摄影|摄|图)$")
_CLOSING_TEAM = re.compile(r"\s*(?:文/图|文图|图文|文\s*/\s*图|报道)$")
_NAME = re.compile(r"[\u4e00-\u9fff·]{1,4}")

#: A whole line that is a byline: role words and names only, optionally in brackets.
BYLINE = re.compile(
    rf"^\(?\s*(?:{_ROLE})\s*[\u4e00-\u9fff·、 ]{{1,40}}?(?:\s*(?:{_ROLE})\s*[\u4e00-\u9fff·、 ]{{1,40}}?)*"
    r"(?:\s*(?:文/图|文图|图文|摄影|摄|图|报道))?\s*\)?$"
)
_DECORATION = "□■●◎★☆◆◇▲△○·*"
_ROLE_COLON = re.compile(rf"({_ROLE})\s*:\s*")
_PUNCTUATION = re.compile(r"[,。;:!?]")


def _normal(line: str) -> str:
    """`■记者:张三` -> `记者 张三`; `【记者 张三】` -> `(记者 张三)`."""
    line = line.strip().lstrip(_DECORATION).strip().replace("【", "(").replace("】", ")")
    return _ROLE_COLON.sub(r"\1 ", line) if ":" in line else line


@dataclass(frozen=True)
class Person:
    role: str  # reporter | correspondent | photographer
    name: str


def is_byline(line: str) -> bool:
    """True when `line` is nothing but a byline (`记者 张改华`, `通讯员 王楠 文/图`, `■记者:张三`)."""
    line = _normal(line)
    return len(line) <= 60 and BYLINE.match(line) is not None and not _PUNCTUATION.search(line)


def parse_byline(byline: str) -> list[Person]:
    """People of a byline, in printed order, without duplicate (role, name) rows.

    Args:
        byline: the byline as printed, e.g. `记者 景静 通讯员 徐贝贝 文/图` or
            `本报讯(记者 王恩俊 通讯员 张俊永)`.

    Returns:
        One Person per (role, name); an empty list when no role word is found.

    Examples:
        >>> parse_byline("本报记者 梁月琳 通讯员 李香尼 摄")
        [Person(role='reporter', name='梁月琳'), Person(role='correspondent', name='李香尼')]
    """
    text = _normal(byline.replace("本报讯", " ")).strip("()").strip()
    text = re.sub(r"\s*/\s*", "/", text)
    photographed = False
    while True:
        team = _CLOSING_TEAM.search(text)
        photo = _CLOSING_PHOTO.search(text)
        if team:
            text = text[:team.start()]
        elif photo and re.search(r"[\u4e00-\u9fff·]", text[:photo.start()]):
            text = text[:photo.start()]
            photographed = True
        else:
            break
    first_role = re.search(_ROLE, text)
    unroled = text[:first_role.start()] if first_role else text
    people = [Person("photographer", name) for name in _names(unroled)] if photographed else []
    for match in re.finditer(rf"({_ROLE})((?:(?!{_ROLE}).)*)", text):
        role = ROLE_WORDS[match.group(1)]
        people += [Person(role, name) for name in _names(match.group(2))]
    return list(dict.fromkeys(people))


def _names(segment: str) -> list[str]:
    """Names in the text after one role word: split on spaces and `、`, spaced-out names re-joined."""
    tokens = [t for t in re.split(r"[\s、,]+", segment) if t]
    names: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if len(token) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) <= 2:
            token += tokens[i + 1]
            i += 1
        i += 1
        if _NAME.fullmatch(token) and len(token) >= 2:
            names.append(token)
    return names
