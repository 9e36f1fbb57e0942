"""nbgrader's steps for a whole class, run from Python in one process.

``pipeline`` does the work of ``nbgrader generate_assignment``, ``autograde`` and
``generate_feedback`` through ``nbgrader.apps.NbGraderAPI`` in one child process, so that
nbgrader's start-up (seconds) is paid once, not once per command; a student whose notebook
could not run at all is autograded once more. ``environment`` is what every nbgrader process
started from Python needs. ``mlp_helpers.grading`` builds on these.
"""

import json
import os
import subprocess
import sys
from pathlib import Path


def environment():
    """The environment nbgrader needs: ``os.environ`` with the venv first on ``PATH``."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    # nbgrader runs the `alembic` command when it creates a gradebook: it must be on the PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


STEPS = ("generate_assignment", "autograde", "generate_feedback")


def pipeline(course, assignment, steps=STEPS):
    """Run nbgrader's ``steps`` for ``assignment`` and every submitted student, in one process.

    The same work as the three commands, through ``nbgrader.apps.NbGraderAPI``: one Python
    process pays nbgrader's start-up (seconds) once instead of once per command. Returns
    ``{step: {"success": bool, "log": str, "error": str}}``; a failed step does not stop the
    next one.
    """
    code = ("import json, sys; from mlp_helpers.grading.pipeline import _run_steps; "
            "print(json.dumps(_run_steps(sys.argv[1], sys.argv[2:])))")
    process = subprocess.run([sys.executable, "-c", code, assignment, *steps], cwd=course,
                             env=environment(), capture_output=True, text=True, check=False)
    if process.returncode != 0:
        raise RuntimeError(f"the nbgrader pipeline crashed:\n{process.stderr}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def course_config(course="."):
    """The course's nbgrader configuration in ``course``, with its grader in place.

    Raises ``SystemExit`` with a message starting "Grading refused:" when the file does not load
    or does not set the course's grader: nbgrader would then grade on its own, student code
    unsandboxed and hidden tests in the student's kernel.
    """
    from traitlets.config.loader import PyFileConfigLoader

    from mlp_helpers.grading.execute import KernelRestartingExecute

    try:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    except Exception as error:
        raise SystemExit(f"Grading refused: {Path(course, 'nbgrader_config.py')} did not load "
                         f"({type(error).__name__}: {error}).") from error
    if KernelRestartingExecute not in config.Autograde.get("autograde_preprocessors", ()):
        raise SystemExit(f"Grading refused: {Path(course, 'nbgrader_config.py')} does not set "
                         "the course's grader (KernelRestartingExecute among "
                         "c.Autograde.autograde_preprocessors): copy the course's own file.")
    return config


def _run_steps(assignment, steps):
    from nbgrader.apps import NbGraderAPI

    api = NbGraderAPI(config=course_config())
    calls = {"generate_assignment": lambda: api.generate_assignment(assignment, force=True),
             "autograde": lambda: _autograde_class(api, assignment),
             "generate_feedback": lambda: api.generate_feedback(assignment, force=True)}
    return {step: {key: str(value) if key != "success" else bool(value)
                   for key, value in calls[step]().items()} for step in steps}


def _autograde_class(api, assignment):
    """``autograde`` every student; one whose notebook could not run at all is tried once more.

    On a busy machine a grading kernel can fail to start in time, and nbgrader then skips that
    student's whole notebook. A second try, alone, grades them; a kernel that cannot start at
    all fails again, reported as nbgrader reports it.
    """
    result = api.autograde(assignment, "*", force=True)
    skipped = [folder.name for folder in sorted(Path("submitted").iterdir())
               if (folder / assignment).is_dir()
               and not (Path("autograded") / folder.name / assignment).is_dir()]
    for student in skipped:
        retry = api.autograde(assignment, student, force=True)
        result = {"success": retry["success"] and all(
                      (Path("autograded") / name / assignment).is_dir() for name in skipped),
                  "log": f"{result.get('log', '')}\n[retried {student}]\n{retry.get('log', '')}",
                  # nbgrader's answer has an "error" only when the step failed.
                  "error": retry.get("error", "")}
    return result
