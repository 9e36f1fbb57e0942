"""Adding a graded part takes at most five hand-edited files: a dry run of docs/contributing.md.

In a copy of the course, a new part ``leaky_relu`` joins assignment 04 through four files: its
reference, its checks module (the ``Spec`` and the record), the source notebook (a heading and
the solution cell) and the student bank. ``scripts/sync_parts.py`` writes the rest (the test
cell, the points, the table of the notebook and of docs/diagnoses.md); then the tests of the
registry, the notebooks and the bank run in the copy, and pass. A part judged by a diagnoser,
``count_dead``, takes three: its record names the course's code that would answer it. A new
module of checks, and of the bank, is found where it is written: no list names it.
"""

import filecmp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = Path("source/04_not_learning/04_not_learning.ipynb")
COPIED = ["mlp_helpers", "scripts/sync_parts.py", "source", "release", "docs/diagnoses.md",
          "nbgrader_config.py", "pyproject.toml", "tests/conftest.py", "tests/committed.py",
          "tests/student_bank", "tests/test_parts.py", "tests/test_checks_bank.py",
          "tests/test_assignments.py"]

REFERENCE = '''

def leaky_relu(z):
    """``z`` where it is positive, ``0.01 * z`` elsewhere; ``z`` of any shape."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, 0.01 * z)
'''
CHECKS = '''

# --- leaky_relu -------------------------------------------------------------------------------

def _compare_leaky_relu(case, value):
    z = _z(case)
    return compare_array(case, "The result", value, np.where(z > 0, z, 0.01 * z), [
        Structure("wrong-formula", "relu", "You returned max(z, 0): the negative inputs keep "
                  "a small slope, 0.01 z, in the leaky ReLU.", lambda case: np.maximum(_z(case),
                                                                                      0.0))])


SPECS["leaky_relu"] = Spec("leaky_relu", ("z",), _relu_cases, _compare_leaky_relu,
                           (reference.leaky_relu,))'''
RECORD = '''    Part("leaky_relu", "04_not_learning", 1, "`leaky_relu(z)`",
         "`z` where positive and `0.01 z` elsewhere, on inputs with exact zeros",
         spec=SPECS["leaky_relu"]),
'''
BANK = '''

@correct("leaky_relu", "maximum")
def leaky_relu_maximum(z):
    return np.maximum(z, 0.01 * z)


@planted("leaky_relu", "wrong-formula", "plain-relu")
def leaky_relu_plain(z):
    return np.maximum(z, 0.0)
'''
# A part judged by a diagnoser of its own: no reference, no Spec.
DIAGNOSER = '''

# --- count_dead -------------------------------------------------------------------------------

def diagnose_count_dead(student, hidden=True):
    """Count the units of ``a`` (examples, units) that are 0 on every example."""
    a = np.maximum(seeded(4).normal(size=(6, 5)), 0.0)
    a[:, [1, 3]] = 0.0
    outcome = where(student).run([Call([a])])[0]
    if isinstance(outcome.error, guards.Absent):  # the name holds no function
        return absence("count_dead", outcome.error.kind, outcome.error.value)
    if outcome.error is not None or np.ndim(outcome.value) != 0 or outcome.value != 2:
        return Diagnosis("other", "`count_dead` should count the units (columns of `a`) that "
                         "are 0 for every example (row).")
    return None'''
DIAGNOSED = '''    Part("count_dead", "04_not_learning", 1, "`count_dead(a)`",
         "the units that are 0 on every example, on a batch with two of them",
         diagnose=diagnose_count_dead,
         implemented_by=frozenset({"lectures.diagnostics.dead_units"})),
'''
DIAGNOSED_BANK = '''

@correct("count_dead", "sum-of-all")
def count_dead_all(a):
    return int(np.sum(np.all(a == 0, axis=0)))


@planted("count_dead", "other", "rows")
def count_dead_rows(a):
    return int(np.sum(np.all(a == 0, axis=1)))
'''
HEADING = "## 9. The leaky ReLU (4 points)\n\nKeep a small slope for negative inputs: $0.01 z$."
SOLUTION = ('def leaky_relu(z):\n    """z where positive, 0.01 z elsewhere."""\n'
            "    ### BEGIN SOLUTION\n    return np.where(z > 0, z, 0.01 * z)\n"
            "    ### END SOLUTION")


