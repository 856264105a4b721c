# The README's two commands: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RAW    := data/raw
OUT    := data/processed

.PHONY: run test venv dev sysdeps data lint bench clean

run: venv data  ## set up, build tables if missing or stale, serve on http://localhost:8501
	$(BIN)/streamlit run dashboard.py --server.port 8501 --server.maxUploadSize $${CIVIC_UPLOAD_MAX_MB:-20}

test: dev sysdeps  ## set up (incl. fonts-wqy-microhei, chromium) and run every test
	$(BIN)/python -m pytest

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

dev: venv $(VENV)/.installed-dev
$(VENV)/.installed-dev: requirements-dev.txt requirements.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

sysdeps:  ## system packages the tests need: a CJK font and Chromium
	@scripts/sysdeps.sh

# Incremental: parses only new or edited files, and everything after an upgrade of the parser.
data: venv
	$(BIN)/python -m civic build --raw $(RAW) --out $(OUT) || test $$? -eq 1

lint: dev
	$(BIN)/ruff check civic pages tests bench scripts dashboard.py

bench: dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(OUT)
