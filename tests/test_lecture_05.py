"""Lecture 5 runs top to bottom in a fresh kernel, and what it states about its numbers holds."""

import re
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_autograd.ipynb"
# Warnings are errors in the kernel too; ipykernel's own shutdown raises a
# PendingDeprecationWarning about do_shutdown, which is not the lecture's doing.
STRICT = ("import warnings\n"
          "warnings.simplefilter('error')\n"
          "warnings.filterwarnings('default', category=PendingDeprecationWarning, "
          "module='ipykernel')")
NUMBER = r"([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"


@lru_cache(maxsize=1)
def executed():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(STRICT))
    NotebookClient(notebook, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return notebook


def printed():
    return "".join(output.get("text", "") for cell in executed().cells
                   if cell.cell_type == "code" for output in cell.outputs
                   if output.output_type == "stream" and output.name == "stdout")


def numbers_after(words):
    """Every number that follows ``words`` (a regular expression) in the printed text."""
    return [float(value) for value in re.findall(words + r"\s*" + NUMBER, printed())]


def test_it_runs_without_errors_or_warnings_and_draws_its_figures():
    notebook = executed()
    problems = [output.get("text", output.get("evalue")) for cell in notebook.cells
                if cell.cell_type == "code" for output in cell.outputs
                if output.output_type == "error"
                or (output.output_type == "stream" and output.name == "stderr")]
    assert problems == []
    figures = sum("image/png" in output.get("data", {}) for cell in notebook.cells
                  if cell.cell_type == "code" for output in cell.outputs)
    assert figures >= 4


def test_layer_objects_give_the_courses_deltas_and_gradients_to_the_last_digit():
    assert numbers_after(r"largest difference from the course's") == [0.0, 0.0, 0.0]
    gaps = numbers_after(r"largest difference from dense_gradients, dW") + numbers_after(r", db")
    assert gaps == [0.0] * 6
    loss = re.search(r"loss of the layers (\S+), of lecture 3's MLP (\S+)", printed())
    assert loss.group(1) == loss.group(2)


def test_dx_passes_its_gradient_check():
    (error,) = numbers_after(r"dX \(20, 784\): relative error to central differences")
    assert error < 1e-4


def test_the_autograds_gradients_at_z_are_the_deltas_and_its_dw_are_mlp_backwards():
    at_z = numbers_after(r"\.grad against the course's delta: relative error")
    weights = numbers_after(r"relative error to MLP.backward")
    assert len(at_z) == 3
    assert len(weights) == 6
    assert max(at_z + weights) < 1e-10


def test_pytorch_agrees_or_the_lecture_says_how_to_install_it():
    try:
        import torch  # noqa: F401
    except ImportError:
        assert "PyTorch is not installed here: `make torch` installs it" in printed()
        return
    errors = numbers_after(r"relative error between PyTorch and the autograd above")
    assert len(errors) == 6
    assert max(errors) < 1e-10
    ours = re.search(r"tensors in the graph; loss (\S+)", printed()).group(1)
    assert re.search(r"PyTorch \S+: loss (\S+)", printed()).group(1) == ours


def test_a_bias_gets_the_sum_of_the_rows_and_unbroadcast_counts_the_uses():
    (gap,) = numbers_after(r"against the rows of delta1 summed: largest difference")
    assert gap < 1e-15
    counts = dict(re.findall(r"operand\s+(\(.*?\)): gradient of shape\s+\1, each entry (\d+)",
                             printed()))
    assert counts == {"(2, 4, 3)": "1", "(4, 3)": "2", "(3,)": "8", "(1, 3)": "8",
                      "(4, 1)": "6", "(2, 1, 3)": "4", "()": "24"}


def test_the_tensor_beyond_two_axes_passes_its_checks():
    line = re.search(r"dW \(3, 2\): autograd against central differences (\S+), against 20 "
                     r"rows and X\^T delta (\S+); db \(2,\) against 20 rows (\S+)", printed())
    numeric, rows, bias = (float(value) for value in line.groups())
    assert numeric < 1e-4
    assert rows < 1e-12
    assert bias < 1e-12


def test_one_gelu_activation_comes_from_two_z_with_slopes_of_opposite_sign():
    pairs = re.findall(r"z = (\S+): a = gelu\(z\) = (\S+), gelu'\(z\) = (\S+)", printed())
    (z_left, a_left, slope_left), (z_right, a_right, slope_right) = pairs
    assert float(z_left) < float(z_right) < 0
    assert abs(float(a_left) - float(a_right)) <= 1e-3
    assert float(slope_left) < 0 < float(slope_right)
    assert max(numbers_after(r"relative error to central differences")) < 1e-4


def test_ten_digits_start_near_ln_10_and_three_epochs_of_adam_get_above_93_percent():
    (first,) = numbers_after(r"network on 1000 digits")
    assert first == pytest.approx(np.log(10), abs=0.2)
    (accuracy,) = re.findall(r"^test accuracy (\S+)%$", printed(), flags=re.MULTILINE)
    assert float(accuracy) > 93.0


def test_under_adam_the_sum_and_the_mean_end_at_the_same_loss_and_not_under_descent():
    rows = re.findall(r"(gradient descent|Adam): loss after 20 passes on the mean (\S+), on the "
                      r"sum (\S+);", printed())
    losses = {optimiser: (float(mean), float(summed)) for optimiser, mean, summed in rows}
    assert losses["Adam"][0] == losses["Adam"][1]
    assert losses["Adam"][0] < losses["gradient descent"][0]
    assert losses["gradient descent"][1] > 3 * losses["gradient descent"][0]


def test_adam_parts_from_the_mean_only_on_pixels_that_almost_never_have_ink():
    gaps = dict(re.findall(r"(\w+): largest gap between Adam on the mean and on the sum (\S+)",
                           printed()))
    assert all(float(gap) < 1e-5 for name, gap in gaps.items() if name != "W1")
    line = re.search(r"(\d+) pixels have a row of W1 that differs by more than 1e-3; each has "
                     r"ink in at most (\S+)% of the 12396 digits", printed())
    assert int(line.group(1)) > 0
    assert float(line.group(2)) < 1.0


def test_batchnorm_passes_its_checks_and_keeps_the_gradients_of_one_size():
    assert max(numbers_after(r"relative error to central differences")) < 1e-4
    (formula,) = numbers_after(r"dx: relative error between the formula and the autograd")
    assert formula < 1e-10
    summary = re.search(r"as in lecture 4: (\S+) at the output layer, (\S+) at layer 1.*"
                        r"after BatchNorm: (\S+) at the output layer, (\S+) at layer 1", printed())
    last, first, last_bn, first_bn = (float(value) for value in summary.groups())
    assert last / first > 1e4
    assert 1 / 3 < last_bn / first_bn < 3


def test_the_spread_of_z_fades_layer_by_layer_without_batchnorm_and_holds_with_it():
    def spreads(label):
        line = re.search(rf"^{label}:\s+(.*)$", printed(), flags=re.MULTILINE).group(1)
        return [float(value) for value in line.split()]

    plain, normalised = spreads("as in lecture 4"), spreads("at BatchNorm's input")
    assert len(plain) == len(normalised) == 10
    assert all(later < earlier for earlier, later in pairwise(plain))
    assert plain[-1] < 1e-3 * plain[0]
    assert max(normalised[1:]) < 2 * min(normalised[1:])
