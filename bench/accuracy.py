"""Per-field precision, recall and F1 of the parser against the hand-annotated gold pages.

Usage:
    python bench/accuracy.py                  # build data/raw into a temp folder, score it
    python bench/accuracy.py --tables DIR     # score tables already built in DIR
    python bench/accuracy.py --json           # the same figures as JSON
    python bench/accuracy.py --errors         # also list every disagreement, page by page

The gold standard is `tests/fixtures/gold/*.json` (conventions in its README.md). How the
figures are computed:

Tables are built with `python -m civic build` (or read from `--tables`).

- Alignment: within each source file, every (gold, predicted) article pair gets a similarity
  in [0, 1] from its title and the start of its body (see `similarity`); pairs at or above
  `ALIGN_THRESHOLD` are matched one-to-one, best first.
- `articles`: a gold article is found when it is aligned; P = aligned / predicted,
  R = aligned / gold.
- Article-level fields (title, is_caption, date, street, district, city, province), over aligned
  pairs only: TP = pairs whose prediction is non-empty and equal to the gold value;
  P = TP / non-empty predictions, R = TP / non-empty gold values. For is_caption, "non-empty"
  means True. Titles compare after NFKC and removal of all whitespace; names after NFKC and
  strip. `accuracy` (equal, empty included) is reported beside them.
- Set fields (places as (level, name), people as (role, name), themes), micro-averaged over
  all articles: items of unaligned gold articles are misses, items of unaligned predictions are
  false alarms.
- metrics: matched by (value, unit) within an aligned pair, one-to-one; counted like set fields.
  `metrics_what` and `metrics_approx` are accuracies over the matched metrics.

Undefined ratios follow one convention: P = 1 when nothing was predicted, R = 1 when nothing
was to be found, F1 = 0 when P + R = 0.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "fixtures" / "gold"
ALIGN_THRESHOLD = 0.5
BODY_WINDOW = 80  # characters of the predicted body searched for the gold body_start
SCALAR_FIELDS = ("title", "is_caption", "date", "street", "district", "city", "province")
SET_FIELDS = ("places", "people", "themes")
FIELDS = ("articles", *SCALAR_FIELDS, *SET_FIELDS, "metrics")

PRF = tuple[float, float, float]


@dataclass
class Article:
    """One article, gold or predicted, reduced to what is scored."""

    source: str
    title: str
    body: str
    scalars: dict[str, str | bool]
    places: Counter = field(default_factory=Counter)
    people: Counter = field(default_factory=Counter)
    themes: Counter = field(default_factory=Counter)
    metrics: list[dict] = field(default_factory=list)
    label: str = ""


@dataclass
class Counts:
    """True positives, predictions and gold items of one field."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def prf(self) -> PRF:
        p = self.tp / self.pred if self.pred else 1.0
        r = self.tp / self.gold if self.gold else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f1


@dataclass
class Report:
    """Everything the scorer measured."""

    counts: dict[str, Counts]
    accuracy: dict[str, tuple[int, int]]  # field -> (correct, total)
    errors: list[str]

    @property
    def prf(self) -> dict[str, PRF]:
        return {name: self.counts[name].prf() for name in FIELDS}


