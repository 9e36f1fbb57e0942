"""Grade notebooks with the real nbgrader, in a temporary copy of the course.

A *course* is a folder holding ``nbgrader_config.py`` and ``source/<assignment>/``; the
repository is one, and ``make_course`` copies it anywhere. The functions below are the steps
of the instructor guide, callable from Python (the tests use them to grade a class of simulated
students), and ``python -m mlp_helpers.grading <notebook>`` is the self-learner's command: it
grades one notebook with the hidden tests and prints the score of every part and the message
of every failed check.

Nothing here is a sandbox: nbgrader runs the notebook's code as the user who calls it.
"""

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ("01_xor", "02_mse_gradient", "03_mnist")
_SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|$)", re.MULTILINE)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class HideTestTracebacks(NbGraderPreprocessor):
    """Feedback preprocessor: an error in a test cell shows as one line ``Name: message``.

    IPython's traceback quotes the test cell around the failing line, hidden tests included;
    the one line keeps the student's information (what failed, and why) and nothing else.
    """

    def preprocess_cell(self, cell, resources, index):
        """Shorten the error outputs of autograded test cells."""
        grading = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and grading.get("grade") and not grading.get("solution"):
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [_one_line(output)]
        return cell, resources


def _one_line(error):
    name = error.get("ename") or "Error"
    if name == "CellTimeoutError":
        return f"{name}: the cell ran longer than the time limit and was stopped"
    if error.get("evalue"):
        return f"{name}: {error['evalue']}"
    return _ANSI.sub("", (error.get("traceback") or [name])[-1]).strip() or name


