"""civic.uploads: sizes, types, zip limits, safe names, content addressing, clear results."""

import hashlib
import io
import tomllib
import zipfile
from pathlib import Path

import pytest

from civic.config import ROOT, upload_max_bytes
from civic.pipeline import build
from civic.uploads import UploadResult, safe_stem, save_uploads

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
PAGE = (RAW / "001_e3956309ced81d76.txt").read_bytes()
PREFIX = hashlib.sha256(PAGE).hexdigest()[:12]


@pytest.fixture
def raw(tmp_path, monkeypatch):
    """An empty raw folder with small limits: 1 MiB per file, 2 MiB per upload."""
    folder = tmp_path / "raw"
    folder.mkdir()
    monkeypatch.setenv("CIVIC_RAW", str(folder))
    monkeypatch.setenv("CIVIC_UPLOAD_MAX_MB", "1")
    monkeypatch.setenv("CIVIC_UPLOAD_TOTAL_MB", "2")
    return folder


def _files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_page_is_saved_content_addressed(raw):
    [result] = save_uploads([("郑州日报 2019-11-25.txt", PAGE)])
    assert result == UploadResult("郑州日报 2019-11-25.txt", "saved", "saved as utf-8",
                                  f"{PREFIX}_郑州日报_2019-11-25.txt", "utf-8", len(PAGE))
    assert (raw / "uploads" / result.stored).read_bytes() == PAGE  # stored as delivered


def test_the_same_content_twice_is_stored_once(raw):
    first = save_uploads([("a.txt", PAGE), ("b.txt", PAGE)])
    again = save_uploads([("c.TXT", PAGE)])
    assert [r.status for r in first + again] == ["saved", "duplicate", "duplicate"]
    assert again[0].reason == f"same content as {PREFIX}_a.txt, already uploaded"
    assert _files_under(raw) == [f"uploads/{PREFIX}_a.txt"]


def test_a_page_already_in_the_corpus_is_a_duplicate(raw):
    (raw / "2021_page.txt").write_bytes(PAGE)
    [result] = save_uploads([("copy.txt", PAGE)])
    assert (result.status, result.reason) == ("duplicate", "same content as 2021_page.txt, already in the corpus")


@pytest.mark.parametrize("name", [
    "../../x.txt", "/etc/x.txt", "..\\..\\x.txt", "C:\\Windows\\x.txt", "uploads/../../x.txt",
    "\u202etxt.exe.txt",
])
def test_nothing_is_written_outside_uploads(raw, name):
    [result] = save_uploads([(name, PAGE)])
    assert result.status == "saved"
    assert _files_under(raw.parent) == [f"raw/uploads/{result.stored}"]
    assert "/" not in result.stored and "\\" not in result.stored and "\x00" not in result.stored


@pytest.mark.parametrize(("name", "stem"), [
    ("../../x", "x"),  # separators become _, then leading dots and _ are stripped
    ("创文 整治  简报", "创文_整治_简报"),
    ("CON", "_CON"),
    ("nul.tar", "_nul.tar"),
    ("LPT1", "_LPT1"),
    ("a<b>c:d\"e|f?g*h", "a_b_c_d_e_f_g_h"),
    ("零\u200b宽\ufeff字符", "零宽字符"),
    ("...", "upload"),
    ("", "upload"),
    ("e\u0301cole", "\u00e9cole"),  # NFC
])
def test_safe_stem(name, stem):
    assert safe_stem(name) == stem


def test_very_long_names_are_cut_readably(raw):
    [result] = save_uploads([("建中街街道创文工作" * 40 + ".txt", PAGE)])
    assert result.status == "saved"
    assert len(result.stored.encode("utf-8")) <= 12 + 1 + 120 + 4
    assert result.stored.startswith(f"{PREFIX}_建中街街道")


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("photo.png", b"\x89PNG\r\n\x1a\n", "type .png not allowed: upload .txt pages or a .zip of them"),
    ("page.docx", b"PK\x03\x04", "type .docx not allowed: upload .txt pages or a .zip of them"),
    ("README", b"text", "type (none) not allowed: upload .txt pages or a .zip of them"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(50), "binary data, not text: looks like a PNG image"),
    ("scan.txt", b"%PDF-1.4\n", "binary data, not text: looks like a PDF document"),
    ("empty.txt", b"", "empty file (0 bytes, no text)"),
    ("blank.txt", b" \r\n \n", "whitespace only (5 bytes, no text)"),
    ("big5.txt", "創建文明城市，動員志願者兩百餘人清理街道".encode("big5"),
     "not text: binary data or an unsupported encoding"),
    ("x.txt\x00.png", PAGE, "type .png not allowed"),  # no NUL truncation to x.txt
    ("huge.txt", b"a" * (1024 * 1024 + 1), "too big: 1.0 MiB; the limit per file is 1.0 MiB"),
])
def test_rejected_files_say_why(raw, name, data, reason):
    [result] = save_uploads([(name, data)])
    assert (result.name, result.status, result.stored) == (name, "rejected", "")
    assert reason in result.reason
    assert _files_under(raw) == []


