"""A submission that cannot be graded: not read, not run, scored 0 with the reason.

A notebook no editor makes (not a regular file, too large, not a valid notebook, too many
cells, duplicate or missing cell ids, nbgrader metadata of a newer schema or of the wrong type)
would make nbgrader follow a link, wait forever on a pipe, or stop the whole class.
``CheckedNotebookExporter`` looks at it first (``submission_problem``) and has nbgrader grade a
stand-in instead: the student scores 0 and reads why in the feedback, the log names them, and
the class goes on.
"""

import json
import os
import re
import stat

import nbformat
from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import ExecutePreprocessor
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Unicode

from mlp_helpers.grading.limits import MB, GradingLimits

_METADATA = MetadataValidator()
ADVICE = ("Open your notebook in JupyterLab, check that your answers are there, save it and "
          "submit it again. If this message seems wrong to you, show it to your instructor.")
SAVE_IN_JUPYTERLAB = ("Opening the notebook in JupyterLab and saving it gives every cell an id of "
                      "its own.")
_CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
# The types nbgrader's editors write in a cell's nbgrader metadata.
_FIELDS = {"grade": (bool,), "solution": (bool,), "locked": (bool,), "task": (bool,),
           "grade_id": (str, type(None)), "cell_type": (str,), "checksum": (str,),
           "points": (int, float)}


class CheckedNotebookExporter(NotebookExporter):
    """The exporter of ``nbgrader autograde``, which grades a broken submission 0, with why.

    Set as ``c.Autograde.exporter_class``. nbgrader reads a submitted notebook as it finds it:
    it follows a link, waits forever on a pipe, parses a file of any size, and one cell with
    nbgrader metadata of a newer schema stops the grading of the whole class
    (``SchemaTooNewError``). Here, before nbgrader reads it, a submission is checked
    (``submission_problem``). One that cannot be graded is neither read nor run: nbgrader grades
    a stand-in instead, the notebook's graded cells from the gradebook under a first cell that
    says why, each test failing with that reason. The student scores 0 and reads why in the
    feedback, the log names them, and the class goes on.
    """

    _stand_ins = None

    def from_filename(self, filename, resources=None, **kw):
        """Export ``filename``, or a stand-in when the submission cannot be graded."""
        self._stand_ins = self._stand_ins or {}
        ids = (resources or {}).get("nbgrader", {})
        key = (ids.get("student"), ids.get("notebook"))
        # nbgrader reads each notebook twice: the submission to sanitize it, then its own copy
        # in autograded/ to run it.
        if not getattr(self.parent, "_sanitizing", True):
            reason = self._stand_ins.pop(key, None)
            return (super().from_filename(filename, resources, **kw) if reason is None
                    else self._not_run(filename, resources, reason, **kw))
        reason = submission_problem(filename, GradingLimits(parent=self))
        if reason is None:
            return super().from_filename(filename, resources, **kw)
        self.log.error("%s: %s is not graded, every part scores 0: %s", key[0], filename,
                       reason)
        self._stand_ins[key] = reason
        resources = self._init_resources(resources)
        resources["metadata"].update(name=key[1], path=os.path.dirname(filename))
        return self.from_notebook_node(stand_in(reason, ids), resources, **kw)

    def _not_run(self, filename, resources, reason, **kw):
        # The stand-in is not run: its tests fail with the reason, then nbgrader goes on.
        kept = self._preprocessors
        self._preprocessors = [NotGraded(reason=reason, parent=self)] + [
            preprocessor for preprocessor in kept
            if not isinstance(preprocessor, ExecutePreprocessor)]
        try:
            return super().from_filename(filename, resources, **kw)
        finally:
            self._preprocessors = kept


class NotGraded(NbGraderPreprocessor):
    """Every test cell fails with ``reason``: the submission could not be graded."""

    reason = Unicode("")

    def preprocess_cell(self, cell, resources, index):
        """Fail one test cell with the reason."""
        if is_grade(cell) and not is_solution(cell) and cell.cell_type == "code":
            message = f"your notebook could not be graded: {self.reason}"
            cell.outputs = [new_output("error", ename="NotGraded", evalue=message,
                                       traceback=[f"NotGraded: {message}"])]
        return cell, resources


def stand_in(reason, ids):
    """The notebook graded in place of one that cannot be: its graded cells, failing.

    ``ids`` is nbgrader's ``resources["nbgrader"]`` (gradebook, assignment, notebook). Each
    graded or task cell is the gradebook's own, unanswered, so that nbgrader scores it 0.
    """
    with Gradebook(ids["db_url"]) as gradebook:
        source = gradebook.find_notebook(ids["notebook"], ids["assignment"])
        points = {cell.name: cell.max_score for cell in source.grade_cells}
        tasks = {cell.name: cell.max_score for cell in source.task_cells}
        solutions = {cell.name for cell in source.solution_cells}
        cells = [_unanswered(cell, points, tasks, solutions) for cell in source.source_cells
                 if cell.name in points or cell.name in tasks]
    note = new_markdown_cell(f"**Your notebook could not be graded, and every part scores "
                             f"0:** {reason}\n\n{ADVICE}")
    return new_notebook(cells=[note, *cells])


