"""The gold standard is well-formed, the scorer computes P/R/F1 right, and the parser's scores."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
GOLD_DIR = ROOT / "tests" / "fixtures" / "gold"
THEMES = {"sanitation", "demolition", "parking", "street_order", "publicity", "volunteer", "party", "air",
          "services", "epidemic", "education", "culture", "women_children", "governance", "employment",
          "infrastructure"}
LEVELS = {"street", "community", "district", "city", "province"}
ROLES = {"reporter", "correspondent", "photographer"}
NON_ARTICLE_KINDS = {"page_heading", "section_heading", "intro", "slogan", "photo_label", "caption"}
ARTICLE_KEYS = {"title", "kicker", "body_start", "is_caption", "date", "street", "district", "city", "province",
                "places", "people", "metrics", "themes", "repeats"}
DATE = re.compile(r"(\d{4}|-)-\d{2}-\d{2}")


def _load_accuracy():
    spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "bench" / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


accuracy = _load_accuracy()
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))


def _flat(text: str) -> str:
    """Page text with all whitespace removed, so spans broken across lines still match."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _page(gold: dict) -> str:
    return _flat((RAW / gold["source"]).read_text(encoding="utf-8"))


# --- the gold files ------------------------------------------------------------------------


def test_every_raw_page_has_gold():
    pages = {p.name for p in RAW.glob("*.txt")}
    assert {json.loads(p.read_text(encoding="utf-8"))["source"] for p in GOLD_FILES} <= pages
    assert GOLD_FILES, "no gold files"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_page_schema(path):
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert gold["source"] == path.with_suffix(".txt").name
    assert gold["paper_city"] and isinstance(gold["year"], int)
    assert {n["kind"] for n in gold["non_articles"]} <= NON_ARTICLE_KINDS
    assert all(set(n) <= {"kind", "text", "note"} for n in gold["non_articles"])
    assert gold["articles"]
    for a in gold["articles"]:
        where = f"{path.name}: {a.get('title') or a.get('body_start')}"
        assert ARTICLE_KEYS <= set(a) <= ARTICLE_KEYS | {"notes"}, where
        assert isinstance(a["is_caption"], bool), where
        assert a["title"] or a["is_caption"], f"{where}: only captions may lack a title"
        assert 8 <= len(a["body_start"]) <= 30, where
        assert a["date"] == "" or DATE.fullmatch(a["date"]), where
        assert a["city"] and a["province"], where
        assert not a["street"].endswith("办事处"), f"{where}: write X办事处 as X街道"
        assert {p["level"] for p in a["places"]} <= LEVELS, where
        assert {p["role"] for p in a["people"]} <= ROLES, where
        assert set(a["themes"]) <= THEMES, where
        for key in ("places", "people"):
            items = [tuple(sorted(x.items())) for x in a[key]]
            assert len(items) == len(set(items)), f"{where}: duplicate {key}"
        assert len(a["themes"]) == len(set(a["themes"])), where
        for level in ("street", "district", "city", "province"):
            named = [p["name"] for p in a["places"] if p["level"] == level]
            if a[level]:
                assert a[level] in named, f"{where}: {level} {a[level]} missing from places"
        for m in a["metrics"]:
            assert {"span", "value", "unit", "approx", "what"} <= set(m) <= {"span", "value", "unit", "approx",
                                                                            "what", "pieces"}, where
            assert isinstance(m["value"], int | float) and isinstance(m["approx"], bool), where
            assert m["unit"] and m["what"] and m["unit"] in m["span"], f"{where}: {m}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_text_occurs_in_page(path):
    gold = json.loads(path.read_text(encoding="utf-8"))
    page = _page(gold)
    for a in gold["articles"]:
        assert _flat(a["body_start"]) in page, a["body_start"]
        assert all(_flat(r) in page for r in a["repeats"]), a["repeats"]
        for m in a["metrics"]:  # a span broken by the layout is checked piece by piece
            assert all(_flat(piece) in page for piece in m.get("pieces", [m["span"]])), m["span"]
        for p in a["people"]:
            assert p["name"] in page, p["name"]
    for n in gold["non_articles"]:
        assert _flat(n["text"]) in page, n["text"]


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_articles_are_in_page_order(path):
    gold = json.loads(path.read_text(encoding="utf-8"))
    page = _page(gold)
    starts = [page.find(_flat(a["body_start"])) for a in gold["articles"]]
    assert starts == sorted(starts)


# --- the scorer on a tiny hand-computed case -----------------------------------------------


def _article(title: str, body: str, *, date: str = "", street: str = "", places=(), people=(), themes=(),
             metrics=()):
    return accuracy.Article(
        source="p.txt", title=title, body=body,
        scalars={"title": title, "is_caption": False, "date": date, "street": street, "district": "二七区",
                 "city": "郑州市", "province": "河南省"},
        places=Counter(places), people=Counter(people), themes=Counter(themes),
        metrics=[{"value": v, "unit": u, "approx": a, "what": w, "span": s} for v, u, a, w, s in metrics],
        label=title)


