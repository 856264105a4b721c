"""Bad input end to end: every encoding, binary files, empty files and odd characters go
through ingest and `civic.pipeline.parse_source` (and the CLI) without a crash, with a
message naming the file and the reason. Line ends, NUL, zero-width characters and NFKC are
civic/clean.py's work, full-width digits civic/metrics.py's: these tests check the result.
"""

import codecs
from pathlib import Path

import pytest

from civic.cli import main
from civic.ingest import decode_bytes
from civic.pipeline import parse_source
from civic.tokenizer import make_tokenizer

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
PAGES = sorted(p for p in RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def tokenizer():
    return make_tokenizer()


def _parse(data: bytes, tokenizer, name: str = "page.txt") -> dict[str, list[dict]]:
    return parse_source(decode_bytes(data, name), paper_city="郑州市", year=2019, tokenizer=tokenizer)


def _content(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Every table but the build report's encoding: what a reader of the tables sees."""
    report = [{k: v for k, v in row.items() if k != "encoding"} for row in rows["build_report"]]
    return {**rows, "build_report": report}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize(("encoding", "bom"), [
    ("gb18030", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_every_encoding_yields_the_same_tables_as_utf8(page, encoding, bom, tokenizer):
    text = page.read_text(encoding="utf-8")
    original = _parse(text.encode("utf-8"), tokenizer)
    copy = _parse(bom + text.encode(encoding), tokenizer)
    assert copy["build_report"][0]["encoding"] == (encoding if not bom.startswith(codecs.BOM_UTF8) else "utf-8-sig")
    assert copy["articles"], "the page yields articles"
    assert _content(copy) == _content(original)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
     "photo.txt: binary data, not text: looks like a PNG image"),
    ("scan.txt", b"%PDF-1.5\n%\xb5\xb5\xb5\xb5\n1 0 obj\n<</Type/Catalog>>",
     "scan.txt: binary data, not text: looks like a PDF document"),
    ("zeros.txt", b"\x00\x01\x02\x03" * 500, "zeros.txt: binary data, not text (25% NUL bytes"),
    ("noise.txt", bytes(range(256)) * 8, "noise.txt: not text: binary data or an unsupported encoding"),
    ("random.txt", bytes((i * 7919 + 13) % 251 for i in range(5000)),
     "random.txt: not text: binary data or an unsupported encoding"),
])
def test_binary_files_are_errors_naming_file_and_reason(name, data, message, tokenizer):
    rows = _parse(data, tokenizer, name)
    [report] = rows["build_report"]
    assert (report["source"], report["status"], report["articles"]) == (name, "error", 0)
    assert report["message"].startswith(message)
    assert not rows["articles"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "page.txt: empty file (0 bytes, no text)"),
    (codecs.BOM_UTF8, "page.txt: empty file (3 bytes, no text)"),
    (" \r\n\t\u3000\n".encode(), "page.txt: whitespace only (8 bytes, no text)"),
])
def test_empty_and_whitespace_only_files_are_warnings(data, message, tokenizer):
    [report] = _parse(data, tokenizer)["build_report"]
    assert (report["status"], report["message"], report["articles"]) == ("warning", message, 0)


def _articles(rows: dict[str, list[dict]]) -> list[tuple[str, str]]:
    return [(a["title"], a["text"]) for a in rows["articles"]]


PAGE_TEXT = PAGES[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(("label", "text"), [
    ("CRLF", PAGE_TEXT.replace("\n", "\r\n")),
    ("CR", PAGE_TEXT.replace("\n", "\r")),
    ("NUL", PAGE_TEXT.replace("。", "。\x00")),
    ("zero-width", PAGE_TEXT.replace("街道", "街\u200b道").replace("创文", "\ufeff创\u200d文")),
])
def test_odd_characters_do_not_change_the_articles(label, text, tokenizer):
    rows = _parse(text.encode("utf-8"), tokenizer)
    assert rows["build_report"][0]["status"] == "ok"
    assert rows["build_report"][0]["chars_in"] == len(text)
    assert _articles(rows) == _articles(_parse(PAGE_TEXT.encode("utf-8"), tokenizer))


def test_full_width_digits_become_metrics(tokenizer):
    assert "200余人" in PAGE_TEXT
    rows = _parse(PAGE_TEXT.replace("200余人", "２００余人").encode("gb18030"), tokenizer)
    metrics = [(m["value"], m["unit"], m["approx"]) for m in rows["metrics"]]
    assert (200.0, "人", True) in metrics


def test_cli_build_names_every_bad_file_and_reason(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_bytes(PAGE_TEXT.encode("gb18030"))
    (raw / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (raw / "empty.txt").write_bytes(b"")
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert "3 files" in captured.out
    assert "error: photo.txt: binary data, not text: looks like a PNG image" in captured.err
    assert "warning: empty.txt: empty file (0 bytes, no text)" in captured.err
