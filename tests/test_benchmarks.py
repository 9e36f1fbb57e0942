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


def test_grading_benchmark_compares_a_class_with_the_empty_notebook(tmp_path):
    out = tmp_path / "grading.json"
    stdout = run_benchmark("grading", "--students", 2, "--rounds", 1, "--assignments",
                           "--out", out)
    result = json.loads(out.read_text())
    empty = result["assignments"]["00_empty"]
    assert empty["ratio_to_empty"] == 1.0
    assert empty["per_submission_seconds"]["median"] > 0
    assert empty["class_of_100_minutes"] > 0
    assert "A class of 100 graded" in stdout
