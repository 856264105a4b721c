"""civic.config.cached: derived resources kept on disk, made again when what they come from changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from civic import config


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CIVIC_CACHE", str(folder))
    return folder


class Builder:
    """A build function that counts its calls."""

    def __init__(self, data: bytes) -> None:
        self.data, self.calls = data, 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.data


def test_cache_dir_follows_the_environment(cache):
    assert config.cache_dir() == cache.resolve()


def test_bytes_are_made_once_per_key(cache):
    build = Builder(b"street names")
    assert config.cached("names", [b"file v1"], build, bytes.decode) == "street names"
    assert config.cached("names", [b"file v1"], build, bytes.decode) == "street names"
    assert build.calls == 1
    assert [p.name[:6] for p in cache.glob("*.bin")] == ["names-"]


def test_a_changed_input_makes_them_again_and_drops_the_old_file(cache):
    config.cached("names", [b"file v1"], Builder(b"old"), bytes.decode)
    build = Builder(b"new")
    assert config.cached("names", [b"file v2"], build, bytes.decode) == "new"
    assert build.calls == 1
    assert len(list(cache.glob("names-*.bin"))) == 1
    # inputs are length-prefixed: moving bytes from one input to the next is a change too
    assert config.cached("names", [b"file ", b"v2"], Builder(b"split"), bytes.decode) == "split"


def test_other_names_are_kept_apart(cache):
    config.cached("names", [b"x"], Builder(b"names"), bytes.decode)
    assert config.cached("tags", [b"x"], Builder(b"tags"), bytes.decode) == "tags"
    assert config.cached("names", [b"x"], Builder(b"unused"), bytes.decode) == "names"


def test_a_file_the_loader_rejects_is_made_again(cache):
    config.cached("numbers", [b"x"], Builder(b"12"), int)
    (path,) = cache.glob("numbers-*.bin")
    path.write_bytes(b"not a number")
    build = Builder(b"34")
    assert config.cached("numbers", [b"x"], build, int) == 34
    assert build.calls == 1 and path.read_bytes() == b"34"


def test_an_unwritable_cache_only_costs_a_rebuild(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CIVIC_CACHE", str(blocker / "cache"))
    build = Builder(b"made")
    assert config.cached("names", [b"x"], build, bytes.decode) == "made"
    assert config.cached("names", [b"x"], build, bytes.decode) == "made"
    assert build.calls == 2


def test_build_errors_propagate_and_nothing_is_cached(cache):
    def broken() -> bytes:
        raise ValueError("gazetteer_streets.tsv:3: bad line")

    with pytest.raises(ValueError, match="gazetteer_streets.tsv:3"):
        config.cached("names", [b"x"], broken, bytes.decode)
    assert not list(cache.glob("*.bin"))
