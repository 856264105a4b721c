"""Downloads: CSV and Excel bytes that spreadsheets cannot run, and file names that say what.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and some treat a
leading tab or carriage return the same way) as a formula, so a corpus sentence such as
`=HYPERLINK(...)` could become a live link. Every *text* cell (and header) that starts with
one of those gets a leading apostrophe `'`; numbers, including negative ones, stay numbers.
"""

from __future__ import annotations

import io
import math
import numbers
import re
import zipfile
from collections.abc import Mapping
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from civic.uploads import safe_stem

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_575  # one row of the sheet is the header
EXCEL_MAX_CELL_CHARS = 32_767
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # Excel (and XML) refuse these


def neutralise(value: object) -> object:
    """`value` with a leading `'` when it is text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _is_text(series: pd.Series) -> bool:
    return (pd.api.types.is_string_dtype(series) or pd.api.types.is_object_dtype(series)
            or isinstance(series.dtype, pd.CategoricalDtype))


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` for download: formula-like text cells and headers neutralised, a
    meaningful index (anything but the default 0..n-1) turned into columns."""
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()
    out = df.rename(columns=lambda c: neutralise(str(c)))
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
            # str columns hold only text: one vectorised test, a copy only of the columns that need it
            risky = series.str.startswith(FORMULA_TRIGGERS).fillna(False).astype(bool)
            if risky.any():
                out[column] = series.where(~risky, "'" + series)
        elif _is_text(series):
            out[column] = series.map(neutralise)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """`df` as CSV bytes: UTF-8 with BOM (Excel opens Chinese correctly), comma-separated,
    CRLF rows (RFC 4180; a cell holding a lone CR or LF is then quoted, so it cannot split a
    row), header row, formulas neutralised, missing values empty."""
    return _csv_bytes(safe_frame(df))


def download_bytes(df: pd.DataFrame, sheet_name: str = "data") -> tuple[bytes, bytes]:
    """`to_csv_bytes(df)` and `to_xlsx_bytes(df, sheet_name)`, the frame made safe once; no .xlsx
    (empty bytes) when `df` has more rows than a sheet holds."""
    frame = safe_frame(df)
    return _csv_bytes(frame), _xlsx_bytes(frame, sheet_name) if len(frame) <= EXCEL_MAX_ROWS else b""


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """`df` as an Excel workbook (.xlsx) with one sheet: a bold header row, then one row per row of `df`.

    Text cells are inline strings (formulas neutralised, never formulas, links or numbers), numbers
    and booleans stay numbers and booleans, missing values are blank cells, timestamps are dates
    (`yyyy-mm-dd hh:mm:ss`, time zones converted to UTC and dropped). Control characters Excel
    cannot store are dropped and text longer than an Excel cell (32,767 characters) is cut with `…`.

    The SpreadsheetML is written here directly, column by column, instead of cell by cell through
    XlsxWriter (a 500-row article list: 80 -> 6 ms, same run); the sheet is compressed `XLSX_CHUNK_ROWS`
    rows at a time, so a whole table's sheet XML is never held in memory at once.

    Raises:
        ValueError: when `df` has more rows than an Excel sheet (1,048,575): use CSV.
    """
    if len(df) > EXCEL_MAX_ROWS:
        raise ValueError(f"{len(df):,} rows do not fit in an Excel sheet (at most {EXCEL_MAX_ROWS:,}); "
                         "download CSV instead")
    return _xlsx_bytes(safe_frame(df), sheet_name)


