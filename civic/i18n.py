"""The dashboard's words in Chinese (default) and English.

`t(key, lang, **values)` looks a key up and fills `{placeholders}`; an unknown key raises KeyError
so a typo fails in tests rather than showing a key to users.
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

STRINGS: dict[str, tuple[str, str]] = {
    # pages (titles in the navigation)
    "page.overview": ("总览", "Overview"),
    "page.streets": ("街道", "Streets"),
    "page.metrics": ("工作量", "Metrics"),
    "page.themes": ("主题", "Themes"),
    "page.wordcloud": ("词云", "Word cloud"),
    "page.compare": ("对比", "Compare"),
    "page.articles": ("文章", "Articles"),
    "page.data": ("数据", "Data"),
    # sidebar
    "sidebar.language": ("语言 / Language", "语言 / Language"),
    "sidebar.filters": ("筛选", "Filters"),
    "filter.city": ("城市", "City"),
    "filter.district": ("区县", "District"),
    "filter.street": ("街道/乡镇", "Street / township"),
    "filter.dates": ("日期范围", "Date range"),
    "filter.themes": ("主题", "Themes"),
    "filter.all": ("全部", "All"),
    "filter.reset": ("清除筛选", "Clear filters"),
    "filter.summary": ("当前筛选：{label}", "Current filter: {label}"),
    "filter.no_dates": ("语料中没有完整日期。", "No full dates in the corpus."),
    # empty states
    "empty.no_data": (
        "还没有数据。请在「数据」页上传报纸版面 .txt 文件并重建，或在终端运行 `python -m civic build`。",
        "No data yet. Upload newspaper page .txt files on the Data page and rebuild, "
        "or run `python -m civic build` in a terminal."),
    "empty.filter": ("当前筛选没有匹配的文章。请在左侧放宽筛选（城市、区县、街道、日期、主题）或点击「清除筛选」。",
                     "No article matches the current filter. Widen the filters on the left "
                     "(city, district, street, dates, themes) or click “Clear filters”."),
    "empty.no_metrics": ("当前筛选下没有提取到工作量数字。", "No quantities were extracted for the current filter."),
    "empty.no_themes": ("当前筛选下没有主题标注。", "No themes are tagged for the current filter."),
    "empty.no_terms": ("当前筛选下没有词语。", "No words for the current filter."),
    "empty.no_streets": ("当前筛选下没有识别出街道。", "No street was recognised for the current filter."),
    # build
    "build.first": ("首次启动：正在从 {raw} 生成数据表……", "First start: building the tables from {raw}…"),
    "build.stale": ("原始文件有更新：正在重建数据表……", "Raw files changed: rebuilding the tables…"),
    "build.progress": ("正在解析 {done}/{total}：{name}", "Parsing {done}/{total}: {name}"),
    "build.done": ("已生成：{files} 个文件，{articles} 篇文章。", "Built: {files} files, {articles} articles."),
    "build.busy": ("另一个构建正在进行，请稍后再试。", "Another build is running; try again in a moment."),
    "build.no_raw": ("没有原始文件：{raw} 为空。请在「数据」页上传 .txt 文件。",
                     "No raw files: {raw} is empty. Upload .txt files on the Data page."),
    # downloads
    "download.csv": ("下载 CSV", "Download CSV"),
    "download.xlsx": ("下载 Excel", "Download Excel"),
    # overview
    "overview.articles": ("文章", "Articles"),
    "overview.streets": ("街道/乡镇", "Streets"),
    "overview.districts": ("区县", "Districts"),
    "overview.cities": ("城市", "Cities"),
    "overview.span": ("时间跨度", "Date span"),
    "overview.people": ("动员人数", "People mobilised"),
    "overview.items": ("处理点位/物品", "Sites / items handled"),
    "overview.over_time": ("文章数（按月）", "Articles per month"),
    "overview.top_streets": ("报道最多的街道", "Most reported streets"),
    "overview.quality": ("解析质量", "Parse quality"),
    "overview.quality_help": ("有街道、日期、工作量、主题、作者的文章占比。",
                              "Share of articles with a street, a date, metrics, themes, people."),
    "overview.warnings": ("有警告或错误的文件", "Files with warnings or errors"),
    "overview.no_warnings": ("所有文件均解析正常。", "Every file was read without warnings."),
    "overview.approx_help": ("≥ 表示合计中含有约数（余、多、近、约……），实际数量不少于此。",
                             "≥ means the total includes approximate figures (余, 多, 约…): at least this many."),
    "quality.street": ("有街道", "with street"),
    "quality.date": ("有日期", "with date"),
    "quality.metrics": ("有工作量", "with metrics"),
    "quality.themes": ("有主题", "with themes"),
    "quality.people": ("有作者", "with people"),
    # streets
    "streets.ranked": ("各街道报道数", "Articles per street"),
    "streets.themes": ("各街道主题分布", "Themes per street"),
    "streets.metrics": ("各街道工作量合计", "Metric totals per street"),
    "streets.pick": ("选择街道查看文章", "Pick a street to list its articles"),
    "streets.articles": ("{street} 的文章", "Articles of {street}"),
    "streets.top_n": ("显示街道数", "Streets shown"),
    # metrics
    "metrics.by": ("分组", "Group by"),
    "metrics.by.none": ("不分组", "No grouping"),
    "metrics.by.district": ("区县", "District"),
    "metrics.by.street": ("街道", "Street"),
    "metrics.by.month": ("月份", "Month"),
    "metrics.totals": ("工作量合计", "Metric totals"),
    "metrics.click": ("点击表格中的一行，查看其合计来自哪些句子。", "Click a row to see the sentences it sums."),
    "metrics.pick": ("或选择一项合计", "Or pick a total"),
    "metrics.sentences": ("「{label}」的来源句子", "Sentences behind “{label}”"),
    "metrics.chart": ("合计最大的工作量", "Largest totals"),
    # themes
    "themes.period": ("时间粒度", "Period"),
    "themes.month": ("月", "Month"),
    "themes.year": ("年", "Year"),
    "themes.measure": ("数值", "Measure"),
    "themes.counts": ("文章数", "Articles"),
    "themes.shares": ("占比", "Share"),
    "themes.over_time": ("主题随时间变化", "Themes over time"),
    "themes.heatmap": ("主题 × 区县", "Theme × district"),
    # word cloud
    "cloud.words": ("词数", "Number of words"),
    "cloud.exclude": ("排除词（用空格或逗号分隔）", "Excluded words (separated by spaces or commas)"),
    "cloud.top_terms": ("高频词", "Top terms"),
    "cloud.no_font": ("找不到中文字体，无法绘制词云。{detail}",
                      "No Chinese font found, so no word cloud. {detail}"),
    # compare
    "compare.level": ("对比对象", "Compare"),
    "compare.pick": ("选择 2–4 个", "Pick 2–4"),
    "compare.need_two": ("请至少选择 2 个（最多 4 个）进行对比。", "Pick at least 2 (at most 4) to compare."),
    "compare.headline": ("主要数字", "Headline figures"),
    "compare.themes": ("主题构成（占文章比例）", "Theme mix (share of articles)"),
    "compare.top_streets": ("主要街道", "Top streets"),
    "compare.metrics": ("工作量合计与篇均", "Metric totals and per-article rates"),
    "compare.clouds": ("词云", "Word clouds"),
    "compare.distinct": ("区别性词语（加权对数几率，Monroe 等 2008）",
                         "Distinguishing terms (weighted log-odds, Monroe et al. 2008)"),
    "compare.examples": ("例句：{term}", "Example sentences: {term}"),
    "compare.per_article": ("篇均", "per article"),
    # articles
    "articles.search": ("全文搜索（中文子串）", "Full-text search (Chinese substring)"),
    "articles.results": ("找到 {hits} 篇，显示前 {shown} 篇", "{hits} found, first {shown} shown"),
    "articles.none": ("没有找到包含「{needle}」的文章。换一个词，或放宽筛选。",
                      "No article contains “{needle}”. Try another word or widen the filters."),
    "articles.pick": ("阅读文章", "Read article"),
    "articles.legend": ("高亮：街道/地点、日期、人物、工作量、主题关键词",
                        "Highlighted: places, date, people, metrics, theme keywords"),
    "articles.facts": ("提取结果", "Extracted facts"),
    "articles.click": ("点击表格中的一行阅读全文。", "Click a row to read the article."),
    # data
    "data.upload": ("添加版面文件（.txt，可多选；UTF-8、GB18030、UTF-16 均可）",
                    "Add page files (.txt, several at once; UTF-8, GB18030 or UTF-16)"),
    "data.saved": ("已保存 {n} 个文件。", "Saved {n} files."),
    "data.rejected": ("未保存 {name}：{reason}", "Not saved {name}: {reason}"),
    "data.rebuild": ("重建数据表", "Rebuild the tables"),
    "data.report": ("构建报告（每个文件一行）", "Build report (one row per file)"),
    "data.tables": ("全部数据表下载", "Download every table"),
    "data.dictionary": ("数据字典", "Data dictionary"),
    "data.rows": ("{rows} 行", "{rows} rows"),
    # column headers
    "col.street": ("街道", "Street"),
    "col.district": ("区县", "District"),
    "col.city": ("城市", "City"),
    "col.articles": ("文章数", "Articles"),
    "col.theme": ("主题", "Theme"),
    "col.share": ("占比", "Share"),
    "col.period": ("时期", "Period"),
    "col.what": ("对象", "What"),
    "col.unit": ("单位", "Unit"),
    "col.total": ("合计", "Total"),
    "col.mentions": ("提及次数", "Mentions"),
    "col.term": ("词语", "Term"),
    "col.count": ("词频", "Count"),
    "col.date": ("日期", "Date"),
    "col.title": ("标题", "Title"),
    "col.value": ("数值", "Value"),
    "col.people": ("动员人数", "People"),
    "col.items": ("点位/物品", "Items"),
    "col.measure": ("指标", "Measure"),
    "col.group": ("对象", "Group"),
    "col.per_article": ("篇均", "Per article"),
    "col.zscore": ("z 值", "z-score"),
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text of `key` in `lang` (`zh` or `en`), with `{name}` placeholders filled from `values`."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
