"""词云 Word cloud: the current filter's words with Chinese glyphs, number of words, excluded words, top terms."""

import re

import streamlit as st

from civic import app, cloud

f = app.page_setup()
if app.require_data(f):
    left, right = st.columns([1, 2])
    words = left.slider(app.t("cloud.words"), 20, 300, 100, step=10, key="wc_words")
    typed = right.text_input(app.t("cloud.exclude"), key="wc_exclude", placeholder=app.t("cloud.example"))
    exclude = tuple(sorted({w for w in re.split(r"[\s,，、;；]+", typed) if w}))
    terms = app.query("term_frequencies", f, words, exclude)
    if terms.empty:
        st.info(app.t("empty.no_terms"))
        st.stop()
    picture, table = st.columns([2, 1])
    with picture:
        try:
            font = cloud.require_font()
        except cloud.FontNotFound as missing:
            st.warning(app.t("cloud.no_font", detail=str(missing)))
        else:
            pairs = tuple(zip(terms["term"], terms["count"].astype(int), strict=True))
            # PNG as made: "auto" would decode it and encode it again as JPEG on every run (~10 ms)
            st.image(app.cloud_png(pairs, words, str(font)), width="stretch", output_format="PNG")
    with table:
        st.subheader(app.t("cloud.top_terms"))
        st.dataframe(terms, hide_index=True, key="wc_terms", height=460, column_config=app.column_labels(terms))
        app.downloads(terms, app.t("cloud.top_terms"), "wc_terms")