GOLD = {"p.txt": [
    _article("解放路街道 开展全城清洁", "11月22日上午,解放路街道结合主题教育", date="2019-11-22", street="解放路街道",
             places=[("street", "解放路街道"), ("district", "二七区")], people=[("reporter", "景静")],
             themes=["sanitation", "volunteer"],
             metrics=[(50, "人", True, "党员", "50余人"), (3, "处", False, "违建", "3处")]),
    _article("福华街街道 拆除违章建筑", "11月19日上午,福华街街道七一三社区", date="2019-11-19", street="福华街街道",
             places=[("street", "福华街街道")], people=[("reporter", "景静"), ("correspondent", "杜威")],
             themes=["demolition"], metrics=[(3, "处", False, "违建", "3处")]),
    _article("人和路街道 因地制宜", "近段时间,人和路街道多次召开创文", street="人和路街道",
             places=[("street", "人和路街道")], themes=["publicity"]),
]}
PRED = {"p.txt": [
    _article("创文整治 如火如荼", "创文整治 如火如荼 创文动真格"),  # a heading taken for an article
    _article("解放路街道开展全城清洁", "本报讯 11月22日上午,解放路街道结合主题教育活动", date="2019-11-22",
             street="解放路街道", places=[("street", "解放路街道"), ("district", "二七区"), ("city", "郑州市")],
             people=[("reporter", "景静"), ("photographer", "景静")], themes=["sanitation", "party"],
             metrics=[(50, "人", False, "党员", "50余人"), (22, "日", False, "上午", "22日")]),
    _article("福华街街道 拆除违章建筑", "11月19日上午,福华街街道七一三社区", date="2019-11-20", street="",
             places=[("street", "福华街街道")], people=[("reporter", "景静"), ("correspondent", "杜威")],
             themes=["demolition"], metrics=[(3, "处", False, "拆除", "3处"), (713, "社区", False, "", "七一三")]),
]}


def test_scorer_hand_computed():
    report = accuracy.compare(GOLD, PRED)
    prf = report.prf
    # articles: 2 of 3 gold found, 2 of 3 predictions right
    assert prf["articles"] == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    # title: pair 1 equal after whitespace removal, pair 2 equal -> 2/2
    assert prf["title"] == pytest.approx((1, 1, 1))
    # date: both predicted and gold non-empty in 2 pairs, one right
    assert prf["date"] == pytest.approx((0.5, 0.5, 0.5))
    # street: predicted 1 (right), gold 2 -> P 1, R 1/2, F1 2/3
    assert prf["street"] == pytest.approx((1, 0.5, 2 / 3))
    # places: TP 2+1, predicted 3+1 (+0 from the heading), gold 2+1+1 (unaligned 人和路) -> 3/4, 3/4
    assert prf["places"] == pytest.approx((0.75, 0.75, 0.75))
    # people: TP 1+2, predicted 2+2, gold 1+2 -> P 3/4, R 1, F1 6/7
    assert prf["people"] == pytest.approx((0.75, 1, 6 / 7))
    # themes: TP 1+1, predicted 2+1, gold 2+1+1 -> P 2/3, R 1/2, F1 4/7
    assert prf["themes"] == pytest.approx((2 / 3, 0.5, 4 / 7))
    # metrics: TP 1 (50人) + 1 (3处), predicted 2+2, gold 2+1 -> P 1/2, R 2/3, F1 4/7
    assert prf["metrics"] == pytest.approx((0.5, 2 / 3, 4 / 7))
    assert prf["is_caption"] == (1.0, 1.0, 1.0)  # no caption anywhere: nothing to find, nothing wrong
    assert report.accuracy["metrics_what"] == (1, 2)  # 党员 right, 拆除 for 违建 wrong
    assert report.accuracy["metrics_approx"] == (1, 2)  # 50余人 predicted exact
    assert any("missed article 人和路街道" in e for e in report.errors)


def test_counts_conventions():
    assert accuracy.Counts(0, 0, 0).prf() == (1.0, 1.0, 1.0)
    assert accuracy.Counts(0, 0, 4).prf() == (1.0, 0.0, 0.0)
    assert accuracy.Counts(0, 3, 0).prf() == (0.0, 1.0, 0.0)
    assert accuracy.Counts(3, 4, 6).prf() == pytest.approx((0.75, 0.5, 0.6))


def test_alignment_is_one_to_one_and_needs_similarity():
    gold = GOLD["p.txt"]
    twice = [PRED["p.txt"][1], PRED["p.txt"][1]]
    assert accuracy.align(gold, twice) == [(0, 0)]
    assert accuracy.align(gold, [PRED["p.txt"][0]]) == []


def test_match_metrics_prefers_same_what():
    gold = [{"value": 4.0, "unit": "处", "approx": False, "what": "停放处", "span": "4处"},
            {"value": 4.0, "unit": "处", "approx": False, "what": "违建", "span": "4处"}]
    pred = [{"value": 4.0, "unit": "处", "approx": False, "what": "违建", "span": "4处"}]
    assert accuracy.match_metrics(gold, pred) == [(gold[1], pred[0])]


# --- the current parser against the gold -----------------------------------------------------


@pytest.fixture(scope="module")
def parser_scores(tmp_path_factory):
    out = tmp_path_factory.mktemp("tables")
    accuracy.build_tables(RAW, out)
    return accuracy.score(out)


def test_scorer_runs_on_built_tables(parser_scores):
    assert set(parser_scores) == set(accuracy.FIELDS)
    assert all(0 <= x <= 1 for prf in parser_scores.values() for x in prf)


@pytest.mark.parametrize("field", accuracy.FIELDS)
def test_parser_reaches_f1(parser_scores, field):
    p, r, f1 = parser_scores[field]
    assert f1 >= 0.95, f"{field}: P {p:.3f} R {r:.3f} F1 {f1:.3f}"
