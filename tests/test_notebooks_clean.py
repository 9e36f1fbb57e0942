"""Notebooks are committed without outputs or execution counts (reviewable diffs)."""

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".venv", "submitted", "autograded", "feedback", ".ipynb_checkpoints"}
NOTEBOOKS = sorted(path for path in ROOT.rglob("*.ipynb")
                   if not SKIPPED & set(path.relative_to(ROOT).parts))


def test_the_course_has_notebooks_to_check():
    assert any(path.parent.name == "notebooks" for path in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    dirty = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, (f"{path.relative_to(ROOT)} has outputs or execution counts in cells "
                       f"{dirty}; clear them (Edit > Clear Outputs of All Cells) and save.")
