"""文章 Articles: Chinese substring search, results table, and a reader with extracted facts highlighted."""

import streamlit as st

from civic import app, reader

f = app.page_setup()
if app.require_data(f):
    needle = st.text_input(app.t("articles.search"), key="ar_search", placeholder=app.t("articles.example")).strip()
    results = (app.query("search_articles", f, needle) if needle else app.query("article_list", f, limit=200))
    if results.empty:
        st.info(app.t("articles.none", needle=app.literal(needle)))
        st.stop()
    hits = int(results["hits"].iloc[0]) if "hits" in results else app.query("article_count", f)
    st.caption(app.t("articles.results", hits=f"{hits:,}", shown=len(results)) + " · " + app.t("articles.click"))
    event = st.dataframe(results, hide_index=True, key="ar_table", on_select="rerun", selection_mode="single-row",
                         column_config=app.column_labels(results, article_id=None, hits=None, source=None))
    app.downloads(results, app.t("page.articles") + (f"_{needle}" if needle else ""), "ar_results")

    ids = results["article_id"].tolist()
    titles = dict(zip(ids, results["title"], strict=True))
    index = st.selectbox(app.t("articles.pick"), range(len(ids)), key="ar_pick",
                         format_func=lambda i: f"{results['date'].iloc[i] or '—'} · {titles[ids[i]]}")
    if event and event.selection and event.selection.rows:
        index = event.selection.rows[0]
    detail = app.query("article_detail", ids[index], results["source"].iloc[index])
    article = detail["articles"].iloc[0]
    kinds = {kind: app.t(f"reader.{kind}") for kind in reader.KINDS}
    text_col, facts_col = st.columns([3, 2])
    with text_col:
        st.html(f"<h3>{reader.to_html(article['title'], [], kinds)}</h3>")
        st.caption(" · ".join(app.literal(v) for v in (article["date"], article["street"], article["district"],
                                                article["city"], article["source"]) if v))
        st.html(reader.legend_html(kinds))
        st.html(reader.to_html(article["text"], reader.marks(article["text"], detail), kinds))
    with facts_col:
        st.markdown(f"**{app.t('articles.facts')}**")
        for name in ("places", "people", "metrics", "themes"):
            table = detail[name].drop(columns=["article_id"])
            if name == "themes":
                table = app.label_themes(table)
            if not table.empty:
                app.table(table, f"ar_{name}")
                app.downloads(table, f"{titles[ids[index]][:40]}_{name}", f"ar_{name}_dl", filtered=False)
