"""civic.store.connect: a connection held across builds reads each committed build, footers cached or not."""

import os

from civic import store


def _build(out, titles: list[str], mtime_ns: int | None = None) -> None:
    """Commit a generation whose articles part 00 holds one article per title."""
    gen = store.new_generation(out)
    rows = [{"article_id": f"a{i}", "source": "2019-11-25.txt", "title": title} for i, title in enumerate(titles)]
    store.write_part(gen, "articles", 0, store.arrow("articles", rows))
    if mtime_ns is not None:  # the new part claims the old one's modification time
        os.utime(store.part_path(gen, "articles", 0), ns=(mtime_ns, mtime_ns))
    store.commit(out, gen)


def test_a_held_connection_reads_the_new_build_under_the_same_path(tmp_path):
    _build(tmp_path, ["创文动真格", "整治出成果"])
    con = store.connect(tmp_path)
    assert con.execute("SELECT current_setting('parquet_metadata_cache')").fetchone() == (True,)
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (2,)
    old = store.part_path(store.current(tmp_path), "articles", 0).stat().st_mtime_ns
    _build(tmp_path, ["志愿者清扫街巷", "背街小巷改造", "文明劝导"], mtime_ns=old)
    assert sorted(r[0] for r in con.execute("SELECT title FROM articles").fetchall()) == [
        "志愿者清扫街巷", "文明劝导", "背街小巷改造"]
    _build(tmp_path, ["创文动真格", "整治出成果"])
    assert con.execute("SELECT count(*), min(title) FROM articles").fetchone() == (2, "创文动真格")
