# Two commands for a newcomer: `make serve` and `make test`. Both set everything up.
# Everything runs from the project's own virtual environment in .venv/.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
# Material prints an end-of-life banner on every run; the variable above silences it.

.PHONY: help serve build pdf test test-fast check-links verify-site browser-deps clean

help:
	@echo "make serve        set up and serve the site at http://127.0.0.1:8000 (live reload)"
	@echo "make build        strict build into site/ (fails on any warning)"
	@echo "make pdf          print the brief for policymakers and build the site with it"
	@echo "make test         set up and run every test, browser tests included"
	@echo "make test-fast    run the tests that need no browser"
	@echo "make check-links  check every link of the built site in site/, external ones too"
	@echo "make verify-site  check the built site in site/: policy, scripts, third parties, the exit"
	@echo "make clean        remove site/, build/, .cache/ and test artifacts"

$(BIN)/mkdocs: requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.test-deps: requirements.txt requirements-test.txt constraints.txt | $(BIN)/mkdocs
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

serve: $(BIN)/mkdocs
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

build: $(BIN)/mkdocs
	$(BIN)/mkdocs build --strict

# Chromium comes from Debian's packages; Playwright's own browser download is not used.
# poppler-utils gives pdftotext, which the brief's tests read the PDF with.
browser-deps:
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium and poppler-utils for the browser tests (needs root)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium poppler-utils; }

# The brief for policymakers: build, print docs/brief.md with Chromium, then build again
# with the PDF, which the site then links to with its size. SITE_URL (set by the
# publishing workflow) is where the PDF's links point.
pdf: $(VENV)/.test-deps browser-deps
	$(BIN)/mkdocs build --strict
	$(BIN)/python tools/print_brief.py site build/nsn-racial-equity-brief.pdf --site-url "$${SITE_URL:-http://127.0.0.1:8000/}"
	BRIEF_PDF=build/nsn-racial-equity-brief.pdf $(BIN)/mkdocs build --strict

# The built site is verified by the standalone checker whatever mkdocs.yml says
# (hooks/survivor_safety/verify.py); then every test runs.
# The tests read that same build (TEST_SITE_DIR, TEST_SITE_LOG) and run on every core
# (pytest-xdist); each worker drives one browser.
test: $(VENV)/.test-deps browser-deps
	@mkdir -p build
	$(BIN)/mkdocs build --strict > build/site-build.log 2>&1 || { cat build/site-build.log; exit 1; }
	PYTHONPATH=hooks $(BIN)/python -m survivor_safety site --config mkdocs.yml
	TEST_SITE_DIR="$(CURDIR)/site" TEST_SITE_LOG="$(CURDIR)/build/site-build.log" $(BIN)/python -m pytest -n auto --dist worksteal

test-fast: $(VENV)/.test-deps
	$(BIN)/python -m pytest -n auto -m "not browser"

# The standalone safety check of the built site in site/.
verify-site: $(BIN)/mkdocs
	@test -f site/index.html || $(MAKE) build
	PYTHONPATH=hooks $(BIN)/python -m survivor_safety site --config mkdocs.yml

# Standalone link check of the built site (needs the network for external links).
check-links: $(BIN)/mkdocs
	@test -f site/index.html || $(MAKE) build
	PYTHONPATH=hooks $(BIN)/python -m link_check site --config mkdocs.yml

clean:
	rm -rf site build .cache test-artifacts
