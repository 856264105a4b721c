"""civic dashboard: the router. Pages live in pages/, one file each; each draws the shared sidebar.

Run: streamlit run dashboard.py
"""

import streamlit as st

from civic import app

PAGES = (  # (file, url_path, i18n key of the title, icon)
    ("pages/overview.py", "overview", "page.overview", ":material/dashboard:"),
    ("pages/streets.py", "streets", "page.streets", ":material/signpost:"),
    ("pages/metrics.py", "metrics", "page.metrics", ":material/calculate:"),
    ("pages/themes.py", "themes", "page.themes", ":material/category:"),
    ("pages/wordcloud.py", "wordcloud", "page.wordcloud", ":material/cloud:"),
    ("pages/compare.py", "compare", "page.compare", ":material/compare_arrows:"),
    ("pages/articles.py", "articles", "page.articles", ":material/article:"),
    ("pages/data.py", "data", "page.data", ":material/database:"),
)

st.set_page_config(page_title="civic 创文创城看板", page_icon=":material/location_city:", layout="wide")
app.init_session()
# The first page is the default, served at "/" whatever its url_path; its hidden twin serves /overview.
home = st.Page(PAGES[0][0], title=app.t(PAGES[0][2]), url_path="home", icon=PAGES[0][3], default=True)
pages = [home] + [st.Page(path, title=app.t(key), url_path=url, icon=icon) for path, url, key, icon in PAGES[1:]]
pages.append(st.Page(PAGES[0][0], title=app.t(PAGES[0][2]), url_path=PAGES[0][1], visibility="hidden"))
page = st.navigation(pages)
st.title(page.title)
page.run()
