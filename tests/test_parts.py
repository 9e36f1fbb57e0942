"""One record per graded part: the docs, the notebooks and the checks agree with it."""

from pathlib import Path

import nbformat
import pytest

from mlp_helpers import checks, grading
from mlp_helpers.checks import registry as parts
from mlp_helpers.grading.judge import calls_in

REPO = Path(__file__).resolve().parents[1]


def test_the_table_of_graded_parts_in_the_docs_is_made_from_the_records():
    text = (REPO / "docs" / "diagnoses.md").read_text()
    table = text.split("<!-- graded parts -->\n")[1].split("\n<!-- end of graded parts -->")[0]
    assert table == parts.table(), "run `python -m mlp_helpers.checks` and paste its table"


@pytest.mark.parametrize("assignment", grading.ASSIGNMENTS)
def test_every_test_cell_checks_a_recorded_part_worth_the_recorded_points(assignment):
    source = nbformat.read(REPO / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    tested = {}
    for cell in source.cells:
        grading_metadata = cell.metadata.get("nbgrader", {})
        if grading_metadata.get("grade") and not grading_metadata.get("solution"):
            named = {call.part for call in calls_in(cell.source)}
            assert named == {grading_metadata["grade_id"].removeprefix("test_")}, cell.source
            tested[named.pop()] = grading_metadata["points"]
    recorded = {name: part.points for name, part in checks.PARTS.items()
                if part.assignment == assignment}
    assert tested == recorded


def test_each_part_has_one_check_function_named_after_it():
    for name in checks.PARTS:
        check = getattr(checks, f"check_{name}")
        assert check.__name__ == f"check_{name}"
        assert name in check.__doc__ or checks.PARTS[name].answer in check.__doc__
