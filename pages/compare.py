"""对比 Compare: 2–4 districts or streets side by side, with the terms that distinguish each."""

import streamlit as st

from civic import app, charts, cloud, compare

f = app.page_setup()
if app.require_data(f):
    level = st.segmented_control(app.t("compare.level"), ["district", "street"], default="district",
                                 format_func=lambda lv: app.t(f"col.{lv}"), key="cp_level") or "district"
    ranked = app.query("filter_options").pipe(lambda o: o[o[level] != ""])
    for column, values in (("city", f.cities), ("district", f.districts), ("street", f.streets)):
        if values:
            ranked = ranked[ranked[column].isin(values)]
    if level == "street":  # the same street name exists in several districts
        ranked = ranked.assign(street=ranked["street"] + "（" + ranked["district"] + "）")
    names = ranked.groupby(level)["articles"].sum().sort_values(ascending=False).index.tolist()
    key = f"cp_names_{level}"
    if key not in st.session_state:
        st.session_state[key] = names[:2]
    st.session_state[key] = [n for n in st.session_state[key] if n in names]
    picked = tuple(st.multiselect(app.t("compare.pick"), names, key=key, max_selections=4))
    if len(picked) < 2:
        st.info(app.t("compare.need_two"))
        st.stop()

    head = app.query("compare_headline", f, level, picked).set_index("group")
    st.subheader(app.t("compare.headline"), help=app.t("overview.approx_help"))
    for column, name in zip(st.columns(len(picked)), picked, strict=True):
        row = head.loc[name] if name in head.index else None
        column.markdown(f"#### {app.literal(name)}")
        if row is None:
            column.info(app.t("empty.filter"))
            continue
        column.metric(app.t("overview.articles"), f"{row['articles']:,}")
        column.metric(app.t("overview.people"), f"{row['people']:,.0f}",
                      f"{row['people_per_article']:.1f} {app.t('compare.per_article')}", delta_color="off",
                      delta_arrow="off")
        column.metric(app.t("overview.items"), f"{row['items']:,.0f}",
                      f"{row['items_per_article']:.1f} {app.t('compare.per_article')}", delta_color="off",
                      delta_arrow="off")
    app.downloads(head.reset_index(), app.t("compare.headline"), "cp_head")

    labels = {"group": app.t("col.group"), "theme": app.t("col.theme"), "share": app.t("col.share")}
    st.subheader(app.t("compare.themes"))
    shares = app.query("compare_theme_shares", f, level, picked)
    if shares.empty:
        st.info(app.t("empty.no_themes"))
    else:
        st.plotly_chart(charts.grouped_bars(app.label_themes(shares), "theme", "share", "group", labels,
                                            percent=True), key="cp_themes")
    app.downloads(shares, app.t("compare.themes"), "cp_themes")

    streets = app.query("compare_top_streets", f, level, picked)
    totals = app.query("compare_metric_totals", f, level, picked)
    counts = app.query("compare_term_counts", f, level, picked)
    distinct = compare.distinguishing_terms(counts, top=30)
    font = cloud.find_font()
    for title, frame, key_ in ((app.t("compare.top_streets"), streets, "cp_streets"),
                               (app.t("compare.metrics"), totals, "cp_metrics"),
                               (app.t("compare.clouds"), counts, "cp_clouds"),
                               (app.t("compare.distinct"), distinct, "cp_distinct")):
        st.subheader(title)
        for column, name in zip(st.columns(len(picked)), picked, strict=True):
            part = frame[frame["group"] == name].drop(columns=["group"])
            with column:
                st.markdown(f"**{app.literal(name)}**")
                if key_ == "cp_clouds":
                    if font is None:
                        st.warning(app.t("cloud.no_font", detail=cloud.INSTALL_HINT))
                    elif not part.empty:
                        pairs = tuple(zip(part["term"], part["count"].astype(int), strict=True))[:100]
                        st.image(app.cloud_png(pairs, 100, str(font), 480, 320), width="stretch")
                elif key_ == "cp_metrics":
                    shown = part.assign(total=[app.approx_number(v, a) for v, a in
                                               zip(part["total"], part["approx"], strict=True)])
                    rate = st.column_config.NumberColumn(app.t("col.per_article"), format="%.2f")
                    app.table(shown.drop(columns=["approx"]), f"{key_}_{name}", per_article=rate)
                else:
                    app.table(part.head(15), f"{key_}_{name}")
        app.downloads(frame, title, key_)

    terms = distinct["term"].drop_duplicates().tolist()
    term = st.selectbox(app.t("compare.example_term"), terms, key="cp_ex_term")
    if term:
        examples = compare.example_sentences(app.query("term_texts", f, level, picked, term), term)
        app.table(examples, "cp_examples", article_id=None)
        app.downloads(examples, app.t("compare.examples", term=term), "cp_examples")
