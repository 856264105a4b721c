"""civic.ingest: encoding detection, refusals with reasons, big files in parts, the manifest."""

import codecs
import hashlib
import random
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.ingest import (
    _binary_reason,
    _plausibly_chinese,
    decode_bytes,
    detect_encoding,
    file_sha256,
    iter_source_parts,
    list_sources,
    manifest_problems,
    name_date,
    page_metadata,
    parse_manifest,
    read_source,
)

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
PAGE = RAW / "000_b4e6fb6c89cae77b.txt"
PAGE_TEXT = PAGE.read_text(encoding="utf-8")


def _random_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


TRADITIONAL = "臺北市政府今日舉辦環境清潔活動，動員志願者兩百餘人，清理街道與社區環境。"


@pytest.mark.parametrize(("text", "data", "encoding"), [
    (PAGE_TEXT, PAGE_TEXT.encode("utf-8"), "utf-8"),
    (PAGE_TEXT, codecs.BOM_UTF8 + PAGE_TEXT.encode("utf-8"), "utf-8-sig"),
    (PAGE_TEXT, PAGE_TEXT.encode("gb18030"), "gb18030"),
    (PAGE_TEXT, PAGE_TEXT.encode("gbk"), "gb18030"),  # GBK is a subset of GB18030
    (PAGE_TEXT, codecs.BOM_UTF16_LE + PAGE_TEXT.encode("utf-16-le"), "utf-16-le"),
    (PAGE_TEXT, codecs.BOM_UTF16_BE + PAGE_TEXT.encode("utf-16-be"), "utf-16-be"),
    ("１２３ 创文 ２００余人", "１２３ 创文 ２００余人".encode("gb18030"), "gb18030"),
    # traditional characters in GBK: ~40% of them are outside GB2312, still accepted
    (TRADITIONAL, TRADITIONAL.encode("gb18030"), "gb18030"),
    ("plain ASCII is UTF-8", b"plain ASCII is UTF-8", "utf-8"),
])
def test_supported_encodings_round_trip(text, data, encoding):
    source = decode_bytes(data, "page.txt")
    assert (source.text, source.encoding, source.problem, source.warning) == (text, encoding, None, None)
    assert detect_encoding(data) == encoding


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "looks like a PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "looks like a JPEG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "looks like a PDF document"),
    (b"PK\x03\x04\x14\x00\x00\x00", "looks like a ZIP archive"),
    (_random_bytes(4096, 1), "not text: binary data or an unsupported encoding"),
    (_random_bytes(65536, 2), "not text: binary data or an unsupported encoding"),
    (bytes(100) + b"abc", "% NUL bytes"),
    ("创文".encode("utf-16-le") * 3 + "ab".encode("utf-16-le"), "UTF-16 needs a byte-order mark"),
    (PAGE_TEXT.encode("utf-16-le"), "not text: binary data or an unsupported encoding"),  # no BOM
    (PAGE_TEXT.encode("utf-16-be"), "not text: binary data or an unsupported encoding"),
    (b"\x01\x02\x03\x04 text \x05\x06\x07\x08", "control characters"),
    ("創建文明城市，動員志願者兩百餘人清理街道".encode("big5"), "as GB18030 only"),
    ("Café au lait, crème brûlée".encode("latin-1"), "invalid UTF-8 at byte 3"),
    (codecs.BOM_UTF32_LE + "创文".encode("utf-32-le"), "UTF-32"),
    (codecs.BOM_UTF16_LE + b"\x00\xd8a", "byte-order mark says utf-16-le but byte"),
])
def test_not_text_is_refused_with_file_and_reason(data, reason):
    source = decode_bytes(data, "uploads/scan.txt")
    assert source.text == "" and source.encoding == ""
    assert source.problem.startswith("uploads/scan.txt: ")
    assert reason in source.problem