def append(path, text, before=None):
    """``text`` added at the end of ``path``, or just before the last ``before`` in it."""
    content = path.read_text(encoding="utf-8")
    at = content.rindex(before) if before else len(content.rstrip("\n"))
    path.write_text(content[:at] + text + content[at:], encoding="utf-8")


def add_the_part(course, name="leaky_relu"):
    """The hand edits of docs/contributing.md, "Adding a part", in the copy ``course``.

    ``name`` is ``leaky_relu``, with a reference and a ``Spec``, or ``count_dead``, judged by a
    diagnoser.
    """
    module = course / "mlp_helpers" / "checks" / "parts" / "not_learning.py"
    notebook = nbformat.read(course / NOTEBOOK, as_version=4)
    if name == "leaky_relu":
        append(course / "mlp_helpers" / "activations.py", REFERENCE)
        checks, record, bank, cells = CHECKS, RECORD, BANK, (HEADING, SOLUTION)
    else:
        checks, record, bank = DIAGNOSER, DIAGNOSED, DIAGNOSED_BANK
        cells = ("## 9. Dead units\n\nCount the units that are 0 on every example.",
                 "def count_dead(a):\n    ### BEGIN SOLUTION\n"
                 "    return int(np.sum(np.all(a == 0, axis=0)))\n    ### END SOLUTION")
    append(module, checks, before="\n\n\n# The graded parts this module judges")
    append(module, record, before=")\n")
    solution = nbformat.v4.new_code_cell(cells[1])
    solution.metadata["nbgrader"] = {"grade": False, "grade_id": name, "locked": False,
                                     "schema_version": 3, "solution": True}
    notebook.cells += [nbformat.v4.new_markdown_cell(cells[0]), solution]
    nbformat.write(notebook, course / NOTEBOOK)
    append(course / "tests" / "student_bank" / "not_learning.py", bank)


def differing(course):
    """The copied files that differ from the repository's, and the new ones."""
    changed = []
    for path in sorted(course.rglob("*")):
        relative = path.relative_to(course)
        if path.is_file() and "__pycache__" not in relative.parts and (
                not (REPO / relative).exists() or not filecmp.cmp(path, REPO / relative,
                                                                   shallow=False)):
            changed.append(relative.as_posix())
    return changed


def copied(tmp_path_factory, part):
    """A copy of the course, with ``part`` added by hand (``add_the_part``)."""
    course = tmp_path_factory.mktemp("course")
    for name in COPIED:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, course / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (course / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, course / name)
    add_the_part(course, part)
    return course


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return copied(tmp_path_factory, "leaky_relu")


