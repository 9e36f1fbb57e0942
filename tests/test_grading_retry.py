"""A grading kernel that fails to start: that student is autograded again, alone, and graded.

On a busy machine a kernel can fail to start in time, and nbgrader then drops that student's
whole notebook. ``grading_pipeline._autograde_class`` tries such a student once more. Here the
kernel spec ``python3`` is replaced by a launcher whose first start exits at once, like a
kernel that never came up; every later start is the real ipykernel. The launcher runs inside
the sandbox, so it and the marker of its first start live in a folder given to the sandbox
(``Sandbox.writable_paths``): nothing else a kernel writes outlives it.
"""

import json
import sys

import pytest
from sandboxing import SANDBOXED

from mlp_helpers import grading

pytestmark = pytest.mark.slow
ASSIGNMENT = "02_mse_gradient"


def test_a_student_whose_kernel_fails_to_start_is_graded_on_a_second_try(tmp_path, monkeypatch):
    state = tmp_path / "launcher"
    state.mkdir()
    marker = state / "first-start-failed"
    launcher = state / "launcher.py"
    launcher.write_text(
        "import pathlib, sys\n"
        f"marker = pathlib.Path({str(marker)!r})\n"
        "if not marker.exists():\n"
        "    marker.touch()\n"
        "    sys.exit(1)\n"
        "from ipykernel import kernelapp\n"
        "kernelapp.launch_new_instance()\n")
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(launcher), "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))

    course = grading.make_course(tmp_path / "course", [ASSIGNMENT], timeout=30,
                                 sandboxed=SANDBOXED,
                                 settings={"Sandbox.writable_paths": [str(state)]})
    assert grading.pipeline(course, ASSIGNMENT, grading.STEPS[:1])["generate_assignment"][
        "success"]
    released = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    answers = grading.solutions(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    for student in ("ada", "bob"):
        grading.submit(course, ASSIGNMENT, student, grading.fill_in(released, answers))
    steps = grading.pipeline(course, ASSIGNMENT, grading.STEPS[1:])

    assert marker.exists(), "the failing first start never happened"
    assert steps["autograde"]["success"], steps["autograde"]
    assert "[retried ada]" in steps["autograde"]["log"]
    full = {cell: (points if cell.startswith("test_") else None)
            for cell, points in grading.max_scores(released).items()}
    assert grading.scores(course, ASSIGNMENT) == {"ada": full, "bob": full}
