"""One record per graded part: the docs, the notebooks and the checks agree with it."""

import dataclasses
import importlib.util
import types
from pathlib import Path

import nbformat
import pytest

from mlp_helpers import checks, grading
from mlp_helpers.checks import registry as parts
from mlp_helpers.checks.engine import codes
from mlp_helpers.checks.kernel import edition
from mlp_helpers.grading.judge import calls_in

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("sync_parts", REPO / "scripts" / "sync_parts.py")
sync_parts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync_parts)


def test_the_table_of_graded_parts_in_the_docs_is_made_from_the_records():
    text = (REPO / "docs" / "diagnoses.md").read_text()
    table = text.split("<!-- graded parts -->\n")[1].split("\n<!-- end of graded parts -->")[0]
    assert table == parts.table(sync_parts.section_order(REPO)), (
        "run `make release` (or `python scripts/sync_parts.py`)")


def test_the_registry_holds_the_records_of_every_module_of_parts_it_finds():
    for path in sorted((REPO / "mlp_helpers" / "checks" / "parts").glob("*.py")):
        module = importlib.import_module(f"mlp_helpers.checks.parts.{path.stem}")
        for part in getattr(module, "PARTS", ()):
            assert checks.PARTS[part.name] is part, f"{path.stem}: {part.name}"


def test_within_an_assignment_the_parts_with_a_spec_are_judged_before_the_diagnosed():
    # A diagnoser swaps the references of the parts with a Spec into the student's loop: the
    # grader sends one only after its part's verdict (kernel.edition.NotJudgedYet).
    seen = {}
    for part in checks.PARTS.values():
        if part.spec is not None:
            assert not seen.get(part.assignment), f"{part.name} comes after a diagnosed part"
        else:
            seen[part.assignment] = True


class _Layer:
    def forward(self, z):
        return z


def test_a_spec_whose_reference_is_a_method_is_refused_when_the_registry_loads():
    record = dataclasses.replace(checks.PARTS["relu"], spec=dataclasses.replace(
        checks.PARTS["relu"].spec, reference=(_Layer().forward,)))
    module = types.SimpleNamespace(PARTS=(record,))
    with pytest.raises(ValueError, match=r"`relu`: its Spec's reference .* is not a function "
                       "defined at the top level of its module"):
        parts._collected([module])


def test_source_notebooks_and_docs_hold_the_points_the_records_give():
    # The working tree: a part recorded a minute ago is checked before it is committed.
    out_of_step = sync_parts.out_of_step(REPO)
    assert not out_of_step, (f"{sorted(str(path.relative_to(REPO)) for path in out_of_step)} "
                             "differ from the records of the graded parts: run `make release` "
                             "(or `python scripts/sync_parts.py`)")


def test_sync_writes_a_records_points_into_its_cell_heading_and_table(monkeypatch):
    record = checks.PARTS["relu_derivative"]
    monkeypatch.setitem(sync_parts.PARTS, "relu_derivative",
                        dataclasses.replace(record, points=5))
    path = REPO / "source" / "04_not_learning" / "04_not_learning.ipynb"
    cells = nbformat.reads(sync_parts.synced_notebook(path), as_version=4).cells
    test = next(cell for cell in cells if cell.metadata.get("nbgrader", {}).get("grade_id")
                == "test_relu_derivative")
    assert test.metadata.nbgrader["points"] == 5
    assert "| 2. `relu_derivative` | 5 |" in cells[0].source
    assert any(cell.source.startswith("## 2. Its derivative, from the activation (5 points)")
               for cell in cells)


def test_a_diagnosis_code_is_written_once_and_the_sync_writes_its_row(monkeypatch):
    new = codes.Code("dead-units", "units that never activate", "`np.maximum(z, 0) * 0`",
                     "Every unit is 0 on every example.", "relu-dead")
    monkeypatch.setattr(codes, "RECORDS", (*codes.RECORDS, new))
    text = sync_parts.synced_docs(REPO / "docs" / "diagnoses.md")
    assert ('| `dead-units` | units that never activate | `np.maximum(z, 0) * 0` | "Every unit '
            'is 0 on every example." | `relu-dead` |\n<!-- end of diagnosis codes -->') in text
    assert [code.name for code in codes.RECORDS[:-1]] == list(checks.CODES)


def test_sync_adds_the_test_cell_of_a_part_that_has_none():
    path = REPO / "source" / "01_xor" / "01_xor.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [cell for cell in notebook.cells
                      if cell.metadata.get("nbgrader", {}).get("grade_id") != "test_hidden_delta"]
    sync_parts.add_missing_test_cells(notebook, "01_xor")
    original = nbformat.read(path, as_version=4)
    assert [cell.source for cell in notebook.cells] == [cell.source for cell in original.cells]
    assert [cell.metadata for cell in notebook.cells] == [cell.metadata
                                                          for cell in original.cells]


def test_the_assignments_are_the_folders_of_source_and_the_records_name_them():
    # grading.ASSIGNMENTS comes from the records, the Makefile's from source/'s notebooks.
    folders = sorted(path.parent.name for path in (REPO / "source").glob("*/*.ipynb"))
    assert folders == list(grading.ASSIGNMENTS)


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


def test_each_part_judged_by_a_diagnoser_names_the_course_code_that_would_answer_it():
    # A graded kernel must not reach it: the kernel's edition stubs those functions' modules, and
    # the grader sends the kernel none of them while the part is still to be judged
    # (checks/kernel/edition.py). A part the course's network would answer names at least one.
    for name, part in checks.PARTS.items():
        if part.spec is not None:
            assert not part.implemented_by, f"{name}: its Spec's references say what answers it"
        elif part.network:
            assert part.implemented_by, (
                f"{name}: name the course's functions that would answer it in its record's "
                "implemented_by (mlp_helpers/checks/parts/)")
        for dotted in part.implemented_by:
            module = edition.module_of(dotted)
            found = importlib.import_module(f"mlp_helpers.{module}")
            for attribute in dotted.removeprefix(f"{module}.").split("."):
                found = getattr(found, attribute, None)
            assert callable(found), f"{name}: mlp_helpers.{dotted} is not a function"


def test_each_part_has_one_check_function_named_after_it():
    for name in checks.PARTS:
        check = getattr(checks, f"check_{name}")
        assert check.__name__ == f"check_{name}"
        assert name in check.__doc__ or checks.PARTS[name].answer in check.__doc__
