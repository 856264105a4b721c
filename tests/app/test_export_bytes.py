"""civic.exports.download_bytes, behind the app's download buttons: a frame too long for an Excel
sheet still downloads as CSV, and its .xlsx button is off instead of the page failing."""

import pandas as pd

from civic import exports


def test_a_frame_longer_than_a_sheet_gets_csv_and_no_xlsx(monkeypatch):
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 2)
    frame = pd.DataFrame({"街道": ["南关街道", "杜岭街道", "向阳街道"], "文章数": [3, 2, 1]})
    csv_bytes, xlsx_bytes = exports.download_bytes(frame, "街道")
    assert csv_bytes.decode("utf-8-sig").splitlines()[1:] == ["南关街道,3", "杜岭街道,2", "向阳街道,1"]
    assert xlsx_bytes == b""
    csv_bytes, xlsx_bytes = exports.download_bytes(frame.head(2), "街道")
    assert xlsx_bytes.startswith(b"PK")  # a zip: the .xlsx workbook
