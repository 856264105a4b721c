"""Rollups, computed at once or updated by a change of some buckets, equal the aggregates over the whole tables."""

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from civic import store
from civic.rollups import ITEM_UNITS, PEOPLE_UNITS, ROLLUPS, TOP_TERMS, build_rollups

ROOT = Path(__file__).resolve().parent.parent

_ARTICLES = """(SELECT a.* EXCLUDE (themes), coalesce(t.themes, []::VARCHAR[]) AS themes FROM articles a
                 LEFT JOIN (SELECT article_id, list_sort(list(DISTINCT theme)) AS themes FROM themes GROUP BY 1) t
                 USING (article_id))"""
_PLACE = "province, city, district, street, month, themes"
_COUNTED = ", ".join(f"'{u}'" for u in PEOPLE_UNITS + ITEM_UNITS)
DIRECT = {
    "street_{level}": f"""SELECT {_PLACE}{{date}}, count(*), count(*) FILTER (WHERE is_caption),
                          count(*) FILTER (WHERE date <> ''),
                          count(*) FILTER (WHERE article_id IN (SELECT article_id FROM metrics)),
                          count(*) FILTER (WHERE article_id IN (SELECT article_id FROM people)),
                          count(*) FILTER (WHERE article_id IN (SELECT article_id FROM metrics
                                                                WHERE unit IN ({_COUNTED}))),
                          min(date) FILTER (WHERE date LIKE '____-__-__'),
                          max(date) FILTER (WHERE date LIKE '____-__-__')
                          FROM {_ARTICLES} GROUP BY ALL""",
    "street_{level}_metric": f"""SELECT {_PLACE}{{date}}, what, unit, count(*), sum(value), bool_or(approx),
                                 count(DISTINCT article_id)
                                 FROM metrics JOIN {_ARTICLES} USING (article_id) GROUP BY ALL""",
    "street_{level}_terms": f"""SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {_PLACE}{{date}}
                                ORDER BY c DESC, term) AS r FROM (SELECT {_PLACE}{{date}}, term, sum(count) AS c,
                                count(DISTINCT article_id) FROM terms JOIN {_ARTICLES} USING (article_id)
                                GROUP BY ALL)) WHERE r <= {TOP_TERMS}""",
}
"""Each rollup computed over the whole tables at once, month level (`{date}` empty) and day level."""


def _direct(name: str) -> str:
    level = "day" if name.startswith("street_day") else "month"
    sql = DIRECT[name.replace(level, "{level}", 1)].replace("{date}", ", date" if level == "day" else "")
    if name == "street_day_terms":  # every term: no rank, no cut
        sql = sql.replace("SELECT * FROM", "SELECT * EXCLUDE (r) FROM").replace(f"WHERE r <= {TOP_TERMS}", "")
    return sql


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from civic.pipeline import build

    out = tmp_path_factory.mktemp("rollups")
    build(ROOT / "data" / "raw", out, workers=1)
    return out


@pytest.mark.parametrize("name", list(ROLLUPS))
def test_rollup_equals_the_aggregate_over_whole_tables(built, name):
    con = store.connect(built)
    columns = ", ".join(ROLLUPS[name][1])
    rolled = sorted(con.execute(f"SELECT {columns} FROM rollup_{name}").fetchall())
    direct = sorted(con.execute(_direct(name)).fetchall())
    assert rolled == [tuple(row) for row in direct]
    assert rolled


_PART_ORDER = ("month", "province", "city", "district", "street", "themes", "date", "what", "unit", "term")


@pytest.mark.parametrize("name", list(ROLLUPS))
def test_rollup_parts_are_sorted_month_first(built, name):
    """Rows of a part come month first (a month filter skips row groups), then place, theme set, date and the
    family's keys: the fresh computation writes rows sorted without their keys and looks the keys up in order."""
    order = [c for c in _PART_ORDER if c in ROLLUPS[name][1]]
    for part in (store.current(built) / "rollups" / f"{name}.parquet").glob("part-*.parquet"):
        rows = [tuple(row[c] for c in order) for row in pq.read_table(part).to_pylist()]
        assert rows == sorted(rows), part.name


@pytest.mark.parametrize("stamp, reused", [(None, True), ("rollups of older code", False)])
def test_parts_are_reused_only_from_rollups_of_the_same_code(built, tmp_path, stamp, reused):
    previous, gen = tmp_path / "previous", tmp_path / "gen"
    shutil.copytree(store.current(built), previous, copy_function=os.link)
    for table in (p for p in previous.glob("*.parquet") if p.is_dir()):
        shutil.copytree(table, gen / table.name, copy_function=os.link)
    stamp_file = previous / "rollups" / "state" / "FINGERPRINT"
    if stamp is not None:
        stamp_file.unlink()
        stamp_file.write_text(stamp, encoding="utf-8")
    build_rollups(gen, previous)
    part = next((previous / "rollups" / "state" / "street_day").glob("part-*.parquet"))
    linked = (gen / "rollups" / "state" / "street_day" / part.name).stat().st_ino == part.stat().st_ino
    assert linked == reused
    for name in ROLLUPS:
        assert _rows(gen, name) == _rows(previous, name), name


@pytest.mark.parametrize("kept, moved", [(0.5, False), (0.0, False), (1.0, True), (0.5, True)])
def test_a_change_of_some_buckets_updates_the_rollups_as_a_fresh_computation_would(built, tmp_path, kept, moved):
    """Half or all of the articles of every other bucket dropped (with their rows in every table) from a
    generation, or moved to another street with one more use of each term: its rollups updated from the
    previous generation's equal those computed from nothing."""
    previous, gen, fresh = tmp_path / "previous", tmp_path / "gen", tmp_path / "fresh"
    shutil.copytree(store.current(built), previous, copy_function=os.link)
    buckets = sorted(p.name for p in (previous / "articles.parquet").glob("part-*.parquet"))[::2]
    for target in (gen, fresh):
        for table in (p for p in previous.glob("*.parquet") if p.is_dir()):
            shutil.copytree(table, target / table.name, copy_function=os.link)
            for bucket in buckets:
                rows = pq.read_table(table / bucket)
                ids = pq.read_table(previous / "articles.parquet" / bucket, columns=["article_id"])["article_id"]
                keep = ids.to_pylist()[:int(len(ids) * kept)]
                (target / table.name / bucket).unlink()
                if "article_id" in rows.column_names:
                    rows = rows.filter(pc.is_in(rows["article_id"], pa.array(keep, rows["article_id"].type)))
                if moved and table.name == "articles.parquet":
                    rows = rows.set_column(rows.column_names.index("street"), "street",
                                           pa.array(["新建街道"] * len(rows), rows["street"].type))
                if moved and table.name == "terms.parquet":
                    rows = rows.set_column(rows.column_names.index("count"), "count",
                                           pc.add(rows["count"], pa.scalar(1, rows["count"].type)))
                pq.write_table(rows, target / table.name / bucket)
    build_rollups(gen, previous)
    build_rollups(fresh)
    for name in ROLLUPS:
        assert _rows(gen, name) == _rows(fresh, name), name
    assert _rows(gen, "street_day") != _rows(previous, "street_day")


def _rows(gen: Path, name: str) -> list[tuple]:
    """Rows of a merged rollup of generation `gen`, as text, in order."""
    return sorted(tuple(map(str, row.values())) for row in pq.read_table(gen / "rollups" / f"{name}.parquet")
                  .to_pylist())
