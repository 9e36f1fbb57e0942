"""Before a submission runs: its graded cells, as the gradebook has them, whatever happened.

nbgrader's sanitizing (``Autograde.sanitize_preprocessors``) drops a student, or stops the
grading of the whole class, for what a student's editor can do to a notebook: a test cell
deleted after a locked cell, a graded cell pasted twice, a renamed ``grade_id``, metadata of an
old schema or none at all. These two preprocessors, set in ``nbgrader_config.py``, make each of
those cost the student only what depends on it. A submission no editor makes is not graded
at all (``grading_ungradable``).
"""

import contextlib
import functools
import json
import re
import types

import jsonschema
from nbgrader.nbgraderformat import MetadataValidator, common
from nbgrader.preprocessors import CheckCellMetadata, NbGraderPreprocessor, OverwriteCells

_METADATA = MetadataValidator()
_HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?",
                           re.MULTILINE | re.DOTALL)


class RepairCellMetadata(NbGraderPreprocessor):
    """Sanitize preprocessor, first of all: nbgrader metadata a submission broke is dropped.

    nbgrader stops the grading of the *whole class* at a cell whose metadata has an old or
    missing ``schema_version``, and drops a student at a graded cell without a ``grade_id``.
    Here such a cell is upgraded to the current schema when it can be, and becomes an ordinary
    cell when it cannot; ``RestoringOverwriteCells`` then puts back what was graded there.
    """

    def preprocess_cell(self, cell, resources, index):
        """Upgrade or drop the nbgrader metadata of one cell."""
        grading = cell.metadata.get("nbgrader")
        if grading is None:
            return cell, resources
        try:
            # Only what stops nbgrader is repaired: a full validation would cost 40 ms a notebook.
            if grading.get("schema_version") != _METADATA.schema_version:
                _METADATA.upgrade_cell_metadata(cell)
            if cell.metadata.nbgrader.get("schema_version") != _METADATA.schema_version:
                # A newer schema would stop the whole class (CheckedNotebookExporter grades
                # such a notebook 0 before this; here for a course that does not set it).
                raise ValueError("metadata of an unknown schema")
            flags = ("grade", "solution", "locked", "task")
            if (any(cell.metadata.nbgrader.get(flag) for flag in flags)
                    and not isinstance(cell.metadata.nbgrader.get("grade_id"), str)):
                raise ValueError("a graded, solution or locked cell without a grade_id")
        except Exception as error:  # whatever the student's editor left: the cell is plain
            self.log.warning("Cell %s: unusable nbgrader metadata (%s); treated as an ordinary "
                             "cell.", index, error)
            del cell.metadata["nbgrader"]
        return cell, resources


@functools.cache
def _validator(schema_text):
    schema = json.loads(schema_text)
    kind = jsonschema.validators.validator_for(schema)
    kind.check_schema(schema)
    return kind(schema)


def _validate(instance, schema):
    # What ``jsonschema.validate`` does, with the schema checked once, not at every cell.
    error = jsonschema.exceptions.best_match(
        _validator(json.dumps(schema, sort_keys=True)).iter_errors(instance))
    if error is not None:
        raise error


@contextlib.contextmanager
def _schema_checked_once():
    kept = common.jsonschema
    common.jsonschema = types.SimpleNamespace(validate=_validate)
    try:
        yield
    finally:
        common.jsonschema = kept


class SchemaOnceCheckCellMetadata(CheckCellMetadata):
    """nbgrader's check of every cell's grading metadata, its schema compiled once a process.

    nbgrader checks each cell with ``jsonschema.validate``, which first checks the schema
    itself against JSON Schema's own at every cell (7 ms a notebook of 03, twice a submission;
    1 ms here). The same schema, the same cells, the same errors.
    """

    def preprocess(self, nb, resources):
        """Check ``nb``'s cells as nbgrader does."""
        with _schema_checked_once():
            return super().preprocess(nb, resources)


