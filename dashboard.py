"""civic dashboard: the router. Pages live in pages/, one file each."""

import streamlit as st

st.set_page_config(page_title="civic", layout="wide")
st.title("civic")
