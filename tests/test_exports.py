"""civic.exports: formula-safe CSV and Excel, readable download names."""

import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from civic.exports import download_name, neutralise, safe_frame, to_csv_bytes, to_xlsx_bytes


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK(\"http://x\",\"点我\")"),
    ("+86 371 1234", "'+86 371 1234"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("建中街街道", "建中街街道"),
    ("200余人", "200余人"),
    (" =1", " =1"),  # a leading space is not run as a formula
    ("", ""),
    (-5, -5),  # real numbers stay numbers
    (-1.5, -1.5),
    (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


FRAME = pd.DataFrame({
    "title": pd.array(["=1+1", "创文动真格 整治出成果", None], dtype="str"),
    "what": pd.array(["@cmd", "-志愿者", "+x"], dtype=object),
    "value": [-5.0, 200.0, float("nan")],
    "count": pd.array([-3, 4, None], dtype="Int64"),
    "is_caption": pd.array([True, False, None], dtype="boolean"),
})


def test_csv_is_utf8_with_bom_and_formula_safe():
    data = to_csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "title,what,value,count,is_caption",
        "'=1+1,'@cmd,-5.0,-3,True",
        "创文动真格 整治出成果,'-志愿者,200.0,4,False",
        ",'+x,,,",
    ]


def test_line_breaks_inside_cells_cannot_split_rows():
    data = to_csv_bytes(pd.DataFrame({"text": ["甲\r乙", "丙\n丁", "\r"]}))
    assert data.decode("utf-8-sig") == 'text\r\n"甲\r乙"\r\n"丙\n丁"\r\n"\'\r"\r\n'


def test_input_frame_is_not_changed():
    before = FRAME.copy()
    to_csv_bytes(FRAME)
    to_xlsx_bytes(FRAME)
    pd.testing.assert_frame_equal(FRAME, before)


def _sheet(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_xlsx_keeps_numbers_numeric_and_text_inert():
    rows = _sheet(to_xlsx_bytes(FRAME))
    assert rows == [
        ("title", "what", "value", "count", "is_caption"),
        ("'=1+1", "'@cmd", -5, -3, True),
        ("创文动真格 整治出成果", "'-志愿者", 200, 4, False),
        (None, "'+x", None, None, None),
    ]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(FRAME)))
    assert all(cell.data_type != "f" for row in book.worksheets[0].iter_rows() for cell in row)


def test_xlsx_drops_control_characters_and_cuts_giant_cells():
    df = pd.DataFrame({"text": ["NUL\x00和\x0b垂直制表\ufffe", "长" * 40_000]})
    rows = _sheet(to_xlsx_bytes(df, sheet_name="文章/列表"))
    assert rows[1] == ("NUL和垂直制表",)
    assert len(rows[2][0]) == 32_767 and rows[2][0].endswith("…")
    assert openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df, "文章/列表"))).sheetnames == ["文章_列表"]


def test_xlsx_time_zones_and_header_formulas():
    df = pd.DataFrame({"=evil": ["a"], "at": pd.to_datetime(["2019-11-25 08:00"]).tz_localize("Asia/Shanghai")})
    assert _sheet(to_xlsx_bytes(df))[0] == ("'=evil", "at")
    assert _sheet(to_xlsx_bytes(df))[1][1].isoformat() == "2019-11-25T00:00:00"


@pytest.mark.parametrize(("column", "cells"), [
    # nullable integers and floats: missing values stay blank cells, not 0 or an error
    (pd.array([1, None], dtype="Int64"), (1, None)),
    ([1.5, float("nan")], (1.5, None)),
    # Excel has no infinity: pandas wrote it as text, and so do we
    ([float("inf"), -1.0], ("inf", -1)),
    # booleans stay booleans; missing timestamps stay blank
    ([True, False], (True, False)),
    (pd.to_datetime(["2020-01-10 09:30", None]), (pd.Timestamp("2020-01-10 09:30").to_pydatetime(), None)),
    # NumPy scalars left in an object column stay numbers and booleans
    (pd.Series([np.int64(7), np.bool_(True)], dtype=object), (7, True)),
    # objects a sheet cannot hold are written as their text
    ([["卫生", "交通"], None], ("['卫生', '交通']", None)),
])
def test_xlsx_cells_by_kind(column, cells):
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"值": column})))).worksheets[0]
    assert (sheet.cell(2, 1).value, sheet.cell(3, 1).value) == cells


def test_xlsx_written_in_chunks_of_rows_has_the_same_cells(monkeypatch):
    whole = to_xlsx_bytes(FRAME)
    monkeypatch.setattr("civic.exports.XLSX_CHUNK_ROWS", 2)
    assert _sheet(to_xlsx_bytes(FRAME)) == _sheet(whole)


@pytest.mark.parametrize("text", [
    "甲\r\n乙",  # a carriage return survives (XML readers would turn it into a line feed)
    "_x0041_ 是原文",  # not read as Excel's code for "A"
    "<b>加粗</b> & \"引号\" '单引号'",
    "  前后空格  ",
    "\t缩进",
])
def test_xlsx_text_comes_back_character_for_character(text):
    # Excel reads _xHHHH_ in any cell text as character HHHH; openpyxl leaves inline strings as written
    cell = _sheet(to_xlsx_bytes(pd.DataFrame({"text": [text]})))[1][0]
    assert re.sub(r"_x([0-9A-Fa-f]{4})_", lambda code: chr(int(code[1], 16)), cell) == neutralise(text)


def test_xlsx_header_is_bold_and_sheet_name_escaped():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"街道": ["建中街"], "n": [1]}), "A&B<C>")))
    assert book.sheetnames == ["A&B<C>"]
    assert [c.font.b for c in book.worksheets[0][1]] == [True, True]
    assert book.worksheets[0].dimensions == "A1:B2"


def test_xlsx_of_an_empty_frame_has_its_header_only():
    assert _sheet(to_xlsx_bytes(pd.DataFrame({"街道": pd.Series([], dtype="str")}))) == [("街道",)]


def test_meaningful_index_becomes_a_column():
    by_month = pd.Series([3, 5], index=pd.Index(["2019-11", "2019-12"], name="month"), name="articles")
    assert list(safe_frame(by_month.to_frame()).columns) == ["month", "articles"]
    assert to_csv_bytes(by_month.to_frame()).decode("utf-8-sig").splitlines()[1] == "2019-11,3"


@pytest.mark.parametrize(("what", "filters", "ext", "name"), [
    ("文章", {"city": "郑州市", "years": (2018, 2021), "theme": ["卫生"]}, "csv",
     "civic_文章_郑州市_2018-2021_卫生.csv"),
    ("metrics", {}, "xlsx", "civic_metrics.xlsx"),
    ("文章", {"street": "", "year": None, "years": (2019, 2019)}, "csv", "civic_文章_2019.csv"),
    ("文章", {"themes": ["卫生", "拆违", "宣传", "志愿"]}, "csv", "civic_文章_卫生+拆违+宣传等4项.csv"),
    ("../../etc/passwd", {"q": 'a<b>:"c"|?*'}, "csv", "civic_.._.._etc_passwd_a_b_c.csv"),
    ("文章", {"q": "空 格\x00\u200b零宽"}, ".c$v", "civic_文章_空_格零宽.cv"),
])
def test_download_name(what, filters, ext, name):
    assert download_name(what, filters, ext) == name


def test_download_name_is_bounded_for_the_file_system():
    name = download_name("文章", {"streets": ["建中街街道" * 30]}, "csv")
    assert len(name.encode("utf-8")) <= 204 and name.endswith(".csv") and "/" not in name
