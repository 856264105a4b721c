"""工作量 Metrics: totals by what was counted and unit, per district/street/month, with click-through."""

import streamlit as st

from civic import app, charts

f = app.page_setup()
if app.require_data(f):
    by = st.segmented_control(app.t("metrics.by"), ["none", "district", "street", "month"], default="none",
                              format_func=lambda b: app.t(f"metrics.by.{b}"), key="mt_by") or "none"
    group = None if by == "none" else by
    totals = app.query("metric_totals", f, group)
    if totals.empty:
        st.info(app.t("empty.no_metrics"))
        st.stop()
    shown = totals.assign(total=[app.approx_number(v, a) if v == v and v is not None else "—"
                                 for v, a in zip(totals["total"], totals["approx"], strict=True)])
    st.subheader(app.t("metrics.totals"), help=app.t("overview.approx_help"))
    st.caption(app.t("metrics.click"))
    table = shown.drop(columns=["approx"])
    columns = app.column_labels(table, **({group: app.t(f"metrics.by.{group}")} if group else {}))
    event = st.dataframe(table, hide_index=True, key="mt_table", on_select="rerun",
                         selection_mode="single-row", column_config=columns)
    app.downloads(totals, app.t("metrics.totals"), "mt_totals")

    def describe(i: int) -> str:
        row = totals.iloc[i]
        where = f"{row[group]}（{row['district']}）· " if group == "street" else f"{row[group]} · " if group else ""
        return f"{where}{row['what'] or '—'}（{row['unit']}）{shown['total'].iloc[i]}"

    selected = event.selection.rows if event and event.selection else []
    index = st.selectbox(app.t("metrics.pick"), range(len(totals)), format_func=describe, key="mt_pick",
                         index=None, placeholder=app.t("metrics.click"))
    if selected:
        index = selected[0]
    if index is not None:
        row = totals.iloc[index]
        sentences = app.query("metric_sentences", f, row["what"], row["unit"], group,
                              str(row[group]) if group else None,
                              row["district"] if group == "street" else None)
        st.subheader(app.t("metrics.sentences", label=app.literal(describe(index))))
        app.table(sentences, "mt_sentences", article_id=None, approx=None)
        app.downloads(sentences, app.t("metrics.sentences", label=describe(index)), "mt_sentences")

    st.subheader(app.t("metrics.chart"))
    summed = totals.dropna(subset=["total"])
    largest = summed.assign(label=summed["what"] + "（" + summed["unit"] + "）").nlargest(15, "total")
    labels = {"label": app.t("col.what"), "total": app.t("col.total")}
    if group:
        labels[group] = app.t(f"metrics.by.{group}")
    st.plotly_chart(charts.ranked_bars(largest, "label", "total", labels, color=group), key="mt_chart")
    app.downloads(largest.drop(columns=["label"]), app.t("metrics.chart"), "mt_chart")
