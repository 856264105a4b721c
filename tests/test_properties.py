"""Properties that hold for any input (hypothesis): decoding never guesses silently wrong,
the parser never raises, ids are deterministic, every character is accounted for, and a
rebuild is idempotent. Example counts are bounded so the file runs in well under a minute.
"""

import codecs
import csv
import io
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from civic import store
from civic.exports import FORMULA_TRIGGERS, to_csv_bytes, to_xlsx_bytes
from civic.ingest import decode_bytes
from civic.pipeline import build, parse_source
from civic.schema import TABLES
from civic.tokenizer import make_tokenizer

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SAMPLE = (RAW / "000_b4e6fb6c89cae77b.txt").read_text(encoding="utf-8")
TOKENIZER = make_tokenizer()

# Page-like text: hanzi, the page's own lines and words, digits (also full-width),
# punctuation, line breaks of every kind, and the odd characters pages carry.
page_lines = st.sampled_from(SAMPLE.splitlines() + ["", "本报讯", "记者 景静 通讯员 徐贝贝 文/图", "２００余人"])
odd_chars = st.sampled_from(list("\n\r\t \u3000\x00\u200b\ufeff，。、：；“”（）《》0123456789０１２３余人处万"))
page_text = st.lists(st.one_of(page_lines, odd_chars, st.text(max_size=20)), max_size=40).map("".join)
small = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@small
@given(st.binary(max_size=2000))
def test_decoding_arbitrary_bytes_never_raises(data):
    source = decode_bytes(data, "x.txt")
    assert (source.problem is None) != (source.encoding == "")
    assert source.problem is None or source.problem.startswith("x.txt: ")


@small
@given(st.text(max_size=300), st.sampled_from([
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE)]))
def test_unicode_encodings_decode_exactly_or_are_refused(text, encoding_bom):
    encoding, bom = encoding_bom
    data = bom + text.encode(encoding, errors="surrogatepass")
    source = decode_bytes(data, "x.txt")
    # refusal is allowed (binary-looking content, lone surrogates); a different text is not
    if source.problem is None:
        expected = text.removeprefix("\ufeff") if bom == b"" and encoding == "utf-8" else text
        assert source.text == expected


@small
@given(page_text)
def test_gb18030_of_chinese_decodes_exactly_or_is_refused(text):
    try:
        data = text.encode("gb18030")
    except UnicodeEncodeError:  # lone surrogates have no GB18030 form
        return
    source = decode_bytes(data, "x.txt")
    if source.problem is None and source.encoding == "gb18030":
        assert source.text == text


cells = st.one_of(st.text(max_size=30), st.sampled_from(["=1+1", "+86", "-5", "@SUM(A1)", "\t=x", "\r=x"]))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(cells, st.floats(allow_nan=False, allow_infinity=False, width=32)), min_size=1,
                max_size=10))
def test_downloads_hold_no_formula_and_lose_no_text(rows):
    df = pd.DataFrame(rows, columns=["text", "value"]).astype({"text": "str"})
    read = list(csv.reader(io.StringIO(to_csv_bytes(df).decode("utf-8-sig"), newline="")))
    assert read[0] == ["text", "value"]
    for (text, value), (cell, number) in zip(rows, read[1:], strict=True):
        assert not cell.startswith(FORMULA_TRIGGERS)
        assert cell == ("'" + text if text.startswith(FORMULA_TRIGGERS) else text)
        assert float(number) == value
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df))).worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@small
@given(page_text)
def test_parser_never_raises_and_accounts_for_every_character(text):
    rows = parse_source(decode_bytes(text.encode("utf-8", errors="surrogatepass"), "p.txt"),
                        tokenizer=TOKENIZER)
    [report] = rows["build_report"]
    assert report["status"] in ("ok", "warning", "error")
    if report["status"] != "error":
        assert report["chars_in"] == len(text.removeprefix("\ufeff"))
    assert report["articles"] == len(rows["articles"])
    for article in rows["articles"]:
        assert 0 <= article["src_start"] <= article["src_end"] <= report["chars_in"]


@small
@example("本报讯 连日来,建中街街道针对创文工作。¨")  # NFKC makes ¨ two characters: counted in the source
@given(page_text)
def test_characters_in_articles_are_source_characters(text):
    rows = parse_source(decode_bytes(text.encode("utf-8", errors="surrogatepass"), "p.txt"),
                        tokenizer=TOKENIZER)
    [report] = rows["build_report"]
    assert 0 <= report["chars_in_articles"] <= report["chars_in"]


@settings(max_examples=15, deadline=None)
@given(page_text)
def test_article_ids_are_deterministic(text):
    source = decode_bytes(text.encode("utf-8", errors="surrogatepass"), "p.txt")
    first = parse_source(source, tokenizer=TOKENIZER)
    second = parse_source(source, tokenizer=TOKENIZER)
    assert first == second
    ids = [a["article_id"] for a in first["articles"]]
    assert len(ids) == len(set(ids))


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in TABLES:
        df = store.read_table(name, out)
        tables[name] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return tables


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(page_text, min_size=1, max_size=3))
def test_rebuild_is_idempotent(texts):
    with tempfile.TemporaryDirectory() as folder:
        raw, out = Path(folder) / "raw", Path(folder) / "out"
        raw.mkdir()
        for i, text in enumerate(texts):
            (raw / f"{i}.txt").write_bytes(text.encode("utf-8", errors="surrogatepass"))
        (raw / "page.txt").write_text(SAMPLE, encoding="utf-8")
        build(raw, out, workers=1)
        first = _tables(out)
        build(raw, out, workers=1)
        second = _tables(out)
        build(raw, out, workers=1, full=True)
        third = _tables(out)
        for name in TABLES:
            pd.testing.assert_frame_equal(first[name], second[name])
            pd.testing.assert_frame_equal(first[name], third[name])
        assert set(first["build_report"]["source"]) == {f"{i}.txt" for i in range(len(texts))} | {"page.txt"}
