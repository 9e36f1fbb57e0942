# Two commands for everyone: `make lab` opens the course, `make test` runs every test.
# Both build the environment in .venv first when it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready

.PHONY: env lab test lint

$(READY): pyproject.toml jupyter/nbgrader_config.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Run make with PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	install -D -m 644 jupyter/nbgrader_config.py $(VENV)/etc/jupyter/nbgrader_config.py
	touch $@

env: $(READY)

# jupyter/ holds the course's JupyterLab settings: START_HERE.md opens first, no news pop-up.
# The venv's bin/ goes first on PATH because formgrader runs `alembic` to create the gradebook.
# LAB_ARGS passes extra options (the browser tests add --no-browser, a port and a token).
lab: $(READY)
	PATH='$(abspath $(BIN))':"$$PATH" JUPYTER_CONFIG_PATH='$(CURDIR)/jupyter' \
	    $(BIN)/jupyter lab --notebook-dir=. $(LAB_ARGS)

# Both cores: a test file runs whole on one worker, so its module fixtures run once.
test: $(READY)
	$(BIN)/python -m pytest -n auto --dist loadfile
	$(BIN)/ruff check .

lint: $(READY)
	$(BIN)/ruff check .

# The student notebooks in release/ are generated from source/ (solutions and hidden tests
# removed); a test fails when the committed release/ differs from what this makes. First the
# graded parts' records are written into source/ and docs/diagnoses.md (their points, test
# cells, section numbers and tables: scripts/sync_parts.py, docs/contributing.md).
ASSIGNMENTS := $(sort $(basename $(notdir $(wildcard source/*/*.ipynb))))
.PHONY: release check
release: $(READY)
	$(BIN)/python scripts/sync_parts.py
	for id in $(ASSIGNMENTS); do PATH='$(CURDIR)/$(BIN)':"$$PATH" $(BIN)/nbgrader generate_assignment $$id --force || exit 1; done

# Grade one notebook with the hidden tests, as the instructor would, its code in the sandbox:
#   make check NB=release/02_mse_gradient/02_mse_gradient.ipynb
# Where bubblewrap is missing it refuses and says why; UNSANDBOXED=1 grades with no sandbox at
# all (your own notebook only).
check: $(READY)
	$(BIN)/python -m mlp_helpers.grading $(NB) $(if $(filter 1,$(UNSANDBOXED)),--unsandboxed)

# The course as a static website in build/site/ (README, "The course as a website"): every
# lecture run once in a fresh kernel, the student assignments, the docs, a local MathJax.
# SITE_DIR builds elsewhere; REPOSITORY (the repository's address) adds a clone link to the pages.
SITE_DIR ?= build/site
.PHONY: site
site: $(READY)
	$(BIN)/python scripts/build_site.py --out '$(SITE_DIR)' $(if $(REPOSITORY),--repository '$(REPOSITORY)')

# Speed of the reference against PyTorch, of grading, of the sandbox and of the whole course
# (benchmarks/README.md). PyTorch is optional: `.venv/bin/pip install -e '.[bench]'`; without it
# only numpy is timed. The sandbox's benchmark needs bubblewrap.
.PHONY: bench
bench: $(READY)
	$(BIN)/python -m benchmarks.training
	$(BIN)/python -m benchmarks.grading
	$(BIN)/python -m benchmarks.sandbox
	$(BIN)/python -m benchmarks.class_parallel
	$(BIN)/python -m benchmarks.course

# A JupyterHub for one class on this server (docs/hub.md), as root:
#   sudo make hub ROSTER=roster.csv
# installs JupyterHub and the course in /opt/backprop-hub, creates the roster's Unix accounts,
# the grader account, the course folder and the shared exchange; then start it with
# `sudo /opt/backprop-hub/bin/start-hub`.
.PHONY: hub
hub:
	hub/setup.sh $(ROSTER)

# PyTorch for lecture 5, which compares its autograd with torch.autograd when torch imports
# (a CPU wheel; the lecture runs without it). Not part of `make env`.
.PHONY: torch
torch: $(READY)
	$(BIN)/python -m pip install -e '.[torch]'

# What students get, in build/student-edition/ (docs/instructor-guide.md, "The student edition"):
# the lectures, the released assignments, START_HERE, the docs students read and the package,
# with no source/, hidden test or answer key, and a Makefile with `lab` and `check`.
# STUDENT_EDITION_DIR builds elsewhere.
STUDENT_EDITION_DIR ?= build/student-edition
.PHONY: student-edition
student-edition: $(READY)
	$(BIN)/python scripts/build_student_edition.py --out '$(STUDENT_EDITION_DIR)'