def run(course, *args):
    """``python *args`` in the copy, its package first on the path."""
    env = {**os.environ, "PYTHONPATH": str(course),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([sys.executable, *args], cwd=course, env=env, capture_output=True,
                          text=True, check=False)


def make_release(course):
    """What ``make release`` runs, for assignment 04: the sync, then nbgrader."""
    for command in (["scripts/sync_parts.py"],
                    ["-m", "nbgrader", "generate_assignment", "04_not_learning", "--force"]):
        done = run(course, *command)
        assert done.returncode == 0, done.stderr[-3000:]


def test_a_new_part_is_four_hand_edited_files_and_the_sync_writes_the_rest(course):
    edited = ["mlp_helpers/activations.py", "mlp_helpers/checks/parts/not_learning.py",
              NOTEBOOK.as_posix(), "tests/student_bank/not_learning.py"]
    assert differing(course) == edited
    make_release(course)
    released = f"release/{NOTEBOOK.relative_to('source').as_posix()}"
    assert differing(course) == sorted([*edited, "docs/diagnoses.md", "gradebook.db", released])
    assert "leaky_relu" in (course / released).read_text()
    assert "| 04_not_learning | `leaky_relu` | 1 | `leaky_relu(z)` |" in (
        course / "docs" / "diagnoses.md").read_text()
    cells = nbformat.read(course / NOTEBOOK, as_version=4).cells
    assert cells[-3].source == "## 7. The leaky ReLU (1 point)\n\nKeep a small slope for " \
                               "negative inputs: $0.01 z$."
    assert cells[-1].metadata.nbgrader["grade_id"] == "test_leaky_relu"
    assert cells[-1].metadata.nbgrader["points"] == 1
    assert "| 7. `leaky_relu` | 1 |" in cells[0].source
    assert run(course, "scripts/sync_parts.py", "--check").returncode == 0


def test_the_registry_notebook_and_bank_tests_pass_with_the_new_part(course):
    make_release(course)
    tests = run(course, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
                "tests/test_parts.py", "tests/test_assignments.py", "tests/test_checks_bank.py",
                "-k", "not test_checks_bank or leaky_relu or graded_part")
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "leaky_relu-plain-relu" in run(course, "-m", "pytest", "--collect-only", "-q",
                                          "tests/test_checks_bank.py").stdout


def test_a_part_judged_by_a_diagnoser_is_three_hand_edited_files(tmp_path_factory):
    course = copied(tmp_path_factory, "count_dead")
    assert differing(course) == ["mlp_helpers/checks/parts/not_learning.py", NOTEBOOK.as_posix(),
                                 "tests/student_bank/not_learning.py"]
    make_release(course)
    tests = run(course, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
                "tests/test_parts.py", "tests/test_assignments.py", "tests/test_checks_bank.py",
                "-k", "not test_checks_bank or count_dead or graded_part")
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "count_dead-rows" in run(course, "-m", "pytest", "--collect-only", "-q",
                                    "tests/test_checks_bank.py").stdout
    # The kernel of a notebook of 04 being graded cannot call the course's code that answers it.
    edition = run(course, "-c", "from mlp_helpers.checks.kernel import edition; "
                  "print(edition.formula_modules('04_not_learning'))")
    assert "'lectures.diagnostics'" in edition.stdout, edition.stderr[-3000:]


NEW_MODULE = '''"""Checks of a new topic: ``count_dead``."""

import numpy as np

from mlp_helpers.checks.engine import guards
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.fixtures import seeded
from mlp_helpers.checks.engine.running import Call, absence, where
from mlp_helpers.checks.part import Part
''' + DIAGNOSER + '''


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
''' + DIAGNOSED + ''')
'''


def test_a_new_module_of_parts_and_of_the_bank_is_found_without_a_line_elsewhere(tmp_path):
    for name in ("mlp_helpers", "tests/student_bank"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "mlp_helpers" / "checks" / "parts" / "dead_units.py").write_text(NEW_MODULE)
    bank = "import numpy as np\n\nfrom student_bank import correct, planted" + DIAGNOSED_BANK
    (tmp_path / "tests" / "student_bank" / "dead_units.py").write_text(bank)
    script = ("import json; from mlp_helpers import checks; from student_bank import ENTRIES\n"
              "print(json.dumps([[name for name, part in checks.PARTS.items()\n"
              "                   if part.assignment == '04_not_learning'],\n"
              "                  [[str(e), getattr(checks.diagnose(e.name, e.function),\n"
              "                                    'code', None)]\n"
              "                   for e in ENTRIES if e.name == 'count_dead']]))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(tmp_path / "tests")])}
    found = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=False)
    assert found.returncode == 0, found.stderr[-3000:]
    in_04, entries = json.loads(found.stdout)
    # Judged after the parts with a Spec of its assignment (in the order of the modules' names).
    assert in_04[:2] == ["relu", "relu_derivative"]
    assert "count_dead" in in_04[2:]
    assert entries == [["count_dead-sum-of-all", None], ["count_dead-rows", "other"]]