class RestoringOverwriteCells(OverwriteCells):
    """nbgrader's ``OverwriteCells``, which puts back every graded cell a submission lost.

    nbgrader's own re-inserts a deleted graded cell only after a solution or graded cell, and
    drops the whole submission (``KeyError``) when the cell before it in the source was another
    kind (a locked setup cell, say), when a cell's ``grade_id`` is unknown, or when a pasted
    copy of a graded cell had its metadata cleared. Here a missing graded cell goes back where
    the submission still has its text (an editor dropped its metadata), or else after the
    nearest earlier cell of the source notebook that the submission still has; a cell with an
    unknown ``grade_id`` becomes an ordinary cell; and a known cell gets back its role (graded,
    solution) before its checksum is compared.
    """

    def preprocess(self, nb, resources):
        """Overwrite the graded cells from the gradebook; put back the missing ones."""
        self._roles = None
        return super().preprocess(nb, resources)

    def _source_roles(self):
        if self._roles is None:
            source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
            points = {cell.name: cell.max_score for cell in source.grade_cells}
            solutions = {cell.name for cell in source.solution_cells}
            self._roles = {cell.name: (cell.name in points, cell.name in solutions,
                                       points.get(cell.name)) for cell in source.source_cells}
        return self._roles

    def preprocess_cell(self, cell, resources, index):
        """Overwrite one cell from the gradebook, once its role is the source's."""
        grading = cell.metadata.get("nbgrader")
        grade_id = None if grading is None else grading.get("grade_id")
        if grading is not None and grade_id is None:
            # DeduplicateIds empties the metadata of all but the last copy of a cell: without
            # a schema_version, the empty metadata would stop the grading of the whole class.
            del cell.metadata["nbgrader"]
        elif grade_id is not None:
            if grade_id not in self._source_roles():
                self.log.warning("Cell %s: unknown grade_id %r; treated as an ordinary cell.",
                                 index, grade_id)
                del cell.metadata["nbgrader"]
                return cell, resources
            graded, solution, points = self._source_roles()[grade_id]
            cell.metadata.nbgrader.update(grade=graded, solution=solution)
            if graded:
                cell.metadata.nbgrader.setdefault("points", points)
        return super().preprocess_cell(cell, resources, index)

    def add_missing_grade_cells(self, nb, resources):
        """Put back each missing graded cell where the submission still has its text.

        Without its text, the cell goes after the nearest earlier source cell the submission
        still has.
        """
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = list(source.source_cells)
        solutions = {cell.name for cell in source.solution_cells}
        for graded in source.grade_cells:
            if _position(nb, graded.name) is not None:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", graded.name)
            cell = next(cell for cell in order if cell.name == graded.name)
            restored = self.missing_cell_transform(cell, graded.max_score,
                                                   is_solution=graded.name in solutions)
            # An editor that drops cell metadata (some do) leaves the test's own text behind.
            same_text = _unmarked_copy(nb, cell)
            if same_text is not None:
                nb.cells[same_text] = restored
                continue
            earlier = reversed(order[:order.index(cell)])
            anchor = next((found for found in (_located(nb, other) for other in earlier)
                           if found is not None), -1)
            nb.cells.insert(anchor + 1, restored)
        return nb, resources

    def add_missing_task_cells(self, nb, resources):
        """As nbgrader's, without failing on cells whose nbgrader metadata is empty."""
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        cells = {cell.name: cell for cell in source.source_cells}
        for task in source.task_cells:
            if _position(nb, task.name) is None:
                nb.cells.append(self.missing_cell_transform(cells[task.name], task.max_score,
                                                            is_task=True))
        return nb, resources


def _located(nb, source_cell):
    found = _position(nb, source_cell.name)
    return _unmarked_copy(nb, source_cell) if found is None else found


def _unmarked_copy(nb, source_cell):
    # A cell without nbgrader metadata whose text is the source cell's, or the students' copy
    # of it (hidden tests removed).
    texts = {source_cell.source.strip(), _HIDDEN_TESTS.sub("", source_cell.source).strip()}
    return next((index for index, cell in enumerate(nb.cells)
                 if "nbgrader" not in cell.metadata and cell.source.strip() in texts), None)


def _position(nb, grade_id):
    return next((index for index, cell in enumerate(nb.cells)
                 if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id), None)