@pytest.mark.parametrize(("data", "warning"), [
    (b"", "page.txt: empty file (0 bytes, no text)"),
    (" \n\r\n\t\u3000".encode(), "page.txt: whitespace only (8 bytes, no text)"),
    (codecs.BOM_UTF8, "page.txt: empty file (3 bytes, no text)"),
])
def test_empty_and_whitespace_only_are_reported(data, warning):
    source = decode_bytes(data, "page.txt")
    assert (source.problem, source.warning) == (None, warning)


def test_a_few_nul_bytes_stay_text_for_the_cleaner():
    source = decode_bytes(PAGE_TEXT[:200].encode("utf-8") + b"\x00" + PAGE_TEXT[200:].encode("utf-8"), "p")
    assert source.problem is None and "\x00" in source.text


def test_read_source_names_the_file_relative_to_root(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "2019-11-25_page.txt"
    path.write_bytes(PAGE_TEXT.encode("gb18030"))
    source = read_source(path, tmp_path)
    assert (source.name, source.encoding, source.text) == ("sub/2019-11-25_page.txt", "gb18030", PAGE_TEXT)
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == file_sha256(path)


def _parts(path: Path, root: Path, max_chars: int) -> list:
    return list(iter_source_parts(path, root, max_chars=max_chars))


@pytest.mark.parametrize(("encoding", "recorded"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("utf-16", "utf-16-le")])
def test_big_file_in_parts_joins_back_to_the_whole(tmp_path, encoding, recorded, monkeypatch):
    monkeypatch.setattr("civic.ingest.BLOCK_BYTES", 4099)  # odd size: cuts multibyte characters
    monkeypatch.setattr("civic.ingest.HEAD_BYTES", 1001)
    text = "\n\n".join(f"第{i}段 {PAGE_TEXT[i * 37:(i + 1) * 37]}" for i in range(60))
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode(encoding))
    parts = _parts(path, tmp_path, 500)
    assert "".join(p.text for p in parts) == text
    assert [p.offset for p in parts] == [sum(len(q.text) for q in parts[:i]) for i in range(len(parts))]
    assert all(len(p.text) <= 500 for p in parts) and len(parts) > 4
    assert all(p.text.endswith("\n\n") for p in parts[:-1])  # cut at blank lines
    assert {(p.name, p.encoding, p.sha256, p.problem) for p in parts} == {
        ("big.txt", recorded, file_sha256(path), None)}


def test_parts_never_split_crlf_and_fall_back_to_line_breaks(tmp_path):
    text = "创文工作\r\n" * 300 + "无换行" * 400
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.encode("utf-8"))
    parts = _parts(path, tmp_path, 101)
    assert "".join(p.text for p in parts) == text
    assert all(not p.text.endswith("\r") for p in parts)
    assert all(len(p.text) <= 101 for p in parts)


def test_parts_of_a_binary_or_empty_file_is_one_source_with_the_reason(tmp_path):
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    [bad] = _parts(png, tmp_path, 100)
    [nothing] = _parts(empty, tmp_path, 100)
    assert bad.problem == "photo.txt: binary data, not text: looks like a PNG image"
    assert nothing.warning == "empty.txt: empty file (0 bytes, no text)"


@pytest.mark.parametrize(("encoding", "recorded", "bad"), [
    ("utf-8", "utf-8", b"\xff\xfe"), ("gb18030", "gb18030", b"\xff\xfe"),
    ("utf-16", "utf-16-le", b"\x00\xdc")])
def test_invalid_bytes_after_the_head_end_the_parts_with_a_problem(tmp_path, monkeypatch, encoding,
                                                                   recorded, bad):
    monkeypatch.setattr("civic.ingest.HEAD_BYTES", 64)
    monkeypatch.setattr("civic.ingest.BLOCK_BYTES", 63)
    good = ("创文工作\n\n" * 50).encode(encoding)
    path = tmp_path / "broken.txt"
    path.write_bytes(good + bad + "后文".encode(encoding)[2 if encoding == "utf-16" else 0:])
    parts = _parts(path, tmp_path, 1000)
    assert "".join(p.text for p in parts) == good.decode(encoding)
    assert parts[-1].problem == (f"broken.txt: invalid {recorded} at byte {len(good)}; "
                                 "the rest of the file was not read")


