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
from collections.abc import Mapping

import numpy as np
import pandas as pd
import xlsxwriter

from civic.uploads import safe_stem

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_ROWS = 1_048_575  # one row of the sheet is the header
EXCEL_MAX_CELL_CHARS = 32_767
IN_MEMORY_ROWS = 50_000  # bigger workbooks are assembled through temporary files (memory, not speed)
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # Excel refuses these


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
        if _is_text(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """`df` as CSV bytes: UTF-8 with BOM (Excel opens Chinese correctly), comma-separated,
    CRLF rows (RFC 4180; a cell holding a lone CR or LF is then quoted, so it cannot split a
    row), header row, formulas neutralised, missing values empty."""
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _excel_text(value: object) -> object:
    if isinstance(value, str):
        value = _EXCEL_ILLEGAL.sub("", value)
        if len(value) > EXCEL_MAX_CELL_CHARS:
            value = value[:EXCEL_MAX_CELL_CHARS - 1] + "…"
    return value


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """`df` as an Excel workbook (.xlsx, XlsxWriter) with one sheet, formulas neutralised.

    Control characters Excel cannot store are dropped and text longer than an Excel cell
    (32,767 characters) is cut with `…`; time zones are converted to UTC and dropped.

    Raises:
        ValueError: when `df` has more rows than an Excel sheet (1,048,575): use CSV.
    """
    if len(df) > EXCEL_MAX_ROWS:
        raise ValueError(f"{len(df):,} rows do not fit in an Excel sheet (at most {EXCEL_MAX_ROWS:,}); "
                         "download CSV instead")
    frame = safe_frame(df)
    buffer = io.BytesIO()
    sheet = _EXCEL_ILLEGAL.sub("", re.sub(r"[\[\]:*?/\\]", "_", sheet_name)).strip("'")[:31] or "data"
    # XlsxWriter directly, in memory: ~3x faster than pandas' to_excel through temporary files
    # (18 -> 6 ms for a 200-row article list, 5 -> 1 ms for a small chart frame); cells stay plain text.
    # A whole table (data page, on click) keeps the temporary files, so its sheet XML is not held in memory too.
    book = xlsxwriter.Workbook(buffer, {"in_memory": len(frame) <= IN_MEMORY_ROWS, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    worksheet = book.add_worksheet(sheet)
    header = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "top"})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    worksheet.write_row(0, 0, [_excel_text(str(c)) for c in frame.columns], header)
    for index, column in enumerate(frame.columns):
        series = frame[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            for row, value in enumerate(series.tolist(), start=1):
                if not pd.isna(value):
                    worksheet.write_datetime(row, index, value.to_pydatetime(), when)
        else:
            worksheet.write_column(1, index, [_excel_cell(v) for v in series.tolist()])
    book.close()
    return buffer.getvalue()


def _excel_cell(value: object) -> object:
    """A cell value XlsxWriter writes as it is: text cleaned, missing values blank, other objects as text."""
    if isinstance(value, str):
        return _excel_text(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Real):  # also NumPy scalars left in an object column
        if math.isnan(value):
            return None
        return str(float(value)) if math.isinf(value) else value  # Excel has no infinity: text, as pandas wrote
    return _excel_text(str(value))


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
