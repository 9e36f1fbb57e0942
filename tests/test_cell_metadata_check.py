"""nbgrader's check of the cells' grading metadata, as the course runs it: the schema compiled
once a process. It passes what nbgrader's passes and fails what nbgrader's fails, with the same
error, and leaves nbgrader as it found it.
"""

import copy

import nbformat
import pytest
from committed import ROOT
from nbgrader.nbgraderformat import ValidationError, common
from nbgrader.preprocessors import CheckCellMetadata

from mlp_helpers.grading.cells import SchemaOnceCheckCellMetadata


def _notebook():
    return nbformat.read(ROOT / "release" / "03_mnist" / "03_mnist.ipynb", as_version=4)


def _broken(change):
    notebook = _notebook()
    graded = next(cell for cell in notebook.cells
                  if cell.metadata.get("nbgrader", {}).get("grade"))
    change(graded.metadata.nbgrader)
    return notebook


BROKEN = {
    "points as text": lambda grading: grading.update(points="four"),
    "grade_id not text": lambda grading: grading.update(grade_id=3),
    "grade as text": lambda grading: grading.update(grade="yes"),
}


def test_a_released_notebook_passes_both_checks_unchanged():
    notebook = _notebook()
    kept = copy.deepcopy(notebook)
    for check in (CheckCellMetadata(), SchemaOnceCheckCellMetadata()):
        check.preprocess(notebook, {})
    assert notebook == kept
    assert common.jsonschema.validate.__module__.startswith("jsonschema")


@pytest.mark.parametrize("broken", BROKEN)
def test_broken_metadata_fails_both_checks_alike(broken):
    errors = []
    for check in (CheckCellMetadata(), SchemaOnceCheckCellMetadata()):
        with pytest.raises(ValidationError) as failure:
            check.preprocess(_broken(BROKEN[broken]), {})
        errors.append(str(failure.value))
    assert errors[0] == errors[1]
    assert common.jsonschema.validate.__module__.startswith("jsonschema")
