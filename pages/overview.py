"""总览 Overview: headline figures, articles over time, top streets, parse quality."""

import streamlit as st

from civic import app, charts

f = app.page_setup()
if app.require_data(f):
    head = app.query("headline", f).iloc[0]
    cols = st.columns(4)
    cols[0].metric(app.t("overview.articles"), f"{head['articles']:,}")
    cols[1].metric(app.t("overview.streets"), f"{head['streets']:,}")
    cols[2].metric(app.t("overview.districts"), f"{head['districts']:,}")
    cols[3].metric(app.t("overview.cities"), f"{head['cities']:,}")
    cols = st.columns([2, 1, 1])
    span = f"{head['date_min']} ~ {head['date_max']}" if head["date_min"] else "—"
    cols[0].metric(app.t("overview.span"), span)
    cols[1].metric(app.t("overview.people"), app.approx_number(head["people"], head["people_approx"]),
                   help=app.t("overview.approx_help"))
    cols[2].metric(app.t("overview.items"), app.approx_number(head["items"], head["items_approx"]),
                   help=app.t("overview.approx_help"))

    left, right = st.columns(2)
    with left:
        st.subheader(app.t("overview.over_time"))
        per_month = app.query("articles_over_time", f, "month")
        labels = {"period": app.t("col.period"), "articles": app.t("col.articles")}
        st.plotly_chart(charts.time_bars(per_month, "period", "articles", labels), key="ov_time")
        app.downloads(per_month, app.t("overview.over_time"), "ov_time")
    with right:
        st.subheader(app.t("overview.top_streets"))
        streets = app.query("top_streets", f, 15)
        if streets.empty:
            st.info(app.t("empty.no_streets"))
        else:
            labels = {"street": app.t("col.street"), "articles": app.t("col.articles"),
                      "district": app.t("col.district")}
            st.plotly_chart(charts.ranked_bars(streets, "street", "articles", labels, color="district"),
                            key="ov_streets")
        app.downloads(streets, app.t("overview.top_streets"), "ov_streets")

    st.subheader(app.t("overview.quality"), help=app.t("overview.quality_help"))
    left, right = st.columns(2)
    with left:
        quality = app.query("parse_quality", f)
        shown = quality.assign(measure=[app.t(f"quality.{m}") for m in quality["measure"]])
        labels = {"measure": app.t("col.measure"), "share": app.t("col.share")}
        st.plotly_chart(charts.ranked_bars(shown, "measure", "share", labels, percent=True), key="ov_quality")
        app.downloads(quality, app.t("overview.quality"), "ov_quality")
    with right:
        st.markdown(f"**{app.t('overview.warnings')}**")
        problems = app.query("build_report", True)
        if problems.empty:
            st.success(app.t("overview.no_warnings"))
        else:
            app.table(problems, "ov_problems")
            app.downloads(problems, app.t("overview.warnings"), "ov_problems", filtered=False)
