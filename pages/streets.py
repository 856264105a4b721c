"""街道 Streets: articles per street coloured by district, themes per street, metric totals, articles."""

import streamlit as st

from civic import app, charts

f = app.page_setup()
if app.require_data(f):
    top_n = st.slider(app.t("streets.top_n"), 5, 50, 20, step=5, key="st_top_n")
    ranked, themes, totals = app.street_panels(f, top_n)
    if ranked.empty:
        st.info(app.t("empty.no_streets"))
        st.stop()
    labels = {"street": app.t("col.street"), "articles": app.t("col.articles"), "district": app.t("col.district"),
              "theme": app.t("col.theme"), "people": app.t("col.people"), "items": app.t("col.items")}
    left, right = st.columns(2)
    with left:
        st.subheader(app.t("streets.ranked"))
        st.plotly_chart(charts.ranked_bars(ranked, "street", "articles", labels, color="district"),
                        key="st_ranked")
        app.downloads(ranked, app.t("streets.ranked"), "st_ranked")
    with right:
        st.subheader(app.t("streets.themes"))
        if themes.empty:
            st.info(app.t("empty.no_themes"))
        else:
            st.plotly_chart(charts.stacked_bars(app.label_themes(themes), "street", "articles", "theme", labels),
                            key="st_themes")
        app.downloads(themes, app.t("streets.themes"), "st_themes")

    st.subheader(app.t("streets.metrics"), help=app.t("overview.approx_help"))
    if totals.empty:
        st.info(app.t("empty.no_metrics"))
    else:
        shown = totals.assign(people=[app.approx_number(v, a) for v, a in zip(totals["people"],
                                                                             totals["people_approx"], strict=True)],
                              items=[app.approx_number(v, a) for v, a in zip(totals["items"],
                                                                            totals["items_approx"], strict=True)])
        app.table(shown.drop(columns=["people_approx", "items_approx"]), "st_metrics")
    app.downloads(totals, app.t("streets.metrics"), "st_metrics")

    choices = [f"{s}｜{d}" for s, d in zip(ranked["street"], ranked["district"], strict=True)]
    picked = st.selectbox(app.t("streets.pick"), choices, key="st_pick")
    street, district = picked.split("｜")
    st.subheader(app.t("streets.articles", street=app.literal(street)))
    listing = app.query("article_list", f, street=street, district=district)
    app.table(listing, "st_articles", article_id=None)
    app.downloads(listing, app.t("streets.articles", street=street), "st_articles")
