"""The benchmark scripts run on a tiny setting and write the figures the README quotes.

These are smoke tests of the scripts, not measurements: no timing is asserted.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
TORCH_INSTALLED = importlib.util.find_spec("torch") is not None


def run_benchmark(module, *args):
    process = subprocess.run([sys.executable, "-m", f"benchmarks.{module}", *map(str, args)],
                             cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert process.returncode == 0, process.stderr[-3000:]
    return process.stdout


def test_training_benchmark_prints_and_saves_the_ratio_to_torch_or_how_to_get_torch(tmp_path):
    out = tmp_path / "training.json"
    stdout = run_benchmark("training", "--epochs", 1, "--repeats", 1, "--train-size", 256,
                           "--dtypes", "float32", "--out", out)
    figures = json.loads(out.read_text())["dtypes"]["float32"]
    assert figures["flops_per_epoch"] == 2 * 256 * (2 * (784 * 128 + 128 * 64 + 64 * 2)
                                                    + 128 * 64 + 64 * 2)
    assert set(figures["epoch_seconds"]) >= {"reference", "numpy_loop", "gemm"}
    assert 0 < figures["fraction_of_gemm_throughput"]["reference"]
    assert {"checks_fraction_of_epoch", "bookkeeping_fraction_of_epoch"} <= set(
        figures["overheads"])
    assert "reference / bare numpy loop" in stdout
    if TORCH_INSTALLED:
        assert figures["ratio_reference_to_torch"] > 0
        assert "reference / torch time per epoch" in stdout
    else:
        assert "pip install -e '.[bench]'" in stdout
        assert "torch" not in figures["epoch_seconds"]


def test_course_benchmark_times_each_notebook_and_reports_its_errors(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                               nbformat.v4.new_code_cell("1 / 0")])
    path = tmp_path / "broken.ipynb"
    nbformat.write(notebook, path)
    out = tmp_path / "course.json"
    stdout = run_benchmark("course", "--repeats", 1, "--out", out, path)
    result = json.loads(out.read_text())
    (name,) = [name for name in result["notebooks"] if name.endswith("broken.ipynb")]
    assert result["notebooks"][name]["errors"] == ["cell 1: ZeroDivisionError: division by zero"]
    assert result["errors"] == 1
    assert result["total_seconds"] == result["notebooks"][name]["median"] > 0
    assert "1 notebook(s) in" in stdout


def timed_cell(source, seconds, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T12:00:00.000000Z",
                                  "shell.execute_reply": f"2026-01-01T12:00:{seconds:09.6f}Z"}
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def test_grading_benchmark_says_where_a_submissions_time_goes(tmp_path):
    # The end-to-end run (nbgrader generate + autograde, about 17 s) is left to
    # `python -m benchmarks.grading --students 2 --rounds 1 --assignments`; this checks the split.
    from benchmarks.grading import breakdown

    cells = [timed_cell("import numpy as np\nimport mlp_helpers as mh", 0.5),
             timed_cell("data = mh.load_mnist_3v7()", 0.25),
             timed_cell("history = mh.train(net, X, Y, lr=1.0, epochs=2)", 1.5),
             timed_cell("def train_two_hidden(X, Y):\n    pass", 0.01,
                        solution=True, grade=False, grade_id="train_two_hidden"),
             timed_cell("checks.check_train_two_hidden(train_two_hidden)", 0.75,
                        solution=False, grade=True, grade_id="test_train_two_hidden"),
             timed_cell("print(net)", 0.0)]
    for student in ("s1", "s2"):
        folder = tmp_path / "autograded" / student / "03_mnist"
        folder.mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "03_mnist.ipynb")
    assert breakdown(tmp_path, "03_mnist", ["s1", "s2"]) == {
        "MNIST load": 0.25, "checks": 0.75, "imports": 0.5, "other cells": 0.0, "training": 1.51}


def test_sandbox_benchmark_figures_render_as_the_readme_table():
    # The end-to-end run (two copies of the course graded, about 4 minutes) is
    # `python -m benchmarks.sandbox`; this checks the table it leads to.
    from benchmarks.summary import sandbox_lines

    timing = {"median": 1.2, "q1": 1.1, "q3": 1.3, "min": 1.0, "max": 1.4, "n": 4}
    result = {
        "machine": {"cpu": "cpu", "cores": 2, "python": "3.11", "numpy": "2", "date_utc": "now",
                    "blas": [{"user_api": "blas", "internal_api": "openblas", "version": "0"}],
                    "blas_environment": {}, "load_average_1_5_15_min": [1.0, 1.0, 1.0]},
        "students": 10, "rounds": 2, "submission": "the instructor's solutions in every cell",
        "assignments": {"01_xor": {"unsandboxed": timing, "sandboxed": timing,
                                   "extra_seconds": 0.05, "ratio": 1.04}},
        "kernel_start_stop_seconds": {"unsandboxed": timing, "sandboxed": timing},
        "kernel_extra_seconds": 0.1, "trial_seconds": {**timing, "median": 0.05},
        "limits": {"address_space_mb": 3072, "file_size_mb": 64, "tmp_size_mb": 256,
                   "processes": 128}}
    lines = sandbox_lines(result)
    assert "| 01_xor | 1.20 [1.10-1.30] | 1.20 [1.10-1.30] | +0.05 | 1.04 |" in lines
    assert "(**+0.10 s**)" in lines[-1]
    assert "128 processes and threads" in lines[-1]


def test_class_benchmark_figures_render_as_the_readme_table():
    # The end-to-end run (200 students graded twice, about 9 minutes) is
    # `python -m benchmarks.class_parallel`; this checks the table it leads to.
    from benchmarks.summary import class_parallel_lines

    result = {
        "machine": {"cpu": "cpu", "cores": 2, "python": "3.11", "numpy": "2", "date_utc": "now",
                    "blas": [{"user_api": "blas", "internal_api": "openblas", "version": "0"}],
                    "blas_environment": {}, "load_average_1_5_15_min": [1.0, 1.0, 1.0]},
        "assignment": "01_xor", "students": 200, "sandboxed": True,
        "target_seconds_for_200_on_2_cores": 240,
        "runs": [{"jobs": 1, "seconds": 360.0, "seconds_per_student": 1.8, "failed": [],
                  "speed_up": 1.0},
                 {"jobs": 2, "seconds": 250.0, "seconds_per_student": 1.25, "failed": ["s007"],
                  "speed_up": 1.44}]}
    lines = class_parallel_lines(result)
    assert "| 1 | 6.0 | 1.80 | 1.00 | 0 |" in lines
    assert "| 2 | 4.2 | 1.25 | 1.44 | 1 |" in lines
    assert lines[-1] == ("With two processes: **4.2 minutes** for 200, over the target of "
                         "4 minutes.")


def test_grading_benchmark_compares_each_round_with_the_empty_notebook_of_that_round():
    from benchmarks.grading import paired_ratio, round_ratios

    # The machine slows down by half in the second round: each round's ratio is still 2.
    empty = [[0.40, 0.42, 0.38], [0.60, 0.62, 0.58]]
    timed = [[0.80, 0.84, 0.76], [1.20, 1.24, 1.16]]
    assert round_ratios(timed, empty) == [2.0, 2.0]
    assert paired_ratio(timed, empty) == 2.0
    assert round_ratios([[0.9], []], [[0.3], [0.4]]) == [3.0, None]
    assert paired_ratio([[0.9], []], [[0.3], [0.4]]) == 3.0
    assert paired_ratio([[]], [[0.3]]) is None