def norm_title(text: str) -> str:
    """NFKC with every whitespace character removed (line joins do not matter)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def norm_name(text: object) -> str:
    """NFKC and strip; missing values (None, NaN, pd.NA) become ""."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def load_gold(gold_dir: Path = GOLD_DIR) -> dict[str, list[Article]]:
    """Gold articles per source file name, in page order."""
    gold: dict[str, list[Article]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        gold[page["source"]] = [_gold_article(page["source"], a) for a in page["articles"]]
    return gold


def _gold_article(source: str, a: dict) -> Article:
    scalars = {name: a[name] for name in SCALAR_FIELDS}
    return Article(
        source=source, title=a["title"], body=a["body_start"], scalars=scalars,
        places=Counter((p["level"], norm_name(p["name"])) for p in a["places"]),
        people=Counter((p["role"], norm_name(p["name"])) for p in a["people"]),
        themes=Counter(a["themes"]),
        metrics=[{"value": float(m["value"]), "unit": m["unit"], "approx": bool(m["approx"]),
                  "what": m["what"], "span": m["span"]} for m in a["metrics"]],
        label=a["title"] or a["body_start"],
    )


def load_predictions(tables_dir: Path) -> dict[str, list[Article]]:
    """Predicted articles per source file name, from the built tables in `tables_dir`."""
    from civic import store

    articles = store.read_table("articles", tables_dir).sort_values(["source", "seq"])
    by_id: dict[str, Article] = {}
    pred: dict[str, list[Article]] = {}
    for row in articles.itertuples(index=False):
        scalars = {name: norm_name(getattr(row, name)) for name in SCALAR_FIELDS if name != "is_caption"}
        scalars["is_caption"] = bool(row.is_caption) if not pd.isna(row.is_caption) else False
        article = Article(source=row.source, title=norm_name(row.title), body=norm_name(row.text),
                          scalars=scalars, label=f"#{row.seq} {norm_name(row.title) or norm_name(row.text)[:15]}")
        by_id[row.article_id] = article
        pred.setdefault(row.source, []).append(article)
    for row in store.read_table("places", tables_dir).itertuples(index=False):
        by_id[row.article_id].places[(row.level, norm_name(row.name))] += 1
    for row in store.read_table("people", tables_dir).itertuples(index=False):
        by_id[row.article_id].people[(row.role, norm_name(row.name))] += 1
    for row in store.read_table("themes", tables_dir).itertuples(index=False):
        by_id[row.article_id].themes[row.theme] += 1
    for row in store.read_table("metrics", tables_dir).itertuples(index=False):
        by_id[row.article_id].metrics.append({
            "value": float(row.value), "unit": norm_name(row.unit), "approx": bool(row.approx),
            "what": norm_name(row.what), "span": norm_name(row.span)})
    for article in by_id.values():  # a set field holds each item once
        for name in SET_FIELDS:
            setattr(article, name, Counter(set(getattr(article, name))))
    return pred


def similarity(gold: Article, pred: Article) -> float:
    """How alike two articles look, in [0, 1].

    Body: 1 when the gold body_start occurs in the first BODY_WINDOW characters of the
    predicted body (so 本报讯 or a kicker left in the body does not matter), else the
    SequenceMatcher ratio against the predicted body's start. Title: SequenceMatcher ratio
    after `norm_title`. A gold caption without title is compared on the body alone.
    """
    start = norm_title(gold.body)
    body = norm_title(pred.body)
    body_sim = 1.0 if start in body[:BODY_WINDOW] else SequenceMatcher(None, start, body[:len(start)]).ratio()
    if not gold.title:
        return body_sim
    title_sim = SequenceMatcher(None, norm_title(gold.title), norm_title(pred.title)).ratio()
    return (title_sim + body_sim) / 2


def align(gold: list[Article], pred: list[Article]) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs, most similar first."""
    scored = sorted(((similarity(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
                    key=lambda t: (-t[0], t[1], t[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for sim, i, j in scored:
        if sim < ALIGN_THRESHOLD:
            break
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def match_metrics(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs with equal value and unit, preferring pairs that also agree on `what`."""
    free = list(pred)
    pairs = []
    for g in sorted(gold, key=lambda m: 0 if any(_same(m, p) and p["what"] == m["what"] for p in pred) else 1):
        candidates = [p for p in free if _same(g, p)]
        if not candidates:
            continue
        best = next((p for p in candidates if p["what"] == g["what"]), candidates[0])
        free.remove(best)
        pairs.append((g, best))
    return pairs


def _same(g: dict, p: dict) -> bool:
    return abs(g["value"] - p["value"]) < 1e-6 and g["unit"] == p["unit"]


def _scalar(name: str, value: str | bool) -> str | bool:
    if name == "is_caption":
        return bool(value)
    return norm_title(value) if name == "title" else norm_name(value)


def compare(gold: dict[str, list[Article]], pred: dict[str, list[Article]]) -> Report:
    """Score predicted articles against gold ones (both keyed by source file name).

    Only sources that have a gold file are scored.
    """
    counts = {name: Counts() for name in FIELDS}
    accuracy = {name: (0, 0) for name in (*SCALAR_FIELDS, "metrics_what", "metrics_approx")}
    errors: list[str] = []
    for source in sorted(gold):  # pages without gold are not scored
        g_list, p_list = gold.get(source, []), pred.get(source, [])
        pairs = align(g_list, p_list)
        counts["articles"].tp += len(pairs)
        counts["articles"].pred += len(p_list)
        counts["articles"].gold += len(g_list)
        aligned_g = {i for i, _ in pairs}
        aligned_p = {j for _, j in pairs}
        errors += [f"{source}: missed article {g_list[i].label}" for i in range(len(g_list)) if i not in aligned_g]
        errors += [f"{source}: extra article {p_list[j].label}" for j in range(len(p_list)) if j not in aligned_p]
        for i, j in pairs:
            g, p = g_list[i], p_list[j]
            for name in SCALAR_FIELDS:
                gv, pv = _scalar(name, g.scalars[name]), _scalar(name, p.scalars[name])
                c = counts[name]
                c.pred += bool(pv)
                c.gold += bool(gv)
                c.tp += bool(pv) and pv == gv
                right, total = accuracy[name]
                accuracy[name] = (right + (pv == gv), total + 1)
                if pv != gv:
                    errors.append(f"{source}: {g.label} | {name}: gold {gv!r} predicted {pv!r}")
            for name in SET_FIELDS:
                gs, ps = getattr(g, name), getattr(p, name)
                _add_sets(counts[name], gs, ps)
                if gs != ps:
                    errors.append(f"{source}: {g.label} | {name}: missing {sorted((gs - ps).elements())} "
                                  f"extra {sorted((ps - gs).elements())}")
            _add_metrics(counts, accuracy, errors, f"{source}: {g.label}", g.metrics, p.metrics)
        for i in set(range(len(g_list))) - aligned_g:
            g = g_list[i]
            for name in SET_FIELDS:
                counts[name].gold += sum(getattr(g, name).values())
            counts["metrics"].gold += len(g.metrics)
        for j in set(range(len(p_list))) - aligned_p:
            p = p_list[j]
            for name in SET_FIELDS:
                counts[name].pred += sum(getattr(p, name).values())
            counts["metrics"].pred += len(p.metrics)
    return Report(counts, accuracy, errors)


def _add_sets(c: Counts, gold: Counter, pred: Counter) -> None:
    c.tp += sum((gold & pred).values())
    c.pred += sum(pred.values())
    c.gold += sum(gold.values())


def _add_metrics(counts: dict[str, Counts], accuracy: dict[str, tuple[int, int]], errors: list[str],
                 where: str, gold: list[dict], pred: list[dict]) -> None:
    pairs = match_metrics(gold, pred)
    c = counts["metrics"]
    c.tp += len(pairs)
    c.pred += len(pred)
    c.gold += len(gold)
    for key in ("what", "approx"):
        right, total = accuracy[f"metrics_{key}"]
        accuracy[f"metrics_{key}"] = (right + sum(g[key] == p[key] for g, p in pairs), total + len(pairs))
    matched_g = [id(g) for g, _ in pairs]
    matched_p = [id(p) for _, p in pairs]
    missing = [g["span"] for g in gold if id(g) not in matched_g]
    extra = [p["span"] or f"{p['value']:g}{p['unit']}" for p in pred if id(p) not in matched_p]
    wrong = [f"{g['span']} what {g['what']!r}/{p['what']!r} approx {g['approx']}/{p['approx']}"
             for g, p in pairs if g["what"] != p["what"] or g["approx"] != p["approx"]]
    if missing or extra or wrong:
        errors.append(f"{where} | metrics: missing {missing} extra {extra} differing {wrong}")


def evaluate(tables_dir: Path, gold_dir: Path = GOLD_DIR) -> Report:
    """Score the tables built in `tables_dir` against the gold pages in `gold_dir`."""
    return compare(load_gold(gold_dir), load_predictions(tables_dir))


def score(tables_dir: Path, gold_dir: Path = GOLD_DIR) -> dict[str, PRF]:
    """Field -> (precision, recall, F1) of the tables in `tables_dir` (see the module docstring)."""
    return evaluate(tables_dir, gold_dir).prf


def build_tables(raw: Path, out: Path) -> None:
    """Build every table from `raw` into `out` through `python -m civic build`, the stable entry.

    Its summary goes to stderr so that `--json` output stays clean. A failed file (exit 1) still
    leaves the other tables written; a usage error (exit 2) raises.
    """
    from civic.cli import main as civic_main

    with contextlib.redirect_stdout(sys.stderr):
        code = civic_main(["build", "--raw", str(raw), "--out", str(out)])
    if code not in (0, 1):
        raise RuntimeError(f"civic build --raw {raw} --out {out} exited with {code}")


def format_report(report: Report) -> str:
    """A readable table: one row per field with P, R, F1 and the counts behind them."""
    lines = [f"{'field':<16}{'P':>7}{'R':>7}{'F1':>7}{'TP':>7}{'pred':>7}{'gold':>7}"]
    for name, (p, r, f1) in report.prf.items():
        c = report.counts[name]
        lines.append(f"{name:<16}{p:>7.3f}{r:>7.3f}{f1:>7.3f}{c.tp:>7}{c.pred:>7}{c.gold:>7}")
    lines.append("")
    lines.append(f"{'accuracy':<16}{'acc':>7}{'right':>7}{'of':>7}")
    for name, (right, total) in report.accuracy.items():
        acc = right / total if total else 1.0
        lines.append(f"{name:<16}{acc:>7.3f}{right:>7}{total:>7}")
    return "\n".join(lines)


def as_json(report: Report) -> dict:
    """The report as plain JSON-ready data."""
    return {
        "fields": {name: {"precision": p, "recall": r, "f1": f1, "tp": report.counts[name].tp,
                          "predicted": report.counts[name].pred, "gold": report.counts[name].gold}
                   for name, (p, r, f1) in report.prf.items()},
        "accuracy": {name: {"accuracy": right / total if total else 1.0, "right": right, "total": total}
                     for name, (right, total) in report.accuracy.items()},
        "errors": report.errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=Path, help="folder of built tables (default: build into a temp folder)")
    parser.add_argument("--raw", type=Path, default=None, help="raw folder to build from (default: civic config)")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="folder of gold JSON files")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--errors", action="store_true", help="also list every disagreement")
    args = parser.parse_args(argv)
    if args.tables:
        report = evaluate(args.tables, args.gold)
    else:
        from civic import config

        with tempfile.TemporaryDirectory(prefix="civic-accuracy-") as tmp:
            build_tables(args.raw or config.raw_dir(), Path(tmp))
            report = evaluate(Path(tmp), args.gold)
    if args.json:
        data = as_json(report)
        if not args.errors:
            data.pop("errors")
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_report(report) + "\n")
        if args.errors:
            sys.stdout.write("\n" + "\n".join(report.errors) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