def _unanswered(cell, points, tasks, solutions):
    grading = {"grade": cell.name in points, "solution": cell.name in solutions,
               "locked": cell.locked, "grade_id": cell.name, "schema_version": 3,
               "checksum": cell.checksum, "cell_type": cell.cell_type}
    if cell.name in points:
        grading["points"] = points[cell.name]
    if cell.name in tasks:
        grading.update(task=True, points=tasks[cell.name])
    make = new_code_cell if cell.cell_type == "code" else new_markdown_cell
    return make(cell.source, metadata={"nbgrader": grading})


def submission_problem(path, limits):
    """Why the submitted notebook at ``path`` cannot be graded, in words for the student; or None.

    ``limits`` is a ``GradingLimits``. The file is looked at without following a link, and read
    only when it is a regular file within the size limit.
    """
    name = os.path.basename(path)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            return f"{name} in your submission is a symbolic link, not a notebook file."
        if not stat.S_ISREG(info.st_mode):
            return f"{name} in your submission is not a file (a folder, a pipe or a device)."
        limit = int(limits.notebook_file_mb * MB)
        if info.st_size <= limit:
            with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK),
                           "rb") as file:
                data = file.read(limit + 1)
    except OSError as error:
        return f"{name} in your submission could not be read ({error.strerror})."
    if info.st_size > limit or len(data) > limit:
        return (f"the notebook file is {max(info.st_size, len(data)) / MB:.1f} MB, and the "
                f"grader takes notebooks of up to {limits.notebook_file_mb:g} MB. Outputs "
                "count: clear them (Edit > Clear Outputs of All Cells) and save again.")
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError) as error:
        return (f"the file is not a valid notebook ({' '.join(str(error).split())[:120]}): it "
                "was cut short or changed outside JupyterLab.")
    return _notebook_problem(raw, limits)


def _notebook_problem(raw, limits):
    if not (isinstance(raw, dict) and raw.get("nbformat") == 4
            and isinstance(raw.get("cells"), list)):
        return "the file is not a Jupyter notebook of version 4, the one JupyterLab saves."
    cells = raw["cells"]
    if len(cells) > limits.cells:
        return (f"the notebook has {len(cells)} cells, and the grader takes notebooks of up "
                f"to {limits.cells} cells.")
    seen = {}
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            return f"cell {number} is not a notebook cell."
        if not isinstance(cell.get("metadata", {}), dict):
            return f"cell {number} has metadata that is not a mapping."
        problem = _id_problem(cell.get("id"), seen, number, raw.get("nbformat_minor"))
        if problem is None and "nbgrader" in cell.get("metadata", {}):
            problem = _grading_problem(cell["metadata"]["nbgrader"])
        if problem:
            return f"cell {number} {problem}"
    try:
        nbformat.validate(nbformat.from_dict(raw), relax_add_props=True)
    except nbformat.ValidationError as error:
        return (f"the file is not a valid notebook ({' '.join(error.message.split())[:120]}): "
                "it was changed outside JupyterLab.")
    return None


def _id_problem(cell_id, seen, number, minor):
    # Notebooks of format 4.5 on (JupyterLab's) give every cell an id of its own.
    if not isinstance(minor, int) or minor < 5:
        return None
    if cell_id is None:
        return f"has no id. {SAVE_IN_JUPYTERLAB}"
    if not (isinstance(cell_id, str) and _CELL_ID.fullmatch(cell_id)):
        return f"has an id that is not a cell id ({str(cell_id)[:40]!r}). {SAVE_IN_JUPYTERLAB}"
    if cell_id in seen:
        return f"has the same id as cell {seen[cell_id]} ({cell_id!r}). {SAVE_IN_JUPYTERLAB}"
    seen[cell_id] = number
    return None


def _grading_problem(grading):
    """What is wrong with nbgrader metadata that no editor writes; None if nothing."""
    if not isinstance(grading, dict):
        return "has nbgrader metadata that is not a mapping."
    version = grading.get("schema_version", 0)
    if type(version) is not int or version < 0:
        return f"has nbgrader metadata whose schema_version is {str(version)[:40]!r}."
    if version > _METADATA.schema_version:
        return (f"has nbgrader metadata of version {version}, newer than this course's grader "
                f"reads ({_METADATA.schema_version}).")
    for key, kinds in _FIELDS.items():
        value = grading.get(key)
        if key in grading and not (type(value) in kinds and value == value):
            return f"has nbgrader metadata whose {key} is {str(value)[:40]!r}."
    return None
