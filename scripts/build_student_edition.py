"""Build the student edition: what learners get, with no solution, hidden test or answer key.

    python scripts/build_student_edition.py [--out DIR]     (make student-edition)

The edition is a folder a learner clones or unpacks and runs with ``make lab``: the lectures
(``notebooks/``), the student versions of the assignments (``release/``, never ``source/``),
``START_HERE.md`` and the documents students read (``docs/conventions.md``,
``docs/diagnoses.md``), the package ``mlp_helpers`` and its ``pyproject.toml``, the course's
JupyterLab settings (``jupyter/``), a README for learners and a Makefile with the learners'
targets (``env``, ``lab``, ``check``).

What "without solutions" means here (docs/instructor-guide.md, "The student edition"):

- ``source/`` (solutions, hidden tests and the answer keys they pass, such as the codes
  ``learner_bugs`` expects and each broken run's cause) is not copied; the build stops if a
  solution or hidden-test marker, or any line of a hidden test, is found in any file.
- The package keeps its reference code: the lectures run on it. Copying it earns nothing: when a
  notebook is graded, the reference's functions are stubs in the grading kernel, and a graded
  function that calls the course's code is told so (``calls-reference``).
- ``assignments/broken_runs.py`` loses ``GOOD``, the settings that train well (a ready answer to
  ``fixed_settings``, and each run's cause by difference): its ``RUNS`` are written out as
  plain dicts instead (``without_good_settings``).
- ``mlp_helpers/grading/`` (the nbgrader plug-ins, the sandbox, the judge: the instructor's
  machinery, which needs ``source/``) is replaced by a stub whose ``python -m
  mlp_helpers.grading NOTEBOOK`` (``make check NB=...``) runs the notebook's visible tests
  in a fresh kernel, as JupyterLab's Validate does, and names each failing one.
"""

import argparse
import ast
import json
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = ("docs/conventions.md", "docs/diagnoses.md")
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
SKIPPED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")

README = """\
# Backpropagation from scratch: the student edition

You derive backpropagation, write it in numpy, check every gradient against finite differences
and train real networks: XOR first, then two hidden layers on real MNIST digits. Each
assignment's tests tell you *which* mistake you made, not only that a number is wrong.

## Start

You need Python 3.11 or newer and `make`. In this folder:

    make lab     # builds the environment in .venv (about a minute, once), then opens JupyterLab

JupyterLab opens on `START_HERE.md`, which walks you through the course: the lectures in
`notebooks/`, then the assignments in `release/`. If your `python3` is older than 3.11, point
`make` at a newer one: `make lab PYTHON=python3.12`.

## Check your work

    make check NB=release/01_xor/01_xor.ipynb

runs the notebook from the top in a fresh kernel, as **Validate** does in JupyterLab, and names
every visible test that still fails, with its message (exit status 1 while one fails). This
edition has no hidden tests: when your instructor grades your notebook, hidden tests run too,
on inputs drawn anew, so passing the visible tests is a good sign, not a guarantee.

## What is here

| folder | what |
| --- | --- |
| `notebooks/` | the lectures: read and run them in order |
| `release/` | the assignments, to fill in where a cell says `# YOUR CODE HERE` |
| `docs/` | the course's conventions and the mistakes its tests recognise |
| `mlp_helpers/` | the course's reference code, which the lectures run, and the tests' checks |

The reference code is there to read. Calling it from a graded function earns nothing: the
grader runs your notebook without it and tells you so.

The digits are the real MNIST threes and sevens (`mlp_helpers/data/README.md`: CC BY-SA 3.0).
"""

MAKEFILE = """\
# The student edition (README.md): `make lab` opens the course, `make check NB=...` runs a
# notebook's visible tests. Both build the environment in .venv first when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready

.PHONY: env lab check

$(READY): pyproject.toml
\t@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs \
Python 3.11 or newer; found " + sys.version.split()[0] + ". Run make with PYTHON=python3.11 (or \
newer).")'
\t$(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
\ttouch $@

env: $(READY)

# jupyter/ holds the course's JupyterLab settings: START_HERE.md opens first, no news pop-up.
lab: $(READY)
\tPATH='$(abspath $(BIN))':"$$PATH" JUPYTER_CONFIG_PATH='$(CURDIR)/jupyter' \\
\t    $(BIN)/jupyter lab --notebook-dir=. $(LAB_ARGS)

# The visible tests of one notebook: make check NB=release/01_xor/01_xor.ipynb
check: $(READY)
\t$(BIN)/python -m mlp_helpers.grading $(NB)
"""

GRADING_INIT = '''\
"""Not in the student edition: grading (the nbgrader plug-ins, the sandbox, the judge) is the
instructor's, with the hidden tests. ``python -m mlp_helpers.grading NOTEBOOK`` runs a
notebook's visible tests (``__main__``).
"""
'''

GRADING_MAIN = '''\
"""``python -m mlp_helpers.grading NOTEBOOK`` (``make check NB=...``): the visible tests only.

The notebook runs from the top in a fresh kernel, as JupyterLab's Validate does; each visible
test that fails is named with its message. Exit status 0 when all pass, 1 otherwise.
"""

import argparse
import sys
from pathlib import Path

from nbgrader.validator import Validator

HIDDEN = ("This edition has no hidden tests: your instructor's grade also runs those, on "
          "inputs drawn anew, so passing the visible tests is a good sign, not a guarantee.")


def main(argv=None):
    """Run the visible tests of one notebook and print what fails."""
    parser = argparse.ArgumentParser(prog="python -m mlp_helpers.grading",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    notebook = parser.parse_args(argv).notebook
    if not notebook.is_file():
        parser.exit(2, f"{notebook}: no such notebook\\n")
    results = Validator().validate(str(notebook))
    for cell in results.get("changed", []):
        print(f"CHANGED  a test cell was edited; put it back as it was:\\n    {cell['source']}")
    for cell in results.get("failed", []):
        lines = [line for line in cell["raw_error"].splitlines() if line.strip()]
        test = [line for line in cell["source"].splitlines() if line.strip()][-1]
        print(f"FAILED  {test.strip()}\\n    {lines[-1] if lines else 'an error'}")
    wrong = len(results.get("changed", [])) + len(results.get("failed", []))
    summary = f"{wrong} visible test(s) fail" if wrong else "every visible test passes"
    print(f"{notebook}: {summary}. {HIDDEN}")
    sys.exit(1 if wrong else 0)


main()
'''


