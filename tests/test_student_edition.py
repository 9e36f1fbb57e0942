"""The student edition (``make student-edition``): what learners get, and nothing instructors keep.

The edition is built once into a temporary folder; every file in it is searched for solution
and hidden-test markers and for every line of every hidden test of ``source/`` (which holds the
answer keys, such as each broken run's cause). Its package is imported and its ``make check``
run with the repository's environment, the edition's folder first on ``PYTHONPATH``.
"""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mlp_helpers import grading

REPO = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition") / "student-edition"
    built = subprocess.run([sys.executable, str(REPO / "scripts" / "build_student_edition.py"),
                            "--out", str(out)], capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("The student edition: ")
    return out


def every_file(edition):
    return [path for path in sorted(edition.rglob("*")) if path.is_file()]


def hidden_tests():
    """``{notebook: [hidden test code]}`` of every source notebook."""
    found = {}
    for notebook in sorted(REPO.glob("source/*/*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            found.setdefault(notebook.name, []).extend(re.findall(
                r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", "".join(cell["source"]),
                re.DOTALL))
    return found


def answer_keys():
    """Each ``expected=`` a hidden test passes (the answer keys), as Python values."""
    keys = []
    for blocks in hidden_tests().values():
        for block in blocks:
            for call in ast.walk(ast.parse(block)):
                keys += [ast.literal_eval(keyword.value) for keyword in
                         getattr(call, "keywords", []) if keyword.arg == "expected"]
    return keys


def test_the_edition_has_the_lectures_the_assignments_and_what_students_read(edition):
    lectures = sorted(path.name for path in (REPO / "notebooks").glob("*.ipynb"))
    assert sorted(path.name for path in (edition / "notebooks").glob("*.ipynb")) == lectures
    for released in REPO.glob("release/*/*.ipynb"):
        copy = edition / released.relative_to(REPO)
        assert copy.read_bytes() == released.read_bytes()
    for name in ("START_HERE.md", "README.md", "Makefile", "pyproject.toml",
                 "docs/conventions.md", "docs/diagnoses.md", "mlp_helpers/data/mnist_3_7.npz"):
        assert (edition / name).is_file(), name
    assert "make check NB=release/01_xor/01_xor.ipynb" in (edition / "README.md").read_text()


def test_the_edition_holds_no_source_no_instructor_file_and_no_marker(edition):
    names = {str(path.relative_to(edition)) for path in every_file(edition)}
    assert not any(name.startswith(("source/", "tests/", "hub/", "scripts/")) for name in names)
    assert not {"docs/instructor-guide.md", "docs/hub.md", "nbgrader_config.py",
                "jupyter/nbgrader_config.py", "gradebook.db"} & names
    assert not any("__pycache__" in name or ".ipynb_checkpoints" in name for name in names)
    for path in every_file(edition):
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert not [marker for marker in MARKERS if marker in text], path


def test_no_hidden_test_and_no_answer_key_is_in_any_file(edition):
    lines = {line.strip() for blocks in hidden_tests().values() for block in blocks
             for line in block.splitlines() if len(line.strip()) >= 12}
    keys = answer_keys()
    assert len(lines) > 10
    assert any(isinstance(key, dict) for key in keys)  # run_causes' key
    assert any(isinstance(key, set) for key in keys)  # learner_bugs' key
    pairs = [(run, cause) for key in keys if isinstance(key, dict) for run, cause in key.items()]
    for path in every_file(edition):
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert not [line for line in lines if line in text], path
        # A run's cause written as a mapping, however it is spaced or quoted.
        assert not [pair for pair in pairs if re.search(
            rf"""["']{pair[0]}["']\s*:\s*["']{pair[1]}["']""", text)], path


def test_the_broken_runs_are_there_and_the_settings_that_fix_them_are_not(edition):
    from mlp_helpers.assignments import broken_runs

    for path in edition.rglob("*.py"):
        assert not re.search(r"\bGOOD\b", path.read_text()), path
    done = run_in(edition, sys.executable, "-c", (
        "import json\n"
        "from mlp_helpers.assignments import broken_runs\n"
        "from mlp_helpers import checks\n"
        "print(json.dumps(broken_runs.RUNS))\n"
        "print(hasattr(broken_runs, 'GOOD'))\n"
        "checks.check_run_causes({run: 'saturation' for run in broken_runs.RUNS})\n"))
    runs, has_good = done.stdout.splitlines()
    assert json.loads(runs) == broken_runs.RUNS
    assert has_good == "False"
    # The visible check still refuses a cause that contradicts what a run shows.
    assert "CheckFailed: `run_causes`: run A is not a case of saturation" in done.stderr


def test_every_link_between_the_edition_s_pages_leads_somewhere(edition):
    for page in [*edition.glob("*.md"), *edition.glob("docs/*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links to {target}"
    assert "instructor" not in (edition / "START_HERE.md").read_text().lower()


def run_in(edition, *command):
    """``command`` in the edition's folder, with its package first on ``PYTHONPATH``."""
    return subprocess.run(command, cwd=edition, capture_output=True, text=True, check=False,
                          env={**grading.environment(), "PYTHONPATH": str(edition)},
                          timeout=300)


def test_the_package_imports_from_the_edition_and_a_visible_check_diagnoses(edition):
    done = run_in(edition, sys.executable, "-c", (
        "import numpy as np, mlp_helpers\n"
        "from mlp_helpers import checks\n"
        "print(mlp_helpers.__file__)\n"
        "def hidden_delta(delta_next, W_next, a):\n"
        "    return (delta_next @ W_next.T) * (1 - a)\n"
        "checks.check_hidden_delta(hidden_delta)\n"))
    assert done.stdout == f"{edition / 'mlp_helpers' / '__init__.py'}\n"
    assert "CheckFailed: `hidden_delta`: You used 1 - a as the derivative" in (
        done.stderr.strip().splitlines()[-1])


def make_check(edition, notebook):
    # No "Entering directory" lines when the tests themselves run under make.
    return run_in(edition, "make", "--no-print-directory", "-o", f"{VENV}/.ready", "check",
                  f"NB={notebook}", f"VENV={VENV}")


@pytest.mark.slow
def test_make_check_names_every_visible_test_that_fails(edition):
    done = make_check(edition, "release/01_xor/01_xor.ipynb")
    assert done.returncode == 2  # make's status when the check exits 1
    assert "FAILED  checks.check_sigmoid(globals().get(\"sigmoid\"))\n    CheckFailed: `sigmoid` " \
           "still raises NotImplementedError" in done.stdout
    assert done.stdout.rstrip().endswith(
        "release/01_xor/01_xor.ipynb: 7 visible test(s) fail. This edition has no hidden tests: "
        "your instructor's grade also runs those, on inputs drawn anew, so passing the visible "
        "tests is a good sign, not a guarantee.")
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.slow
def test_make_check_passes_a_solved_notebook(edition, tmp_path):
    solved = grading.fill_in(REPO / "release" / "01_xor" / "01_xor.ipynb",
                             grading.solutions(REPO / "source" / "01_xor" / "01_xor.ipynb"))
    nbformat.write(solved, edition / "release" / "01_xor" / "mine.ipynb")
    try:
        done = make_check(edition, "release/01_xor/mine.ipynb")
    finally:
        os.remove(edition / "release" / "01_xor" / "mine.ipynb")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith(
        "release/01_xor/mine.ipynb: every visible test passes. This edition has no hidden tests")


def test_the_self_check_of_a_missing_notebook_says_so(edition):
    done = run_in(edition, sys.executable, "-m", "mlp_helpers.grading", "nowhere.ipynb")
    assert done.returncode == 2
    assert done.stderr == "nowhere.ipynb: no such notebook\n"
