"""The assignments as authored: metadata, points, release, and nbgrader's validator."""

import ast
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from committed import course_bytes
from nbgrader.validator import Validator
from traitlets.config import Config

from mlp_helpers import checks, grading

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = grading.ASSIGNMENTS
# The graded parts of each assignment, from their records; the written answers, graded by
# hand, from the source notebooks.
GRADED = {assignment: [name for name, part in checks.PARTS.items() if part.assignment == assignment]
          for assignment in ASSIGNMENTS}
WRITTEN = {assignment: sorted(grading.hand_graded(REPO / "source" / assignment
                                                  / f"{assignment}.ipynb"))
           for assignment in ASSIGNMENTS}


def notebook(folder, assignment):
    """source/ of the working tree; release/ as staged (a learner may have filled it in)."""
    path = REPO / folder / assignment / f"{assignment}.ipynb"
    return nbformat.reads(course_bytes(path).decode(), as_version=4)


def grading_of(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("folder", ["source", "release"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebooks_are_stored_without_outputs(folder, assignment):
    for cell in notebook(folder, assignment).cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_first_code_cell_is_the_read_only_setup_with_the_checks(assignment):
    first = next(cell for cell in notebook("source", assignment).cells if cell.cell_type == "code")
    assert grading_of(first) == {"grade_id": "setup", "schema_version": 3, "solution": False,
                                 "grade": False, "locked": True}
    assert "import numpy as np" in first.source
    assert "from mlp_helpers import checks" in first.source


REIMPORTED = "again: a cell above may reuse the name"


# What grading never needs: the grader makes its own digits and trains the student's loop itself.
FOR_THE_STUDENT_ONLY = re.compile(r"load_mnist\w*|train\w*")


def unskipped_calls(tree, skipped=False):
    """Names of the calls ``FOR_THE_STUDENT_ONLY`` matches outside a block grading skips."""
    if isinstance(tree, ast.If) and "NBGRADER_EXECUTION" in ast.unparse(tree.test):
        skipped = True
    if isinstance(tree, ast.FunctionDef | ast.Lambda):
        return []  # defined here, run only when called
    found = []
    if isinstance(tree, ast.Call) and not skipped:
        name = ast.unparse(tree.func).rpartition(".")[2]
        found += [name] if FOR_THE_STUDENT_ONLY.fullmatch(name) else []
    for child in ast.iter_child_nodes(tree):
        found += unskipped_calls(child, skipped)
    return found


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_cells_that_load_the_digits_or_train_are_skipped_when_graded(assignment):
    # Loading MNIST in a graded kernel cost 0.11 s (03) and 0.23 s (05) for pixels no check read.
    for cell in notebook("source", assignment).cells:
        if cell.cell_type == "code" and not grading_of(cell).get("grade"):
            calls = unskipped_calls(ast.parse(cell.source))
            assert not calls, (grading_of(cell).get("grade_id"), calls)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_graded_part_has_its_solution_cell_and_a_test_cell_with_points(assignment):
    cells = {grading_of(cell).get("grade_id"): cell
             for cell in notebook("source", assignment).cells}
    for name in GRADED[assignment]:
        assert grading_of(cells[name])["solution"] is True
        assert grading_of(cells[name])["grade"] is False
        test = cells[f"test_{name}"]
        assert grading_of(test)["locked"] is True
        assert grading_of(test)["points"] > 0
        visible, hidden = test.source.split("### BEGIN HIDDEN TESTS\n")
        # The checks are imported again: a variable named `checks` above cannot break the test.
        assert visible == (f"from mlp_helpers import checks  # {REIMPORTED}\n"
                           f'checks.check_{name}(globals().get("{name}"))\n')
        assert hidden.startswith(f'checks.check_{name}(globals().get("{name}"), hidden=True')
        assert hidden.endswith("### END HIDDEN TESTS")
    for name in WRITTEN[assignment]:
        assert cells[name].cell_type == "markdown"
        assert grading_of(cells[name])["solution"] is True
        assert grading_of(cells[name])["grade"] is True
        assert grading_of(cells[name])["points"] > 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_table_in_the_introduction_matches_the_cells(assignment):
    cells = notebook("source", assignment).cells
    rows = re.findall(r"^\| \d\. .*\| (\d+) \|$", cells[0].source, re.M)
    points = grading.max_scores(REPO / "source" / assignment / f"{assignment}.ipynb")
    assert [float(row) for row in rows] == list(points.values())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_holds_no_solution_hidden_test_or_model_answer(assignment):
    source = {grading_of(cell).get("grade_id"): cell
              for cell in notebook("source", assignment).cells}
    text = course_bytes(REPO / "release" / assignment / f"{assignment}.ipynb").decode()
    for banned in ("BEGIN SOLUTION", "HIDDEN TESTS", "hidden=True", "expected="):
        assert banned not in text
    for name in WRITTEN[assignment]:
        assert source[name].source.splitlines()[0] not in text
    for name in GRADED[assignment]:
        body = grading.solutions(REPO / "source" / assignment / f"{assignment}.ipynb")[name]
        assert body.strip().splitlines()[-1] not in text


def validator(invert):
    config = Config()
    config.Validator.invert = invert
    config.Execute.timeout = 60
    return Validator(config=config)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_validate_passes_on_the_source_and_fails_on_the_release(tmp_path, assignment):
    # The validator executes the notebooks where they lie: work on copies.
    for folder in ("source", "release"):
        shutil.copytree(REPO / folder / assignment, tmp_path / folder)
        nbformat.write(notebook(folder, assignment), tmp_path / folder / f"{assignment}.ipynb")
    passed = validator(invert=False).validate(str(tmp_path / "source" / f"{assignment}.ipynb"))
    assert not passed.get("failed"), passed
    assert not passed.get("changed"), passed
    inverted = validator(invert=True).validate(str(tmp_path / "release" / f"{assignment}.ipynb"))
    assert inverted == {}, inverted  # no test cell passes when nothing is implemented
