"""Notebooks are committed without outputs or execution counts (reviewable diffs).

The staged version is checked (``tests/committed.py``): a learner's working copy fills up with
outputs as they run the course, and that is theirs, not the repository's; a maintainer's
notebook is checked once it is ``git add``-ed, before it is committed.
"""

import nbformat
import pytest
from committed import ROOT, staged_bytes, tracked_files

NOTEBOOKS = tracked_files("*.ipynb")


def test_the_course_has_notebooks_to_check():
    assert any(path.parent.name == "notebooks" for path in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.reads(staged_bytes(path).decode(), as_version=4)
    dirty = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, (f"{path.relative_to(ROOT)} has outputs or execution counts in cells "
                       f"{dirty}; clear them (Edit > Clear Outputs of All Cells) and save.")