def start_here(text):
    """``START_HERE.md`` for the edition: no instructors' section, the edition's ``make check``."""
    instructors = text.find("\n## For instructors")
    command_line = re.search(r"- \*\*On the command line\*\*.*?\n(?=\S)", text, re.DOTALL)
    if instructors < 0 or not command_line:
        sys.exit("START_HERE.md no longer has its '## For instructors' section or its '**On the "
                 "command line**' item: update scripts/build_student_edition.py (start_here).")
    end = text.find("\n## ", instructors + 1)
    text = text[:instructors + 1] + (text[end + 1:] if end >= 0 else "")
    return text.replace(command_line.group(0), (
        "- **On the command line**, the same visible tests, each failing one named with its "
        "message:\n\n      make check NB=release/01_xor/01_xor.ipynb\n\n"))


def without_good_settings(path):
    """The source of ``broken_runs.py`` (at ``path``) with its ``RUNS`` as plain dicts, no ``GOOD``.

    The lines from the comment above ``GOOD = ...`` to the end of ``RUNS = ...`` are replaced;
    the build stops if the module no longer has both, or if its runs would change.
    """
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    assigned = {node.targets[0].id: node for node in ast.parse(text).body
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}
    if "GOOD" not in assigned or "RUNS" not in assigned:
        sys.exit(f"{path} no longer assigns GOOD and RUNS: update "
                 "scripts/build_student_edition.py (without_good_settings).")
    first = assigned["GOOD"].lineno - 1
    while first > 0 and lines[first - 1].startswith("#"):
        first -= 1
    namespace = {}
    exec(compile(text, str(path), "exec"), namespace)  # the course's own module, to read RUNS
    runs = "".join(f"    {json.dumps(run)}: {json.dumps(settings)},\n"
                   for run, settings in namespace["RUNS"].items())
    written = ("# The five broken runs: each changes one thing from settings that train well.\n"
               f"RUNS = {{\n{runs}}}\n")
    rewritten = "".join([*lines[:first], written, *lines[assigned["RUNS"].end_lineno:]])
    check = {}
    exec(compile(rewritten, str(path), "exec"), check)
    if check["RUNS"] != namespace["RUNS"] or re.search(r"\bGOOD\b", rewritten):
        sys.exit(f"{path}: its runs could not be written out without GOOD: update "
                 "scripts/build_student_edition.py (without_good_settings).")
    return rewritten


def hidden_test_lines(source=REPO / "source"):
    """Every line of every hidden test of ``source/`` (the answer keys are in them), stripped."""
    found = set()
    for notebook in source.glob("*/*.ipynb"):
        for cell in json.loads(notebook.read_text())["cells"]:
            text = "".join(cell["source"])
            for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", text,
                                    re.DOTALL):
                found.update(line.strip() for line in block.splitlines()
                             if len(line.strip()) >= 12)
    return found


def leaks(out, forbidden):
    """``[(file, what)]``: each file of ``out`` holding a marker or a line of a hidden test."""
    found = []
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.suffix in (".npz", ".png"):
            continue
        text = path.read_text(errors="replace")
        found += [(path.relative_to(out), what) for what in (*MARKERS, *forbidden)
                  if what in text]
    return found


def build(out):
    """Write the edition into ``out`` (emptied first); return ``out``."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for folder in ("notebooks", "release", "mlp_helpers", "jupyter"):
        shutil.copytree(REPO / folder, out / folder, ignore=SKIPPED)
    (out / "jupyter" / "nbgrader_config.py").unlink()  # the instructor's: it loads grading
    runs = out / "mlp_helpers" / "assignments" / "broken_runs.py"
    runs.write_text(without_good_settings(runs))
    shutil.rmtree(out / "mlp_helpers" / "grading")
    (out / "mlp_helpers" / "grading").mkdir()
    (out / "mlp_helpers" / "grading" / "__init__.py").write_text(GRADING_INIT)
    (out / "mlp_helpers" / "grading" / "__main__.py").write_text(GRADING_MAIN)
    for document in DOCS:
        (out / document).parent.mkdir(exist_ok=True)
        shutil.copy(REPO / document, out / document)
    shutil.copy(REPO / "pyproject.toml", out)
    (out / "START_HERE.md").write_text(start_here((REPO / "START_HERE.md").read_text()))
    (out / "README.md").write_text(README)
    (out / "Makefile").write_text(MAKEFILE)
    found = leaks(out, hidden_test_lines())
    if found:
        shutil.rmtree(out)
        sys.exit("The student edition would hold what only instructors may see; nothing was "
                 "built:\n" + "\n".join(f"  {path}: {what!r}" for path, what in found))
    return out


def main(argv=None):
    """Command line: ``--out`` (default ``build/student-edition``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "student-edition")
    out = build(parser.parse_args(argv).out)
    files = sum(1 for path in out.rglob("*") if path.is_file())
    print(f"The student edition: {files} files in {out}")


if __name__ == "__main__":
    main()
