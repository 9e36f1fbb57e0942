"""Grade notebooks with the real nbgrader, in a temporary copy of the course.

A *course* is a folder holding ``nbgrader_config.py`` and ``source/<assignment>/``; the repository
is one, and ``make_course`` copies it anywhere. The functions below are the steps of the instructor
guide, callable from Python (the tests use them to grade a class of simulated students;
``pipeline``, from ``grading.pipeline``, runs several steps in one process), and ``python -m
mlp_helpers.grading <notebook>`` (``__main__``) is the self-learner's command: it grades one
notebook with the hidden tests and prints the score of every part and the message of every failed
check.

nbgrader runs every notebook's code in the course's sandbox (``mlp_helpers.grading.sandbox``), and
grading refuses to start where the sandbox cannot be had; ``sandboxed=False`` (``--unsandboxed`` on
the command line) grades with no isolation, for one's own notebook.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from mlp_helpers.checks import PARTS
from mlp_helpers.grading import sandbox
from mlp_helpers.grading.notebooks import (
    errors,
    hand_graded,
    max_scores,
)
from mlp_helpers.grading.pipeline import STEPS, environment, pipeline

REPO = Path(__file__).resolve().parents[2]
# The assignments are those the graded parts' records name (``source/`` holds one folder each).
ASSIGNMENTS = tuple(sorted({part.assignment for part in PARTS.values()}))


def nbgrader(course, *args):
    """Run ``nbgrader <args>`` in ``course``; return the ``subprocess.CompletedProcess``.

    Output is captured as text. A non-zero exit is returned, not raised: ``autograde`` exits
    non-zero when a student's kernel cannot start, after grading everyone else.
    """
    return subprocess.run([sys.executable, "-m", "nbgrader", *map(str, args)], cwd=course,
                          env=environment(), capture_output=True, text=True, check=False)


def make_course(directory, assignments=ASSIGNMENTS, timeout=None, source=REPO, sandboxed=True,
                settings=None):
    """Copy the course (config and ``source/`` of ``assignments``) from ``source`` to ``directory``.

    ``timeout`` (seconds per cell) overrides the course's ``Execute.timeout``;
    ``sandboxed=False`` sets ``c.Sandbox.enabled = False`` (no isolation at all); ``settings``
    (``{"Sandbox.file_size_mb": 8, ...}``) overrides more of the config. Returns the course
    root as a ``Path``.
    """
    course = Path(directory)
    course.mkdir(parents=True, exist_ok=True)
    config = (Path(source) / "nbgrader_config.py").read_text()
    settings = {**({} if timeout is None else {"Execute.timeout": int(timeout)}),
                **({} if sandboxed else {"Sandbox.enabled": False}), **(settings or {})}
    for name, value in settings.items():
        config += f"\nc.{name} = {value!r}\n"
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


def autograde(course, assignment, sandboxed=True):
    """``nbgrader autograde --force`` for every submitted student; returns the process.

    ``sandboxed=False`` adds ``--Sandbox.enabled=False``: no isolation at all.
    """
    return nbgrader(course, "autograde", assignment, "--force",
                    *([] if sandboxed else ["--Sandbox.enabled=False"]))


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


def messages(course, assignment, student):
    """The one-line error of every failed cell of the autograded notebook: ``{grade_id: line}``."""
    return errors(Path(course) / "autograded" / student / assignment / f"{assignment}.ipynb")


def feedback_html(course, assignment, student):
    """The feedback page ``student`` receives, as HTML text."""
    return (Path(course) / "feedback" / student / assignment / f"{assignment}.html").read_text()


def _require(process, step):
    if process.returncode != 0:
        raise RuntimeError(f"nbgrader {step} failed:\n{process.stdout}\n{process.stderr}")


@dataclass
class Report:
    """The grade of one notebook: points per part, their maximum, the failed checks' messages.

    ``hand_graded`` names the parts the instructor grades by hand (written answers): their
    points are counted apart, never as points missed.
    """

    assignment: str
    scores: dict
    max_scores: dict
    messages: dict
    hand_graded: frozenset = frozenset()

    def __str__(self):
        automatic = [name for name in self.max_scores if name not in self.hand_graded]
        earned = sum(self.scores.get(name) or 0 for name in automatic)
        possible = sum(self.max_scores[name] for name in automatic)
        by_hand = sum(self.max_scores[name] for name in self.hand_graded)
        lines = [f"{self.assignment}: {earned:g} / {possible:g} points graded automatically"
                 + (f"; {by_hand:g} more points are graded by hand" if by_hand else "")]
        for name, points in self.max_scores.items():
            score = self.scores.get(name)
            if name not in self.hand_graded:
                shown = f"{score or 0:g} / {points:g}"
            elif score is None:
                shown = "graded by hand"
            else:  # nbgrader scores an answer left as the stub 0 without waiting for a person
                shown = f"graded by hand: not answered yet ({score:g} / {points:g})"
            lines.append(f"  {name:<32} {shown}")
            if name in self.messages:
                lines.append(f"      {self.messages[name]}")
        return "\n".join(lines)


def grade_notebook(notebook, assignment=None, student="me", sandboxed=True):
    """Grade one notebook with the hidden tests, in a temporary course; return a ``Report``.

    ``assignment`` defaults to the notebook's file name without ``.ipynb``. The notebook runs
    in the sandbox: where it cannot, ``sandbox.SandboxUnavailable`` says why, unless
    ``sandboxed=False`` (no isolation at all: for one's own notebook).
    """
    notebook = Path(notebook).resolve()
    assignment = assignment or notebook.stem
    if assignment not in ASSIGNMENTS:
        raise ValueError(f"{notebook.name} is not one of the assignments {ASSIGNMENTS}; "
                         "pass the assignment's name.")
    if not (REPO / "source" / assignment).is_dir():
        raise ValueError(f"This copy of the course has no source/{assignment}/ (the instructor's "
                         "notebook, with the hidden tests), so it cannot grade as an instructor "
                         "would. Press Validate in JupyterLab to run the visible tests; the "
                         "student edition's `make check NB=...` does the same on the command "
                         "line.")
    try:
        nbformat.read(notebook, as_version=4)
    except Exception as error:  # missing, empty, cut short, not JSON, not a notebook
        raise ValueError(f"{notebook} cannot be read as a notebook ({type(error).__name__}: "
                         f"{' '.join(str(error).split())[:200]}). Open it in JupyterLab: if it "
                         "does not open either, restore it from its last checkpoint (File > "
                         "Revert Notebook to Checkpoint) or from a copy.") from None
    if sandboxed:
        sandbox.require()
    with tempfile.TemporaryDirectory(prefix="grade-") as directory:
        course = make_course(directory, [assignment], sandboxed=sandboxed)
        submit(course, assignment, student, notebook)
        results = pipeline(course, assignment, STEPS[:2])
        # autograde reports failure when the notebook killed its kernel; what ran is scored.
        graded = results["generate_assignment"]["success"] and scores(course, assignment)
        if (not graded or student not in graded
                or not (course / "autograded" / student / assignment).is_dir()):
            logs = "".join(result["log"] + result.get("error", "") for result in results.values())
            errors = [line for line in logs.splitlines() if "[ERROR]" in line] or [logs]
            raise RuntimeError(f"nbgrader could not grade {notebook}:\n" + "\n".join(errors))
        source = course / "source" / assignment / f"{assignment}.ipynb"
        return Report(assignment, graded[student], max_scores(source),
                      messages(course, assignment, student), frozenset(hand_graded(source)))


def main(argv=None):
    """Command line: ``python -m mlp_helpers.grading NOTEBOOK [--assignment ID] [--unsandboxed]``.

    Exits 1 with one paragraph on stderr when the notebook cannot be graded, or not sandboxed.
    """
    parser = argparse.ArgumentParser(prog="python -m mlp_helpers.grading",
                                     description=grade_notebook.__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--assignment", choices=ASSIGNMENTS)
    parser.add_argument("--unsandboxed", action="store_true", help=(
        "run the notebook with no sandbox at all, as you: only for your own notebook (where "
        "bubblewrap cannot be installed)"))
    arguments = parser.parse_args(argv)
    try:
        print(grade_notebook(arguments.notebook, arguments.assignment,
                             sandboxed=not arguments.unsandboxed))
    except (ValueError, RuntimeError) as error:
        parser.exit(1, f"{parser.prog}: {error}\n")
