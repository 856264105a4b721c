"""Read raw page files: detect the encoding, attach manifest metadata, list the corpus.

Supported encodings, tried in this order and recorded in `Source.encoding`:

| recorded      | how it is recognised                                                    |
| ------------- | ----------------------------------------------------------------------- |
| `utf-8-sig`   | UTF-8 byte-order mark EF BB BF                                          |
| `utf-16-le`   | byte-order mark FF FE                                                   |
| `utf-16-be`   | byte-order mark FE FF                                                   |
| `utf-8`       | decodes as strict UTF-8                                                 |
| `gb18030`     | decodes as strict GB18030 *and* reads as Chinese (see `_plausibly_chinese`) |

Anything else is refused with a reason that names the file: a known binary signature (PNG,
PDF, ZIP...), NUL- or control-character-heavy content, or bytes valid in none of the above.
GB18030 gives a character to almost any byte string, so it is accepted only when the result
is mostly common hanzi; random bytes, Big5 and Latin-1 are refused, never guessed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HEAD_BYTES = 64 * 1024  # encoding is decided from this much of a file read in parts
BLOCK_BYTES = 1024 * 1024  # read size when streaming
ASCII_HEAD_BYTES = 16 * 1024 * 1024  # a head that is all ASCII is read on up to this size

_BOMS = (
    (codecs.BOM_UTF32_LE, None, "UTF-32 (little-endian byte-order mark) is not supported; save as UTF-8"),
    (codecs.BOM_UTF32_BE, None, "UTF-32 (big-endian byte-order mark) is not supported; save as UTF-8"),
    (codecs.BOM_UTF8, "utf-8-sig", None),
    (codecs.BOM_UTF16_LE, "utf-16-le", None),
    (codecs.BOM_UTF16_BE, "utf-16-be", None),
)

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
    (b"\x7fELF", "a program (ELF)"),
)

_CONTROL_SHARE = 0.10  # more control characters than this (NUL included) means binary
_CJK_SHARE = 0.5  # GB18030 text: at least this share of its non-ASCII characters are CJK...
_COMMON_SHARE = 0.5  # ...and half its hanzi in GB2312 (simplified ~99%, traditional ~60%, random ~30%)
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_JUDGED_CHARS = 200_000
_UNSUPPORTED = "not text: binary data or an unsupported encoding (supported: UTF-8, GB18030, UTF-16 with BOM)"


class NotText(ValueError):
    """A file that is not text in a supported encoding; the message says why."""


@dataclass(frozen=True)
class Source:
    """One input file (or one part of a big file), decoded.

    `problem` is None when the file was read as text, else the file name and a plain-words
    reason (not text, undecodable) and `text` is empty. `warning` names the file and says
    what is odd but not fatal (empty, whitespace only). `offset` is the character offset of
    `text` in the whole decoded file (0 unless the file was read in parts);
    `sha256` is always the hash of the whole file's bytes.
    """

    name: str
    text: str
    encoding: str
    sha256: str
    problem: str | None = None
    warning: str | None = None
    offset: int = 0


_HANZI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_CJK_PUNCTUATION = re.compile("[\u3001-\u303f\uff00-\uffef]")  # \u3000 is a space: not counted
_WIDE = re.compile(r"[^\x00-\x7f\s]")  # non-ASCII, not whitespace (\s is str.isspace)
_CONTROLS = re.compile("[" + "".join(re.escape(chr(code)) for code in [*range(0x20), 0x7F]
                                     if chr(code) not in _TEXT_CONTROLS) + "]")


def _plausibly_chinese(text: str) -> str | None:
    """None when `text` reads as Chinese, else why not (used to accept a GB18030 decoding).

    Only the non-ASCII characters are judged (a manifest is mostly ASCII): most of them must
    be hanzi or CJK punctuation, and most hanzi common ones (in GB2312). The first
    `_JUDGED_CHARS` characters are enough to judge. Counted by regex scans (a loop over the
    characters cost a GB18030 page more than decoding it).
    """
    head = text[:_JUDGED_CHARS]
    wide = len(_WIDE.findall(head))
    hanzi = "".join(_HANZI.findall(head))
    cjk = len(hanzi) + len(_CJK_PUNCTUATION.findall(head))
    if not hanzi or cjk < _CJK_SHARE * wide:
        return f"only {cjk} of {wide} non-ASCII characters are Chinese"
    common = len(hanzi.encode("gb2312", errors="ignore")) // 2  # every GB2312 hanzi is two bytes
    if common < _COMMON_SHARE * len(hanzi):
        return f"only {common} of {len(hanzi)} Chinese characters are common ones"
    return None


def _binary_reason(text: str) -> str | None:
    """Why decoded `text` is binary rather than text (control-character heavy), or None."""
    if not text:
        return None
    controls = len(_CONTROLS.findall(text))
    if controls > _CONTROL_SHARE * len(text):
        nuls = text.count("\x00")
        what = f"{nuls} NUL bytes" if nuls > controls / 2 else "control characters"
        return f"binary data, not text ({controls * 100 // len(text)}% {what})"
    return None


def _decode_head(data: bytes, final: bool) -> tuple[str, str]:
    """Detect the encoding of `data` (a whole file when `final`, else its head).

    Returns:
        (encoding as recorded in `Source.encoding`, decoded text of `data` minus any BOM
        and, when not final, minus a character cut at the end).

    Raises:
        NotText: with the reason, when `data` is not text in a supported encoding.
    """
    for bom, encoding, refusal in _BOMS:
        if data.startswith(bom):
            if refusal:
                raise NotText(refusal)
            body = data[len(bom):]
            codec = "utf-8" if encoding == "utf-8-sig" else encoding
            try:
                text = codecs.getincrementaldecoder(codec)("strict").decode(body, final)
            except UnicodeDecodeError as exc:
                raise NotText(f"byte-order mark says {encoding} but byte {exc.start + len(bom)} "
                              f"is invalid in it") from None
            reason = _binary_reason(text)
            if reason:
                raise NotText(reason)
            return encoding, text
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise NotText(f"binary data, not text: looks like {what}")
    if data.count(0) > _CONTROL_SHARE * len(data):
        raise NotText(f"binary data, not text ({data.count(0) * 100 // len(data)}% NUL bytes; "
                      "UTF-16 needs a byte-order mark)")
    try:
        text = codecs.getincrementaldecoder("utf-8")("strict").decode(data, final)
    except UnicodeDecodeError as exc:
        utf8_error = f"invalid UTF-8 at byte {exc.start}"
    else:
        reason = _binary_reason(text)
        if reason:
            raise NotText(reason)
        return "utf-8", text
    try:
        text = codecs.getincrementaldecoder("gb18030")("strict").decode(data, final)
    except UnicodeDecodeError as exc:
        raise NotText(f"{_UNSUPPORTED}; {utf8_error}, invalid GB18030 at byte {exc.start}") from None
    reason = _binary_reason(text) or _plausibly_chinese(text)
    if reason:
        raise NotText(f"{_UNSUPPORTED}; {utf8_error}; as GB18030 {reason}")
    return "gb18030", text


def detect_encoding(data: bytes, *, final: bool = True) -> str:
    """The encoding name of `data` as recorded in `Source.encoding` (table in the module doc).

    Args:
        data: the whole file, or its head when `final` is False (a character cut at the
            end is then allowed).

    Raises:
        NotText: with a plain-words reason when `data` is not text in a supported encoding.
    """
    return _decode_head(data, final)[0]


def _codec(encoding: str) -> str:
    """Codec that decodes a whole file recorded as `encoding`, BOM included."""
    return {"utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(encoding, encoding)


def _emptiness(name: str, text: str, size: int) -> str | None:
    if not text:
        return f"{name}: empty file ({size} bytes, no text)"
    if not text.strip():
        return f"{name}: whitespace only ({size} bytes, no text)"
    return None


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes (hex), read in blocks so any size fits in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(BLOCK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


def decode_bytes(data: bytes, name: str) -> Source:
    """Decode a whole file's bytes into a Source (problem/warning set, never raises).

    Args:
        data: the file's bytes.
        name: the file name to record and to put in messages.
    """
    digest = hashlib.sha256(data).hexdigest()
    try:
        encoding, text = _decode_head(data, final=True)
    except NotText as exc:
        return Source(name, "", "", digest, f"{name}: {exc}")
    return Source(name, text, encoding, digest, warning=_emptiness(name, text, len(data)))


def read_source(path: Path, root: Path) -> Source:
    """Decode one whole file; its name is recorded relative to `root` (POSIX separators).

    Never raises on content: an unreadable file comes back with `problem` set.
    """
    return decode_bytes(path.read_bytes(), path.relative_to(root).as_posix())


_PARAGRAPH_BREAK = re.compile(r"(?:\r\n|\r|\n)[ \t\u3000]*(?:\r\n|\r|\n)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _cut(text: str, limit: int) -> int:
    """Where to end a part of at most `limit` characters: after the last blank line, else
    after the last line break, else at `limit`; never between CR and LF."""
    window = text[:max(limit - 1, 1)]
    for pattern in (_PARAGRAPH_BREAK, _LINE_BREAK):
        ends = [m.end() for m in pattern.finditer(window)]
        if ends:
            return ends[-1]
    return len(window)


def iter_source_parts(path: Path, root: Path, *, max_chars: int = 2_000_000) -> Iterator[Source]:
    """Decode a file of any size in consecutive parts of at most `max_chars` characters.

    The encoding is detected from the first 64 KiB (read on while it is all ASCII, up to
    16 MiB, since ASCII reads the same in UTF-8 and GB18030), then the file is decoded incrementally
    in 1 MiB blocks; parts end at a paragraph boundary (a blank line) when there is one, else
    at a line break. Joined in order, the parts' texts are the whole decoded file, and each
    part's `offset` is its character offset in it. A file that is not text yields one Source
    with `problem`; an empty one one Source with `warning`; bytes found invalid after the
    head end the parts with a Source carrying `problem` and the byte position.

    Args:
        path: the file.
        root: the raw folder; names are recorded relative to it.
        max_chars: largest part, in characters (at least 2).
    """
    name = path.relative_to(root).as_posix()
    digest = file_sha256(path)
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
        eof = len(head) < HEAD_BYTES
        while not eof and head.isascii() and len(head) < ASCII_HEAD_BYTES:  # ASCII is valid in
            more = f.read(BLOCK_BYTES)  # every encoding: read on to a byte that tells them apart
            head += more
            eof = not more
        try:
            encoding, _ = _decode_head(head, final=eof)
        except NotText as exc:
            yield Source(name, "", "", digest, f"{name}: {exc}")
            return
        decoder = codecs.getincrementaldecoder(_codec(encoding))("strict")
        buffer, offset, consumed = "", 0, 0
        block, final = head, False
        while True:
            pending, flag = decoder.getstate()
            try:
                buffer += decoder.decode(block, final)
            except UnicodeDecodeError as exc:
                decoder.setstate((b"", flag))  # keep what decodes before the bad byte
                buffer += decoder.decode((pending + block)[:exc.start], True)
                consumed -= len(pending)
                if buffer:
                    yield Source(name, buffer, encoding, digest, offset=offset)
                yield Source(name, "", encoding, digest,
                             f"{name}: invalid {encoding} at byte {consumed + exc.start}; "
                             "the rest of the file was not read", offset=offset + len(buffer))
                return
            consumed += len(block)
            while len(buffer) > max_chars:
                cut = _cut(buffer, max_chars)
                yield Source(name, buffer[:cut], encoding, digest, offset=offset)
                buffer, offset = buffer[cut:], offset + cut
            if final:
                break
            block = f.read(BLOCK_BYTES)
            final = not block
    if offset == 0:
        yield Source(name, buffer, encoding, digest, warning=_emptiness(name, buffer, size))
    elif buffer:
        yield Source(name, buffer, encoding, digest, offset=offset)


def list_sources(raw: Path) -> list[Path]:
    """Every `.txt` page file under `raw` (recursively, any case of suffix), sorted;
    hidden files and folders skipped."""
    return sorted(p for p in raw.rglob("*") if p.suffix.lower() == ".txt" and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(raw).parts))


@dataclass(frozen=True)
class Manifest:
    """`manifest.csv` of a raw folder, read.

    `rows` maps the `file` column (as written) to its row (column -> stripped value);
    `problems` lists bad rows and columns in plain words, each naming the manifest line.
    """

    rows: dict[str, dict[str, str]]
    problems: list[str]


REQUIRED_COLUMNS = ("file", "paper_city", "year")


def parse_manifest(data: bytes, label: str = "manifest.csv") -> Manifest:
    """Parse a manifest's bytes (any supported encoding; BOM optional).

    Columns `file,paper_city,year` are expected (others kept as they are, e.g. `date`).
    Bad rows are reported in `problems` and skipped, never fatal.
    """
    try:
        _, text = _decode_head(data, final=True)
    except NotText as exc:
        return Manifest({}, [f"{label}: not read: {exc}"])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if "file" in missing:
        return Manifest({}, [f"{label}: no 'file' column (header: {','.join(header) or 'none'})"])
    reader.fieldnames = header
    problems = [f"{label}: missing column(s) {', '.join(missing)}"] if missing else []
    rows: dict[str, dict[str, str]] = {}
    for line, row in enumerate(reader, start=2):
        clean = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str) and isinstance(v, str)}
        file = clean.get("file", "")
        year = clean.get("year", "")
        if not file:
            problems.append(f"{label} line {line}: empty 'file'; row skipped")
        elif file in rows:
            problems.append(f"{label} line {line}: {file} listed twice; first row kept")
        elif year and not (year.isdigit() and 1800 <= int(year) <= 2200):
            problems.append(f"{label} line {line}: {file}: year {year!r} is not a year; year ignored")
            rows[file] = {**clean, "year": ""}
        else:
            rows[file] = clean
    return Manifest(rows, problems)


@functools.lru_cache(maxsize=16)
def _manifest_cached(path: str, mtime_ns: int, size: int) -> Manifest:
    return parse_manifest(Path(path).read_bytes(), Path(path).name)


def read_manifest(raw: Path) -> Manifest:
    """The manifest of `raw` (empty when there is none); cached until the file changes."""
    path = raw / "manifest.csv"
    if not path.is_file():
        return Manifest({}, [])
    stat = path.stat()
    return _manifest_cached(str(path), stat.st_mtime_ns, stat.st_size)


def manifest_problems(raw: Path) -> list[str]:
    """Bad rows of `raw/manifest.csv` and listed files that are not there, in plain words."""
    manifest = read_manifest(raw)
    unseen = [file for file in manifest.rows if not (raw / file).is_file()]
    if unseen:  # a row may name a file of a subfolder by its base name: list the corpus only then
        basenames = {p.name for p in list_sources(raw)}
        unseen = [file for file in unseen if file not in basenames]
    return manifest.problems + [f"manifest.csv: {file} is listed but not in the raw folder" for file in unseen]


_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?(\d\d)[-_.]?(\d\d)(?!\d)")


def name_date(name: str) -> str | None:
    """ISO date printed in a file name (`2019-11-25_x.txt`, `x_20191125.txt`), or None.

    Only real calendar dates count, so a hash such as `20191399` is not a date.
    """
    for match in _NAME_DATE.finditer(Path(name).name):
        try:
            return dt.date(*map(int, match.groups())).isoformat()
        except ValueError:
            continue
    return None


def page_metadata(raw: Path, name: str) -> dict:
    """`paper_city`, `year`, `page_date` of a file from the manifest and its name.

    The manifest row is found by the relative name or the bare file name; a `date` column
    (ISO) in the manifest wins over a date in the file name; the manifest's year wins over
    the file name's.
    """
    rows = read_manifest(raw).rows
    row = rows.get(name) or rows.get(Path(name).name) or {}
    year = row.get("year", "")
    page_date = name_date(row.get("date", "")) or name_date(name)
    return {
        "paper_city": row.get("paper_city", ""),
        "year": int(year) if year.isdigit() else (int(page_date[:4]) if page_date else None),
        "page_date": page_date,
    }