def test_list_sources_takes_txt_of_any_case_and_skips_hidden(tmp_path):
    for name in ("b.txt", "A.TXT", "uploads/c.txt", ".hidden.txt", ".git/d.txt", "manifest.csv", "e.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("创文", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in list_sources(tmp_path)] == [
        "A.TXT", "b.txt", "uploads/c.txt"]


@pytest.mark.parametrize(("name", "date"), [
    ("2019-11-25_page.txt", "2019-11-25"),
    ("2019_11_25.txt", "2019-11-25"),
    ("郑州日报_20191125_A3.txt", "2019-11-25"),
    ("uploads/2021.02.05 创文.txt", "2021-02-05"),
    ("000_b4e6fb6c89cae77b.txt", None),
    ("2019-13-45_page.txt", None),  # not a calendar date
    ("120191125.txt", None),  # digits run on: not a date
])
def test_name_date(name, date):
    assert name_date(name) == date


def test_page_metadata_from_the_sample_manifest():
    assert page_metadata(RAW, "003_59fc856302813e7e.txt") == {
        "paper_city": "辽源市", "year": 2022, "page_date": None}
    assert page_metadata(RAW, "uploads/2019-11-25_x.txt") == {
        "paper_city": "", "year": 2019, "page_date": "2019-11-25"}
    assert manifest_problems(RAW) == []


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030", "utf-8"])
def test_manifest_in_any_supported_encoding(tmp_path, encoding):
    (tmp_path / "manifest.csv").write_bytes(
        "file,paper_city,year,date\n2019-11-25_a.txt,郑州市,2019,\nb.txt,辽源市,2022,2022-10-08\n".encode(encoding))
    (tmp_path / "2019-11-25_a.txt").write_text("创文", encoding="utf-8")
    (tmp_path / "b.txt").write_text("创城", encoding="utf-8")
    assert page_metadata(tmp_path, "2019-11-25_a.txt") == {
        "paper_city": "郑州市", "year": 2019, "page_date": "2019-11-25"}
    assert page_metadata(tmp_path, "b.txt") == {"paper_city": "辽源市", "year": 2022, "page_date": "2022-10-08"}
    assert manifest_problems(tmp_path) == []


def test_bad_manifest_rows_are_reported_not_fatal():
    manifest = parse_manifest(
        "File, Paper_City ,Year\na.txt,郑州市,二〇一九\n,郑州市,2019\na.txt,辽源市,2020\nb.txt,辽源市,2022,extra\n"
        .encode())
    assert manifest.problems == [
        "manifest.csv line 2: a.txt: year '二〇一九' is not a year; year ignored",
        "manifest.csv line 3: empty 'file'; row skipped",
        "manifest.csv line 4: a.txt listed twice; first row kept",
    ]
    assert manifest.rows["a.txt"]["year"] == "" and manifest.rows["b.txt"]["paper_city"] == "辽源市"


@pytest.mark.parametrize(("data", "problem"), [
    ("name,city\nx.txt,郑州\n".encode(), "manifest.csv: no 'file' column (header: name,city)"),
    (b"file\nx.txt\n", "manifest.csv: missing column(s) paper_city, year"),
    (b"\x89PNG\r\n\x1a\n", "manifest.csv: not read: binary data, not text: looks like a PNG image"),
])
def test_unusable_manifest_says_why(data, problem):
    assert parse_manifest(data).problems[0] == problem


def test_listed_but_absent_files_are_reported(tmp_path):
    (tmp_path / "manifest.csv").write_text("file,paper_city,year\ngone.txt,郑州市,2019\n", encoding="utf-8")
    assert manifest_problems(tmp_path) == ["manifest.csv: gone.txt is listed but not in the raw folder"]
    assert page_metadata(tmp_path, "other.txt") == {"paper_city": "", "year": None, "page_date": None}