def nbgrader(course, *args):
    """Run ``nbgrader <args>`` in ``course``; return the ``subprocess.CompletedProcess``.

    Output is captured as text. A non-zero exit is returned, not raised: ``autograde`` exits
    non-zero when one student's kernel dies, after grading everyone else.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    # nbgrader runs the `alembic` command when it creates a gradebook: it must be on the PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run([sys.executable, "-m", "nbgrader", *map(str, args)], cwd=course,
                          env=env, capture_output=True, text=True, check=False)


def make_course(directory, assignments=ASSIGNMENTS, timeout=None, source=REPO):
    """Copy the course (config and ``source/`` of ``assignments``) from ``source`` to ``directory``.

    ``timeout`` (seconds per cell) overrides the course's ``Execute.timeout``. Returns the
    course root as a ``Path``.
    """
    course = Path(directory)
    course.mkdir(parents=True, exist_ok=True)
    config = (Path(source) / "nbgrader_config.py").read_text()
    if timeout is not None:
        config += f"\nc.Execute.timeout = {int(timeout)}\n"
    (course / "nbgrader_config.py").write_text(config)
    for assignment in assignments:
        shutil.copytree(Path(source) / "source" / assignment, course / "source" / assignment,
                        dirs_exist_ok=True)
    return course


def generate_assignment(course, assignment):
    """``nbgrader generate_assignment --force``; returns the released notebook's path.

    Raises ``RuntimeError`` with nbgrader's log when it fails.
    """
    _require(nbgrader(course, "generate_assignment", assignment, "--force"), "generate_assignment")
    return Path(course) / "release" / assignment / f"{assignment}.ipynb"


def submit(course, assignment, student, notebook):
    """Place ``notebook`` (a path or a ``NotebookNode``) as ``student``'s submission."""
    folder = Path(course) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    nbformat.write(notebook, folder / f"{assignment}.ipynb")
    (folder / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    return folder


def autograde(course, assignment):
    """``nbgrader autograde --force`` for every submitted student; returns the process."""
    return nbgrader(course, "autograde", assignment, "--force")


def generate_feedback(course, assignment):
    """``nbgrader generate_feedback --force``; returns the process."""
    return nbgrader(course, "generate_feedback", assignment, "--force")


def scores(course, assignment):
    """Score of every graded cell, per student: ``{student: {grade_id: score}}``.

    Manually graded cells that nobody has graded yet score ``None``.
    """
    from nbgrader.api import Gradebook

    course = Path(course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submissions = gradebook.find_assignment(assignment).submissions
        return {submission.student.id: {
            grade.name: None if grade.needs_manual_grade and grade.manual_score is None
            else grade.score
            for notebook in submission.notebooks for grade in notebook.grades}
            for submission in submissions}


def max_scores(notebook):
    """Points of every graded cell of a source or release notebook: ``{grade_id: points}``."""
    notebook = nbformat.read(notebook, as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: float(cell.metadata.nbgrader["points"])
            for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")}


def messages(course, assignment, student):
    """The one-line error of every failed cell of the autograded notebook: ``{grade_id: line}``."""
    path = Path(course) / "autograded" / student / assignment / f"{assignment}.ipynb"
    found = {}
    for cell in nbformat.read(path, as_version=4).cells:
        errors = [output for output in cell.get("outputs", []) if output.output_type == "error"]
        if errors:
            found[cell.metadata.get("nbgrader", {}).get("grade_id", cell.get("id"))] = \
                _one_line(errors[-1])
    return found


def feedback_html(course, assignment, student):
    """The feedback page ``student`` receives, as HTML text."""
    return (Path(course) / "feedback" / student / assignment / f"{assignment}.html").read_text()


def solutions(notebook):
    """The instructor's answers in a source notebook: ``{grade_id: code}`` of solution cells.

    The ``### BEGIN/END SOLUTION`` marker lines are removed, so the code is what a student who
    got everything right would have written.
    """
    notebook = nbformat.read(notebook, as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: _SOLUTION_MARKERS.sub("", cell.source)
            for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def fill_in(notebook, answers):
    """A copy of a release notebook with the cells ``answers`` names (``{grade_id: source}``) set.

    Raises ``KeyError`` if a ``grade_id`` is not in the notebook.
    """
    notebook = copy.deepcopy(nbformat.read(notebook, as_version=4)
                             if not isinstance(notebook, nbformat.NotebookNode) else notebook)
    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in notebook.cells}
    for grade_id, source in answers.items():
        cells[grade_id].source = source
    return notebook


STEPS = ("generate_assignment", "autograde", "generate_feedback")


def pipeline(course, assignment, steps=STEPS):
    """Run nbgrader's ``steps`` for ``assignment`` and every submitted student, in one process.

    The same work as the three commands, through ``nbgrader.apps.NbGraderAPI``: one Python
    process pays nbgrader's start-up (seconds) once instead of once per command. Returns
    ``{step: {"success": bool, "log": str, "error": str}}``; a failed step does not stop the
    next one.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    code = ("import json, sys; from mlp_helpers.grading import _run_steps; "
            "print(json.dumps(_run_steps(sys.argv[1], sys.argv[2:])))")
    process = subprocess.run([sys.executable, "-c", code, assignment, *steps], cwd=course,
                             env=env, capture_output=True, text=True, check=False)
    if process.returncode != 0:
        raise RuntimeError(f"the nbgrader pipeline crashed:\n{process.stderr}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def _run_steps(assignment, steps):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    api = NbGraderAPI(config=PyFileConfigLoader("nbgrader_config.py", path=".").load_config())
    calls = {"generate_assignment": lambda: api.generate_assignment(assignment, force=True),
             "autograde": lambda: api.autograde(assignment, "*", force=True),
             "generate_feedback": lambda: api.generate_feedback(assignment, force=True)}
    return {step: {key: str(value) if key != "success" else bool(value)
                   for key, value in calls[step]().items()} for step in steps}


def _require(process, step):
    if process.returncode != 0:
        raise RuntimeError(f"nbgrader {step} failed:\n{process.stdout}\n{process.stderr}")


@dataclass
class Report:
    """The grade of one notebook: points per part, their maximum, the failed checks' messages."""

    assignment: str
    scores: dict
    max_scores: dict
    messages: dict

    def __str__(self):
        automatic = [name for name in self.max_scores if self.scores.get(name) is not None]
        earned = sum(self.scores[name] for name in automatic)
        possible = sum(self.max_scores[name] for name in automatic)
        lines = [f"{self.assignment}: {earned:g} / {possible:g} points graded automatically"]
        for name, points in self.max_scores.items():
            score = self.scores.get(name)
            shown = "graded by hand" if score is None else f"{score:g} / {points:g}"
            lines.append(f"  {name:<32} {shown}")
            if name in self.messages:
                lines.append(f"      {self.messages[name]}")
        return "\n".join(lines)


def grade_notebook(notebook, assignment=None, student="me"):
    """Grade one notebook with the hidden tests, in a temporary course; return a ``Report``.

    ``assignment`` defaults to the notebook's file name without ``.ipynb``.
    """
    notebook = Path(notebook).resolve()
    assignment = assignment or notebook.stem
    if assignment not in ASSIGNMENTS:
        raise ValueError(f"{notebook.name} is not one of the assignments {ASSIGNMENTS}; "
                         "pass the assignment's name.")
    with tempfile.TemporaryDirectory(prefix="grade-") as directory:
        course = make_course(directory, [assignment])
        submit(course, assignment, student, notebook)
        for step, result in pipeline(course, assignment, STEPS[:2]).items():
            if not result["success"]:
                raise RuntimeError(f"nbgrader {step} failed:\n{result['log']}{result['error']}")
        return Report(assignment, scores(course, assignment)[student],
                      max_scores(course / "source" / assignment / f"{assignment}.ipynb"),
                      messages(course, assignment, student))


def main(argv=None):
    """Command line: ``python -m mlp_helpers.grading <notebook> [--assignment ID]``."""
    parser = argparse.ArgumentParser(prog="python -m mlp_helpers.grading",
                                     description=grade_notebook.__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--assignment", choices=ASSIGNMENTS)
    arguments = parser.parse_args(argv)
    print(grade_notebook(arguments.notebook, arguments.assignment))


if __name__ == "__main__":
    main()
