"""Save files uploaded on the 数据 page into the uploads folder, safely.

Rules, each giving the file a plain-words result (saved / duplicate / rejected + reason):
- only `.txt` pages, or `.zip` archives of them (unpacked with limits: at most
  `ZIP_MAX_MEMBERS` members, per-file and total sizes as for uploads, compression ratio at
  most `ZIP_MAX_RATIO`, no nested archives, no encrypted members; names inside are reduced
  to a safe base name, so no member can be written outside the folder);
- per-file and per-upload size limits from `civic.config` (CIVIC_UPLOAD_MAX_MB / _TOTAL_MB);
- text in a supported encoding, checked with the ingest detector (`civic.ingest`), not empty;
- stored as delivered under `<sha256[:12]>_<safe name>.txt`, so the same content uploaded
  twice, or already anywhere in the raw folder, is stored once.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from civic import config
from civic.ingest import decode_bytes, file_sha256, list_sources

ZIP_MAX_MEMBERS = 1000
ZIP_MAX_RATIO = 100  # uncompressed / compressed size of one member; text zips ~3-10
NAME_MAX_BYTES = 120  # of the safe stem, UTF-8; the stored name adds 13 + 4
_WINDOWS_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$")
_UNSAFE = re.compile(r'[<>:"/\\|?*]')


@dataclass(frozen=True)
class UploadResult:
    """What happened to one uploaded file (or one member of an uploaded zip).

    `name` is the name as uploaded (`archive.zip/member.txt` for members); `status` is
    saved | duplicate | rejected; `reason` says why in plain words (for saved: the
    encoding); `stored` is the file name in the uploads folder, or the corpus file it
    duplicates ("" when rejected); `size` is in bytes.
    """

    name: str
    status: str
    reason: str
    stored: str = ""
    encoding: str = ""
    size: int = 0


def safe_stem(name: str, *, max_bytes: int = NAME_MAX_BYTES) -> str:
    """`name` made safe as one file name on any system, kept readable (Chinese stays).

    Unicode NFC; control and invisible format characters (NUL, zero-width, bidi overrides)
    removed; `<>:"/\\|?*` and whitespace runs become `_`; leading/trailing dots, spaces and
    `_` stripped; Windows reserved names (CON, NUL, COM1...) prefixed with `_`; cut to
    `max_bytes` of UTF-8 at a character boundary; "upload" when nothing is left.
    """
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    text = re.sub(r"\s+", "_", _UNSAFE.sub("_", text))
    text = re.sub(r"_{2,}", "_", text).strip("._ ")
    if _WINDOWS_RESERVED.match(text):
        text = "_" + text
    encoded = text.encode("utf-8")[:max_bytes]
    return encoded.decode("utf-8", errors="ignore").rstrip("._ ") or "upload"


def _base_name(name: str) -> str:
    """The last component of a path written with / or \\ (drive letters included)."""
    return re.split(r"[/\\]", name.replace("\x00", ""))[-1].split(":")[-1]


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name, repaired when a Windows zip stored GBK bytes without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unzip(name: str, data: bytes, max_file: int, max_total: int
           ) -> Iterator[tuple[str, bytes] | UploadResult]:
    """Members of an uploaded zip as (name, bytes), or UploadResults for refused ones."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield UploadResult(name, "rejected", f"not a readable zip archive: {exc}", size=len(data))
        return
    if len(members) > ZIP_MAX_MEMBERS:
        yield UploadResult(name, "rejected", f"zip has {len(members)} files; at most {ZIP_MAX_MEMBERS}",
                           size=len(data))
        return
    declared = sum(i.file_size for i in members)
    if declared > max_total:
        yield UploadResult(name, "rejected", f"zip unpacks to {_mib(declared)}; {_mib(max_total)} left "
                           "of the upload limit", size=len(data))
        return
    unpacked = 0
    for info in members:
        member = f"{name}/{_zip_member_name(info)}"
        suffix = Path(_base_name(member)).suffix.lower()
        refusal = None
        if suffix in (".zip", ".gz", ".7z", ".rar", ".tar", ".bz2", ".xz"):
            refusal = "nested archive: unpack it first"
        elif suffix != ".txt":
            refusal = f"type {suffix or '(none)'} not allowed: only .txt pages"
        elif info.flag_bits & 0x1:
            refusal = "encrypted member"
        elif info.file_size > max_file:
            refusal = f"too big: {_mib(info.file_size)}; the limit per file is {_mib(max_file)}"
        elif info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            refusal = (f"compressed {info.file_size // max(info.compress_size, 1)}:1, "
                       f"more than {ZIP_MAX_RATIO}:1 (zip bomb?)")
        if refusal:
            yield UploadResult(member, "rejected", refusal, size=info.file_size)
            continue
        try:
            with archive.open(info) as stream:
                content = stream.read(min(max_file, max_total - unpacked) + 1)  # sizes in headers can lie
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
            yield UploadResult(member, "rejected", f"cannot unpack: {exc}", size=info.file_size)
            continue
        unpacked += len(content)
        if len(content) > info.file_size or unpacked > max_total:
            yield UploadResult(member, "rejected", "unpacks to more than its header says (zip bomb?)",
                               size=len(content))
            return
        yield member, content


