# Two commands: `make demo` renders the sample report, `make test` runs every check.
# Both create .venv with the machine's python3 and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The semantic extra needs torch: pin the CPU build first, or pip takes a CUDA build of several GB.
TORCH ?= 2.13.0

.PHONY: demo test install browser java lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev,semantic,spark]"
	touch $@

install: $(VENV)/.installed

# Headless Chromium for the browser tests and the PDF, pdftotext to read the PDF back (Debian packages);
# tests skip with a reason if they cannot be had.
browser:
	@{ command -v chromium && command -v pdftotext ; } >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  command -v apt-get >/dev/null 2>&1 && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null) ; } \
	  || echo "chromium or pdftotext could not be installed: browser and PDF tests will be skipped"

# Java for the Spark engine's tests (pyspark 4 needs 17 or newer); Debian's headless JRE where it is missing.
# The Spark tests skip with a reason if Java cannot be had.
java:
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null) ; } \
	  || echo "java could not be installed: the Spark engine's tests will be skipped"

# The sample client's first engagement, then its later one compared with the first (re-assessment).
demo: install
	$(BIN)/support-toolkit report --demo --engagement toolkit/samples/data/engagement.yaml --out reports
	$(BIN)/support-toolkit report --demo-after --baseline reports/sample-engagement.bundle --out reports

lint: install
	$(BIN)/ruff check toolkit tests benchmarks

test: install browser java lint
# Doctests: every module in toolkit/ (importing one is cheap and has no side effects). The notebooks run once,
# through the notebooks/ link, not a second time from the package folder it points at. One worker per core, each
# test file whole on one worker (tests/conftest.py schedules them).
	$(BIN)/python -m pytest -n auto --nbval-lax --doctest-modules --ignore=toolkit/notebooks tests toolkit \
	  $(wildcard notebooks/*.ipynb)

clean:
	rm -rf $(VENV) reports