def test_parts_are_decoded_in_bounded_memory(tmp_path, monkeypatch):
    monkeypatch.setattr("civic.ingest.BLOCK_BYTES", 256 * 1024)
    path = tmp_path / "big.txt"
    with path.open("w", encoding="gb18030") as f:
        for _ in range(12 * 1024 * 1024 // len(PAGE_TEXT.encode("gb18030"))):  # ~12 MB
            f.write(PAGE_TEXT + "\n\n")
    tracemalloc.start()
    try:
        chars = sum(len(part.text) for part in iter_source_parts(path, tmp_path, max_chars=200_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert chars == len(path.read_text(encoding="gb18030"))
    assert peak < 4 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB while reading a 12 MB file"


def test_an_ascii_head_does_not_decide_the_encoding_of_the_parts(tmp_path, monkeypatch):
    monkeypatch.setattr("civic.ingest.HEAD_BYTES", 64)
    monkeypatch.setattr("civic.ingest.BLOCK_BYTES", 100)
    text = "Page 3 of the Liaoyuan Daily\n" * 20 + "\n" + PAGE_TEXT
    path = tmp_path / "mixed.txt"
    path.write_bytes(text.encode("gb18030"))
    parts = _parts(path, tmp_path, 10_000)
    assert {(p.encoding, p.problem) for p in parts} == {("gb18030", None)}
    assert "".join(p.text for p in parts) == text


def test_manifest_rows_find_files_by_path_or_by_base_name_in_a_subfolder(tmp_path):
    (tmp_path / "2019").mkdir()
    (tmp_path / "2019" / "郑州日报_A3.txt").write_text("文明创建", encoding="utf-8")
    (tmp_path / "top.txt").write_text("文明创建", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,paper_city,year\ntop.txt,郑州市,2019\n郑州日报_A3.txt,郑州市,2019\n"
                                           "2019/郑州日报_A3.txt,郑州市,2019\n", encoding="utf-8")
    assert manifest_problems(tmp_path) == []


def _judged_per_character(text: str) -> tuple[int, int, int, int, int]:
    """(non-ASCII non-space, hanzi, CJK, GB2312 hanzi, controls) counted one character at a time:
    the definitions the regex counts of civic.ingest must agree with."""
    wide = [ch for ch in text if ord(ch) >= 0x80 and not ch.isspace()]
    hanzi = [ch for ch in wide if 0x4E00 <= ord(ch) <= 0x9FFF or 0x3400 <= ord(ch) <= 0x4DBF
             or 0xF900 <= ord(ch) <= 0xFAFF or 0x20000 <= ord(ch) <= 0x3134F]
    cjk = len(hanzi) + sum(1 for ch in wide if 0x3000 <= ord(ch) <= 0x303F or 0xFF00 <= ord(ch) <= 0xFFEF)

    def in_gb2312(ch: str) -> bool:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            return False
        return True

    controls = sum(1 for ch in text if (ord(ch) < 0x20 or ord(ch) == 0x7F) and ch not in "\t\n\r\f\v\x1b")
    return len(wide), len(hanzi), cjk, sum(map(in_gb2312, hanzi)), controls


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    "ab 1\t\n\r\f\v\x1b\x00\x01\x7f\x85\xa0\u3000\u3001。，！（）臺北街道清洁𠀀\uf900\uffe5\ufff0\u2028\u00e9")))
def test_chinese_and_control_counts_agree_with_the_per_character_definitions(text):
    wide, hanzi, cjk, common, controls = _judged_per_character(text)
    if not hanzi or cjk < 0.5 * wide:
        assert _plausibly_chinese(text) == f"only {cjk} of {wide} non-ASCII characters are Chinese"
    elif common < 0.5 * hanzi:
        assert _plausibly_chinese(text) == f"only {common} of {hanzi} Chinese characters are common ones"
    else:
        assert _plausibly_chinese(text) is None
    assert (_binary_reason(text) is not None) == (bool(text) and controls > 0.1 * len(text))
