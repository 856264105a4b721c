"""数据 Data: add page files and rebuild, the build report, every table for download, the data dictionary."""

import pandas as pd
import streamlit as st

from civic import app, uploads
from civic.schema import TABLES

app.page_setup()
with st.form("dt_upload", clear_on_submit=True):
    files = st.file_uploader(app.t("data.upload"), type=["txt", "zip"], accept_multiple_files=True,
                             key="dt_files")
    submitted = st.form_submit_button(app.t("data.rebuild"), type="primary")
if submitted:
    results = uploads.save_uploads((f.name, f.getvalue()) for f in files or [])
    saved = [r for r in results if r.status == "saved"]
    if saved:
        st.success(app.t("data.saved", n=len(saved)))
    for r in results:
        if r.status == "rejected":
            st.warning(app.t("data.rejected", name=app.literal(r.name), reason=app.literal(r.reason)))
        elif r.status == "duplicate":
            st.info(app.t("data.duplicate", name=app.literal(r.name), stored=app.literal(r.stored)))
    report = app.run_build(app.t("build.stale"))
    if report is not None:
        st.success(app.t("build.done", files=len(report), articles=int(report["articles"].sum())))

if not app.is_built():
    st.info(app.t("empty.no_data"))
    st.stop()

st.subheader(app.t("data.report"))
report = app.query("build_report")
app.table(report, "dt_report")
app.downloads(report, app.t("data.report"), "dt_report", filtered=False)

st.subheader(app.t("data.tables"))
sizes = app.query("table_sizes").set_index("table")["rows"]
for name in TABLES:
    rows = int(sizes.get(name, 0))
    left, right = st.columns([1, 3])
    left.markdown(f"**{name}** · {app.t('data.rows', rows=f'{rows:,}')}")
    with right:
        app.downloads(app.uncached("whole_table", name), name, f"dt_{name}", filtered=False, rows=rows)

st.subheader(app.t("data.dictionary"))
dictionary = pd.DataFrame([{"table": table.name, "column": column.name, "type": column.dtype, "meaning": column.doc}
                           for table in TABLES.values() for column in table.columns])
app.table(dictionary, "dt_dictionary")
app.downloads(dictionary, app.t("data.dictionary"), "dt_dictionary", filtered=False)