def _xlsx_bytes(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """The workbook of `to_xlsx_bytes` for a frame already made safe (`safe_frame`)."""
    sheet = _EXCEL_ILLEGAL.sub("", re.sub(r"[\[\]:*?/\\]", "_", sheet_name)).strip("'")[:31] or "data"
    letters = [_column_letter(i) for i in range(len(frame.columns))]
    last = f"{letters[-1]}{len(frame) + 1}" if letters else "A1"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, xml in _PACKAGE.items():
            book.writestr(name, xml)
        book.writestr("xl/workbook.xml", _WORKBOOK.format(sheet=escape(sheet, {'"': "&quot;"})))
        with book.open("xl/worksheets/sheet1.xml", "w") as part:
            header = "".join(f'<c r="{letter}1" s="1"{_text_cell(str(c))}</c>'
                             for letter, c in zip(letters, frame.columns, strict=True))
            part.write(_SHEET_HEAD.format(last=last, header=header).encode())
            for start in range(0, len(frame), XLSX_CHUNK_ROWS):
                chunk = frame.iloc[start:start + XLSX_CHUNK_ROWS]
                numbers = range(start + 2, start + 2 + len(chunk))
                columns = [_column_cells(chunk[c], letter, numbers) for letter, c in zip(letters, chunk.columns,
                                                                                        strict=True)]
                part.write("".join(f'<row r="{n}">{"".join(cells)}</row>'
                                   for n, *cells in zip(numbers, *columns, strict=True)).encode())
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


XLSX_CHUNK_ROWS = 20_000
"""Rows of a sheet turned into XML and compressed at a time (bounds the memory of a whole-table download)."""

_EXCEL_EPOCH = pd.Timestamp("1899-12-31")
_ESCAPED_CODE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")  # Excel reads _xHHHH_ in text as a character code
_CONTENT_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PACKAGE = {
    "[Content_Types].xml": (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT_TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CONTENT_TYPES}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT_TYPES}.styles+xml"/></Types>'),
    "_rels/.rels": (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>'),
    # cell styles: 0 plain, 1 the header (bold, thin border, centred, top), 2 a timestamp
    "xl/styles.xml": (
        f'{_XML}<styleSheet xmlns="{_MAIN}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
        '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/>'
        '</border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
        'applyAlignment="1"><alignment horizontal="center" vertical="top"/></xf>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}
_WORKBOOK = (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>'
             '<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_SHEET_HEAD = (f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><dimension ref="A1:{{last}}"/>'
               '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
               '<sheetData><row r="1">{header}</row>')


def _column_letter(index: int) -> str:
    """Excel's name of the 0-based column `index`: A..Z, AA.."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text_cell(value: str) -> str:
    """The end of a text cell's start tag and its inline string: cleaned, cut, escaped, CR kept as a code."""
    value = _excel_text(value)
    if "_x" in value:
        value = _ESCAPED_CODE.sub(r"_x005F\1", value)
    value = escape(value, {"\r": "_x000D_"})
    return f' t="inlineStr"><is><t xml:space="preserve">{value}</t></is>'


def _value_cell(value: object) -> str:
    """The end of a cell's start tag and its content (see `_excel_cell`); "" for a blank cell."""
    value = _excel_cell(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_cell(value)
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v>'
    return f"><v>{value!r}</v>" if isinstance(value, float) else f"><v>{int(value)}</v>"


def _column_cells(series: pd.Series, letter: str, rows: range) -> list[str]:
    """The `<c>` elements of one column, one per row number in `rows` ("" for a blank cell)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        days = (series - _EXCEL_EPOCH) / pd.Timedelta(days=1)
        days = days.where(days <= 59, days + 1)  # Excel counts a 29 February 1900 that never was
        return [f'<c r="{letter}{n}" s="2"><v>{d!r}</v></c>' if d == d else ""
                for n, d in zip(rows, days.tolist(), strict=True)]
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        return [f'<c r="{letter}{n}"{_text_cell(v)}</c>' if isinstance(v, str) else ""
                for n, v in zip(rows, series.tolist(), strict=True)]
    cells = [_value_cell(v) for v in series.tolist()]
    return [f'<c r="{letter}{n}"{c}</c>' if c else "" for n, c in zip(rows, cells, strict=True)]


def _excel_text(value: str) -> str:
    value = _EXCEL_ILLEGAL.sub("", value)
    if len(value) > EXCEL_MAX_CELL_CHARS:
        value = value[:EXCEL_MAX_CELL_CHARS - 1] + "…"
    return value


def _excel_cell(value: object) -> object:
    """A cell's value as written: text cleaned, missing values None, NumPy scalars as Python numbers and
    booleans, infinity as text (Excel has none; pandas wrote it so), other objects as their text."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if math.isnan(value):
            return None
        return str(float(value)) if math.isinf(value) else float(value)
    return str(value)


def _filter_text(value: object) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [str(v) for v in (sorted(value, key=str) if isinstance(value, (set, frozenset)) else value)
                 if str(v)]
        if isinstance(value, tuple) and len(items) == 2:
            return items[0] if items[0] == items[1] else f"{items[0]}-{items[1]}"
        return "+".join(items[:3]) + (f"等{len(items)}项" if len(items) > 3 else "")
    return "" if value is None else str(value)


def download_name(what: str, filters: Mapping[str, object], ext: str) -> str:
    """A safe file name for a download that says what it is and which filter made it.

    Filter values are written in order, empty ones skipped; a two-item tuple is a range
    (`2018-2021`), a list is joined with `+` (more than three: `甲+乙+丙等5项`).
    Characters no file system accepts are replaced and the name is kept under 200 bytes.

    Example: download_name("文章", {"city": "郑州市", "years": (2018, 2021), "theme": ["卫生"]}, "csv")
    -> "civic_文章_郑州市_2018-2021_卫生.csv"
    """
    parts = ["civic", what, *(_filter_text(v) for v in filters.values())]
    stem = safe_stem("_".join(p for p in parts if p), max_bytes=200)
    suffix = re.sub(r"[^0-9A-Za-z]", "", ext)[:8] or "dat"
    return f"{stem}.{suffix}"
