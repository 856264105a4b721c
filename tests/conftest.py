"""Shared fixtures: a realistic synthetic corpus of built tables, and the sample corpus built for real.

The synthetic corpus has 300 articles over 3 cities, 6 districts, 20 streets (one homonym, 南关街道
in two districts) and 18 months (2019-01 .. 2020-06), with every table filled consistently with
`civic.schema`: metric and place offsets point into `articles.text`, terms occur in the text, and
one article carries `<script>` and a Markdown link to check that text is shown literally.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from civic import store

ROOT = Path(__file__).resolve().parent.parent

GEOGRAPHY = {
    ("河南省", "郑州市", "金水区"): ("人和路街道", "经八路街道", "杜岭街道", "丰产路街道"),
    ("河南省", "郑州市", "管城回族区"): ("北下街街道", "南关街道", "紫荆山南路街道"),
    ("吉林省", "辽源市", "龙山区"): ("向阳街道", "东吉街道", "北寿街道"),
    ("吉林省", "辽源市", "西安区"): ("仙城街道", "先锋街道", "东山街道"),
    ("河南省", "洛阳市", "西工区"): ("王城路街道", "金谷园街道", "唐宫路街道"),
    ("河南省", "洛阳市", "老城区"): ("西关街道", "东南隅街道", "南关街道", "邙山镇"),
}
MONTHS = [f"{y}-{m:02d}" for y in (2019, 2020) for m in range(1, 13)][:18]
THEMES = {
    "sanitation": "清理卫生死角", "demolition": "拆除违建", "parking": "整治乱停乱放",
    "volunteer": "志愿服务", "publicity": "宣传文明城市", "party": "党员先锋",
}
DISTRICT_WORDS = {
    "金水区": "背街小巷", "管城回族区": "老旧楼院", "龙山区": "创城攻坚",
    "西安区": "网格员", "西工区": "文明劝导", "老城区": "古城风貌",
}
COUNTED = {
    "sanitation": "卫生死角", "demolition": "违建", "parking": "车辆",
    "volunteer": "服务点", "publicity": "宣传点", "party": "党员岗",
}
REPORTERS = ("景静", "梁月琳", "王恩俊", "徐贝贝")
HOSTILE_TEXT = "居民留言<script>alert(1)</script>并附链接[点此](http://example.com)，均已处理。"


def _article(rng: random.Random, i: int) -> dict[str, list[dict]]:
    (province, city, district), streets = rng.choice(list(GEOGRAPHY.items()))
    street = rng.choice(streets) if i % 20 else ""
    month = MONTHS[i % len(MONTHS)]
    day = 1 + (i * 7) % 28
    if i % 25 == 3:
        date, month = "", ""
    elif i % 10 == 4:
        date = f"--{month[5:]}-{day:02d}"
    else:
        date = f"{month}-{day:02d}"
    themes = rng.sample(sorted(THEMES), k=1 + i % 2)
    volunteers, sites, leaflets = 20 + (i * 13) % 180, 5 + (i * 7) % 40, 100 * (1 + i % 9)
    approx = "余" if i % 3 == 0 else ""
    lead = f"{int(month[5:]) if month else 3}月{day}日，{street or district}"
    text = (f"{lead}组织志愿者{volunteers}{approx}人开展{THEMES[themes[0]]}行动。"
            f"共{THEMES[themes[-1]]}{sites}处，发放宣传册{leaflets}份，整改率90%。"
            f"{DISTRICT_WORDS[district]}面貌焕然一新。" + (HOSTILE_TEXT if i == 7 else ""))
    aid = f"syn{i:04d}"
    spans = [(f"{volunteers}{approx}人", volunteers, "人", bool(approx), "志愿者"),
             (f"{sites}处", sites, "处", False, COUNTED[themes[-1]]),
             (f"{leaflets}份", leaflets, "份", False, "宣传册"),
             ("90%", 90, "%", False, "整改率")]
    metrics = []
    for span, value, unit, is_approx, what in spans:
        start = text.index(span, text.index("，") if unit != "人" else 0)
        sentence_start = text.rfind("。", 0, start) + 1
        metrics.append({"article_id": aid, "value": float(value), "unit": unit, "approx": is_approx,
                        "what": what, "span": span, "sentence": text[sentence_start:text.index("。", start) + 1],
                        "start": start, "end": start + len(span)})
    places = [{"article_id": aid, "level": level, "name": name, "surface": name, "start": None,
               "end": None, "code": ""} for level, name in
              (("district", district), ("city", city), ("province", province))]
    if street:
        start = text.index(street)
        places.append({"article_id": aid, "level": "street", "name": street, "surface": street,
                       "start": start, "end": start + len(street), "code": ""})
    words = [THEMES[t] for t in themes] + ["志愿者", "宣传册", DISTRICT_WORDS[district]]
    terms = [{"article_id": aid, "term": w, "count": text.count(w)} for w in dict.fromkeys(words)]
    source = f"{month or '2019-03'}-01_{city}日报.txt"
    return {
        "articles": [{"article_id": aid, "source": source, "seq": i % 7 + 1, "title": f"{street or district}"
                      f"{THEMES[themes[0]]}见实效（{i}）", "text": text, "date": date,
                      "year": int(month[:4]) if month else None, "month": month, "street": street,
                      "district": district, "city": city, "province": province, "is_caption": i % 11 == 0,
                      "paper_city": city, "src_start": 0, "src_end": len(text),
                      "themes": ",".join(sorted(set(themes)))}],
        "places": places,
        "people": [{"article_id": aid, "role": "reporter", "name": REPORTERS[i % len(REPORTERS)]}],
        "metrics": metrics,
        "themes": [{"article_id": aid, "theme": t, "keywords": THEMES[t]} for t in themes],
        "terms": terms,
    }


def synthetic_frames(n: int = 300, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Every output table of a synthetic corpus of `n` articles (deterministic for a seed)."""
    rng = random.Random(seed)
    rows: dict[str, list[dict]] = {name: [] for name in ("articles", "places", "people", "metrics", "themes",
                                                         "terms")}
    for i in range(n):
        for name, table_rows in _article(rng, i).items():
            rows[name] += table_rows
    frames = {name: store.frame(name, table_rows) for name, table_rows in rows.items()}
    per_source = frames["articles"].groupby("source").agg(articles=("article_id", "size"),
                                                         chars=("text", lambda s: int(s.str.len().sum())))
    frames["build_report"] = store.frame("build_report", [
        {"source": source, "status": "warning" if k == 0 else "ok", "encoding": "gb18030" if k % 2 else "utf-8",
         "articles": int(row.articles), "chars_in": int(row.chars) + 40, "chars_in_articles": int(row.chars),
         "message": "2 section headings skipped" if k == 0 else ""}
        for k, (source, row) in enumerate(per_source.iterrows())])
    return frames


@pytest.fixture(scope="session")
def synthetic() -> dict[str, pd.DataFrame]:
    """The synthetic tables as DataFrames (the truth the app's figures are checked against)."""
    return synthetic_frames()


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory, synthetic) -> Path:
    """A processed folder holding the synthetic tables and their rollups, as a build leaves it."""
    out = tmp_path_factory.mktemp("synthetic_processed")
    store.write_tables(synthetic, out)
    return out


@pytest.fixture(scope="session")
def synthetic_dir_without_rollups(tmp_path_factory, synthetic) -> Path:
    """The synthetic tables alone (rollups removed), so queries must answer from the full tables."""
    import shutil

    out = tmp_path_factory.mktemp("synthetic_plain")
    store.write_tables(synthetic, out)
    shutil.rmtree(store.current(out) / "rollups")
    return out


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """The five-page sample corpus built by the real pipeline into a temporary folder."""
    from civic.pipeline import build

    out = tmp_path_factory.mktemp("sample_processed")
    build(ROOT / "data" / "raw", out)
    return out
