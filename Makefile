# Two commands for everyone: `make lab` opens the course, `make test` runs every test.
# Both build the environment in .venv first when it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready

.PHONY: env lab test lint

$(READY): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Run make with PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

env: $(READY)

# jupyter/ holds the course's JupyterLab settings: START_HERE.md opens first, no news pop-up.
# LAB_ARGS passes extra options (the browser tests add --no-browser, a port and a token).
lab: $(READY)
	JUPYTER_CONFIG_PATH='$(CURDIR)/jupyter' $(BIN)/jupyter lab --notebook-dir=. $(LAB_ARGS)

test: $(READY)
	$(BIN)/python -m pytest
	$(BIN)/ruff check .

lint: $(READY)
	$(BIN)/ruff check .