def _known_hashes(dest: Path) -> dict[str, str]:
    """sha256 prefix (12 hex) -> stored name for files already in the uploads folder."""
    known = {}
    if dest.is_dir():
        for path in dest.iterdir():
            match = re.match(r"([0-9a-f]{12})_", path.name)
            if match and path.is_file():
                known[match.group(1)] = path.name
    return known


def _corpus_copy(raw: Path, dest: Path, size: int, sha256: str) -> str | None:
    """The raw-folder file (outside uploads) with the same bytes, found by size then hash."""
    if not raw.is_dir():
        return None
    for path in list_sources(raw):
        if dest in path.parents or path.stat().st_size != size:
            continue
        if file_sha256(path) == sha256:
            return path.relative_to(raw).as_posix()
    return None


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".upload.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_uploads(files: Iterable[tuple[str, bytes]], dest: Path | None = None) -> list[UploadResult]:
    """Check and store uploaded files; one result per file (and per zip member).

    Args:
        files: (name as uploaded, content) pairs, e.g. from st.file_uploader.
        dest: the uploads folder; `civic.config.uploads_dir()` when None. Its parent is
            taken as the raw folder for finding copies already in the corpus.

    Returns:
        Results in upload order; nothing is written for a rejected or duplicate file.
    """
    dest = (dest or config.uploads_dir()).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    max_file, max_total = config.upload_max_bytes(), config.upload_total_bytes()
    known = _known_hashes(dest)
    results: list[UploadResult] = []
    total = 0  # bytes taken by this upload so far (a zip counts what it unpacks to)
    for name, data in files:
        suffix = Path(_base_name(name)).suffix.lower()
        if len(data) > max_file:
            results.append(UploadResult(name, "rejected", f"too big: {_mib(len(data))}; the limit per file "
                                        f"is {_mib(max_file)}", size=len(data)))
        elif total + len(data) > max_total:
            results.append(UploadResult(name, "rejected", f"upload over {_mib(max_total)} in total; "
                                        "upload the rest separately", size=len(data)))
        elif suffix == ".zip":
            for item in _unzip(name, data, max_file, max_total - total):
                if isinstance(item, UploadResult):
                    results.append(item)
                else:
                    total += len(item[1])
                    results.append(_save_one(*item, dest, known))
        elif suffix != ".txt":
            results.append(UploadResult(name, "rejected", f"type {suffix or '(none)'} not allowed: "
                                        "upload .txt pages or a .zip of them", size=len(data)))
        else:
            total += len(data)
            results.append(_save_one(name, data, dest, known))
    return results


def _save_one(name: str, data: bytes, dest: Path, known: dict[str, str]) -> UploadResult:
    source = decode_bytes(data, name)
    if source.problem or source.warning:
        reason = (source.problem or source.warning).removeprefix(f"{name}: ")
        return UploadResult(name, "rejected", reason, size=len(data))
    prefix = source.sha256[:12]
    if prefix in known:
        return UploadResult(name, "duplicate", f"same content as {known[prefix]}, already uploaded",
                            known[prefix], source.encoding, len(data))
    copy = _corpus_copy(dest.parent, dest, len(data), source.sha256)
    if copy:
        return UploadResult(name, "duplicate", f"same content as {copy}, already in the corpus",
                            copy, source.encoding, len(data))
    stem = safe_stem(Path(_base_name(name)).stem)
    stored = f"{prefix}_{stem}.txt"
    target = dest / stored
    if target.parent != dest:  # cannot happen after safe_stem; a last guard all the same
        return UploadResult(name, "rejected", "unsafe file name", size=len(data))
    _write_atomic(target, data)
    known[prefix] = stored
    return UploadResult(name, "saved", f"saved as {source.encoding}", stored, source.encoding, len(data))
