"""主题 Themes: campaign themes over time (month or year; counts or shares), theme × district heat map."""

import streamlit as st

from civic import app, charts

f = app.page_setup()
if app.require_data(f):
    left, right = st.columns(2)
    period = left.segmented_control(app.t("themes.period"), ["month", "year"], default="month",
                                    format_func=lambda p: app.t(f"themes.{p}"), key="th_period") or "month"
    measure = right.segmented_control(app.t("themes.measure"), ["articles", "share"], default="articles",
                                      format_func=lambda m: app.t("themes.counts" if m == "articles"
                                                                  else "themes.shares"),
                                      key="th_measure") or "articles"
    over_time = app.query("themes_over_time", f, period)
    if over_time.empty:
        st.info(app.t("empty.no_themes"))
        st.stop()
    labels = {"period": app.t("col.period"), "articles": app.t("col.articles"), "share": app.t("col.share"),
              "theme": app.t("col.theme"), "area": app.t("col.district")}
    st.subheader(app.t("themes.over_time"))
    st.plotly_chart(charts.lines(app.label_themes(over_time), "period", measure, "theme", labels,
                                 percent=measure == "share"), key="th_lines")
    app.downloads(over_time, app.t("themes.over_time"), "th_time")

    st.subheader(app.t("themes.heatmap"))
    by_district = app.query("theme_by_area", f, "district")
    st.plotly_chart(charts.heatmap(app.label_themes(by_district), "area", "theme", measure, labels,
                                   percent=measure == "share"), key="th_heat")
    app.downloads(by_district, app.t("themes.heatmap"), "th_heat")
