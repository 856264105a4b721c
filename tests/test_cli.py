"""The CLI through its entry point: exit codes and what it prints."""

from pathlib import Path

from civic.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_build_then_info(tmp_path, capsys):
    assert main(["build", "--raw", str(ROOT / "data" / "raw"), "--out", str(tmp_path)]) == 0
    assert "5 files" in capsys.readouterr().out
    assert main(["info", "--out", str(tmp_path)]) == 0
    assert "articles" in capsys.readouterr().out


def test_build_missing_raw_is_usage_error(tmp_path, capsys):
    assert main(["build", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "raw folder not found" in capsys.readouterr().err


def test_unknown_command_is_usage_error():
    assert main(["frobnicate"]) == 2


def test_info_without_build(tmp_path, capsys):
    assert main(["info", "--out", str(tmp_path)]) == 1
    assert "nothing built" in capsys.readouterr().err
