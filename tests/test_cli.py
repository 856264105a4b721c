"""The CLI through its entry point: exit codes and what it prints."""

import gc
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest

from civic import store
from civic.cli import main
from civic.lock import build_lock
from civic.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", folder)
    return folder


def test_build_then_info(raw, tmp_path, capsys):
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "5 files" in captured.out and "5/5" in captured.err
    assert main(["info", "--out", str(tmp_path / "out")]) == 0
    info = capsys.readouterr().out
    assert "build_report                            5 rows" in info
    assert "rollup_street_month" in info


def test_build_leaves_the_garbage_collector_as_it_found_it(raw, tmp_path, capsys):
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert (gc.get_threshold(), gc.get_freeze_count()) == (thresholds, frozen)


def test_rebuild_parses_nothing_new_and_full_parses_all(raw, tmp_path, capsys):
    out = str(tmp_path / "out")
    main(["build", "--raw", str(raw), "--out", out, "--workers", "1"])
    capsys.readouterr()
    assert main(["build", "--raw", str(raw), "--out", out, "--workers", "1"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["build", "--raw", str(raw), "--out", out, "--workers", "1", "--full"]) == 0
    assert "5/5" in capsys.readouterr().err


def test_a_file_that_fails_exits_1_and_the_others_are_written(raw, tmp_path, capsys):
    (raw / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    captured = capsys.readouterr()
    assert "6 files" in captured.out and "error 1" in captured.out
    assert "error: scan.txt: " in captured.err and "scan.txt: scan.txt" not in captured.err


def test_bad_manifest_rows_are_warned_about_and_not_fatal(raw, tmp_path, capsys):
    with (raw / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("missing_page.txt,郑州市,2019,\n")
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert "warning: manifest.csv: missing_page.txt is listed but not in the raw folder" in capsys.readouterr().err


def test_export_writes_every_table_into_out_csv_by_default(raw, tmp_path, capsys):
    out = tmp_path / "out"
    main(["build", "--raw", str(raw), "--out", str(out), "--workers", "1"])
    capsys.readouterr()
    assert main(["export", "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "csv").iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    articles = pd.read_csv(out / "csv" / "articles.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(articles) == len(store.read_table("articles", out))
    assert f"{out / 'csv' / 'build_report.csv'}  5 rows" in capsys.readouterr().out


def test_export_some_tables_to_a_folder(raw, tmp_path, capsys):
    out = tmp_path / "out"
    main(["build", "--raw", str(raw), "--out", str(out), "--workers", "1"])
    assert main(["export", "--out", str(out), "--to", str(tmp_path / "csv"), "--tables", "metrics, people"]) == 0
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["metrics.csv", "people.csv"]


@pytest.mark.parametrize(("argv", "message"), [
    (["build", "--raw", "{tmp}/nope"], "raw folder not found"),
    (["build", "--engine", "spark"], "invalid choice: 'spark'"),
    (["build", "--workers", "0"], "expected a whole number of at least 1, got '0'"),
    (["build", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["export", "--tables", "articles,article"], "unknown table article; tables are: articles, places"),
])
def test_usage_errors_exit_2(argv, message, tmp_path, capsys):
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("command", ["info", "export"])
def test_nothing_built(command, tmp_path, capsys):
    assert main([command, "--out", str(tmp_path)]) == 1
    assert "nothing built" in capsys.readouterr().err


def test_build_waits_for_a_running_build(raw, tmp_path, capsys):
    out = tmp_path / "out"
    held, release = threading.Event(), threading.Event()

    def other_build() -> None:
        with build_lock(out):
            held.set()
            release.wait(10)

    other = threading.Thread(target=other_build)
    other.start()
    held.wait(10)
    threading.Timer(0.5, release.set).start()
    assert main(["build", "--raw", str(raw), "--out", str(out), "--workers", "1"]) == 0
    other.join()
    assert "waiting for the build running into" in capsys.readouterr().err
