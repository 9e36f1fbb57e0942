"""The lecture notebooks run top to bottom, and the claims they make about numbers hold."""

from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

import mlp_helpers as mh
from mlp_helpers import bugs, replays
from mlp_helpers.plots_xor import linear_separation_scores

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
# Warnings are errors in the kernel too; ipykernel's own shutdown raises a
# PendingDeprecationWarning about do_shutdown, which is not the lecture's doing.
STRICT = ("import warnings\n"
          "warnings.simplefilter('error')\n"
          "warnings.filterwarnings('default', category=PendingDeprecationWarning, "
          "module='ipykernel')")


def execute(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(STRICT))
    NotebookClient(notebook, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


def stderr_and_errors(notebook):
    return [output.get("text", output.get("evalue")) for cell in notebook.cells
            if cell.cell_type == "code" for output in cell.outputs
            if output.output_type == "error"
            or (output.output_type == "stream" and output.name == "stderr")]


@pytest.mark.parametrize("name", sorted(path.name for path in NOTEBOOKS.glob("*.ipynb")))
def test_lecture_runs_top_to_bottom_in_a_fresh_kernel_without_warnings(name):
    notebook = execute(name)
    assert stderr_and_errors(notebook) == []
    figures = sum("image/png" in output.get("data", {}) for cell in notebook.cells
                  if cell.cell_type == "code" for output in cell.outputs)
    assert figures >= 5


# Lecture 1 ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def xor_learner():
    return replays.replay_xor(**replays.XOR_LEARNER_RULES)


def test_no_straight_line_separates_xor():
    X, Y = mh.xor()
    _, _, correct = linear_separation_scores(X, Y, lines=2000, seed=0)
    assert correct.max() == 3


def test_xor_learner_bug_sends_every_output_to_zero(xor_learner):
    X, _ = mh.xor()
    outputs = xor_learner.after.forward(X)[0]
    assert np.all(outputs < 0.01)
    assert xor_learner.history.loss[-1] == pytest.approx(0.25, abs=1e-3)


def test_xor_learner_bug_turns_w2_negative_and_keeps_w1_positive(xor_learner):
    report = xor_learner.weight_report()
    assert report["W2"]["negative"] == report["W2"]["size"]
    assert report["W2"]["norm_after"] > 3 * report["W2"]["norm_before"]
    assert report["W1"]["positive"] == report["W1"]["size"]
    assert report["W1"]["norm_after"] > report["W1"]["norm_before"]


def test_xor_learner_bug_makes_the_gradients_vanish_not_the_weights(xor_learner):
    X, Y = mh.xor()

    def norm_dW2(net):
        grads = net.backward(net.forward(X)[1], Y, **replays.XOR_LEARNER_RULES)
        return np.linalg.norm(grads["W2"])

    assert norm_dW2(xor_learner.after) < norm_dW2(xor_learner.before) / 100


def test_loss_value_delta_pushes_every_example_the_same_way():
    X, Y = mh.xor()
    a2, activations = replays.XOR_LEARNER.network().forward(X)
    buggy = bugs.output_delta_loss_value(a2, Y)
    correct = mh.output_delta_mse(a2, Y)
    assert np.all(buggy > 0)
    assert np.all(np.sign(correct[:, 0]) == np.where(Y[:, 0] == 1, -1, 1))
    assert np.all(activations[1].T @ buggy > 0)


def test_xor_learner_setting_with_the_contract_rule_solves_xor():
    X, Y = mh.xor()
    fixed = replays.replay_xor()
    assert fixed.after.accuracy(X, Y[:, 0]) == 1.0
    assert fixed.history.loss[-1] < 0.01