def test_the_upload_total_is_limited(raw):
    pages = [(f"p{i}.txt", PAGE + str(i).encode() * 1000 * 900) for i in range(3)]
    results = save_uploads([("huge.txt", b"x" * 3_000_000), *pages])
    assert [r.status for r in results] == ["rejected", "saved", "saved", "rejected"]
    assert results[3].reason == "upload over 2.0 MiB in total; upload the rest separately"


def test_gb18030_and_utf16_uploads_record_their_encoding(raw):
    text = PAGE.decode("utf-8")
    results = save_uploads([("g.txt", text.encode("gb18030")), ("u.txt", text.encode("utf-16"))])
    assert [(r.status, r.encoding) for r in results] == [("saved", "gb18030"), ("saved", "utf-16-le")]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_of_pages_is_unpacked_with_safe_names(raw):
    data = _zip({"2019/郑州.txt": PAGE, "../../../evil.txt": PAGE + b"!", "notes.md": b"x",
                 "inner.zip": _zip({"a.txt": PAGE}), "dir/": b""})
    results = save_uploads([("pages.zip", data)])
    assert [(r.name, r.status) for r in results] == [
        ("pages.zip/2019/郑州.txt", "saved"),
        ("pages.zip/../../../evil.txt", "saved"),
        ("pages.zip/notes.md", "rejected"),
        ("pages.zip/inner.zip", "rejected"),
    ]
    assert results[2].reason == "type .md not allowed: only .txt pages"
    assert results[3].reason == "nested archive: unpack it first"
    assert _files_under(raw.parent) == sorted(f"raw/uploads/{r.stored}" for r in results[:2])
    assert results[0].stored.endswith("_郑州.txt") and results[1].stored.endswith("_evil.txt")


def test_zip_bombs_are_refused(raw):
    bomb = _zip({"bomb.txt": b"0" * (900 * 1024)})  # ~1000:1
    [result] = save_uploads([("bomb.zip", bomb)])
    assert result.status == "rejected" and "more than 100:1 (zip bomb?)" in result.reason
    big = _zip({f"{i}.txt": bytes([65 + i]) * (800 * 1024) for i in range(3)})
    [result] = save_uploads([("big.zip", big)])
    assert result.reason == "zip unpacks to 2.3 MiB; 2.0 MiB left of the upload limit"
    assert _files_under(raw) == []


def test_zip_with_too_many_members_or_broken_is_refused(raw, monkeypatch):
    monkeypatch.setattr("civic.uploads.ZIP_MAX_MEMBERS", 3)
    [many] = save_uploads([("many.zip", _zip({f"{i}.txt": PAGE + bytes([i]) for i in range(4)}))])
    [broken] = save_uploads([("broken.zip", b"PK\x03\x04 not really")])
    assert many.reason == "zip has 4 files; at most 3"
    assert broken.reason.startswith("not a readable zip archive:")


def test_zip_member_names_from_windows_gbk_are_repaired(raw):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("placeholder.txt")
        archive.writestr(info, PAGE)
    # rewrite the stored name as GBK bytes without the UTF-8 flag, as Windows tools do
    gbk = "创文简报.txt".encode("gbk")
    data = buffer.getvalue().replace(b"placeholder.txt", gbk.ljust(len(b"placeholder.txt"), b"_"))
    [result] = save_uploads([("win.zip", data)])
    assert result.name.startswith("win.zip/创文简报.txt"), result


def test_streamlit_config_matches_the_upload_limit_and_is_safe(monkeypatch):
    monkeypatch.delenv("CIVIC_UPLOAD_MAX_MB", raising=False)
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["maxUploadSize"] * 1024 * 1024 == upload_max_bytes()
    assert settings["server"]["enableXsrfProtection"] is True and settings["server"]["enableCORS"] is True
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["client"]["showErrorDetails"] == "type"


def test_saved_uploads_are_built_with_their_encoding(raw, tmp_path):
    text = PAGE.decode("utf-8")
    results = save_uploads([("郑州 GB.txt", text.encode("gb18030")), ("again.txt", text.encode("gb18030")),
                            ("photo.txt", b"\x89PNG\r\n\x1a\n")])
    assert [r.status for r in results] == ["saved", "duplicate", "rejected"]
    report = build(raw, tmp_path / "out", workers=1)
    assert report[["source", "encoding", "status"]].values.tolist() == [
        [f"uploads/{results[0].stored}", "gb18030", "ok"]]
