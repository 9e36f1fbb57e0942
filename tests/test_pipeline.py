"""A class of simulated students through the real nbgrader pipeline, for every assignment.

Each assignment is graded in its own temporary course, in one ``autograde`` run for the whole
class (the three courses run side by side), then ``generate_feedback``. The students: the full
solution, the untouched release, one planted bug per graded part, a correct solution written
differently, and bad submissions (a cell that raises, an infinite loop, a deleted or edited test
cell, wrong shapes, nan, warnings on stderr, calling the reference, replacing numpy.allclose,
killing the kernel).
"""

import copy
import csv
import html
import inspect
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from committed import staged_bytes, tracked_files
from sandboxing import GRADING_FLAGS, SANDBOXED
from student_bank import ENTRIES

from mlp_helpers import checks, grading

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = grading.ASSIGNMENTS


def source(assignment):
    return REPO / "source" / assignment / f"{assignment}.ipynb"


def release(assignment):
    return REPO / "release" / assignment / f"{assignment}.ipynb"


SOLUTIONS = {assignment: grading.solutions(source(assignment)) for assignment in ASSIGNMENTS}
POINTS = {assignment: grading.max_scores(source(assignment)) for assignment in ASSIGNMENTS}


def edit(assignment, part, old, new):
    """The solution of ``part`` with ``old`` replaced by ``new`` (which must be there)."""
    code = SOLUTIONS[assignment][part]
    assert old in code, (part, old)
    return {part: code.replace(old, new)}


# assignment -> student -> the answers that differ from the full solution; an assignment or a
# part not named here gets the bank's planted bug and correct answer (add_the_banks_students)
PLANTED = {
    "01_xor": {
        "sigmoid": edit("01_xor", "sigmoid", "1 / (1 + exp_minus_abs), exp_minus_abs /",
                        "exp_minus_abs / (1 + exp_minus_abs), 1 /"),
        "sigmoid_derivative": edit("01_xor", "sigmoid_derivative", "a * (1 - a)", "1 - a"),
        "output_delta_mse": edit("01_xor", "output_delta_mse", "(a_out - y) / n",
                                 "np.sum((a_out - y) ** 2) / (2 * n)"),
        "hidden_delta": edit("01_xor", "hidden_delta", "* a * (1 - a)", "* (1 - a)"),
        "dense_gradients": edit("01_xor", "dense_gradients", "delta.sum(", "delta.mean("),
        "train_xor": edit("01_xor", "train_xor", "- lr * grads", "+ lr * grads"),
    },
    "02_mse_gradient": {
        "mse_loss": edit("02_mse_gradient", "mse_loss", "(a - y) / n", "(a - y)"),
        "numerical_gradient": edit("02_mse_gradient", "numerical_gradient", "/ (2 * h)", "/ h"),
        "relative_error": edit("02_mse_gradient", "relative_error", "np.abs(x) + np.abs(y)",
                               "np.abs(x)"),
        "xor_loss_and_gradients": edit("02_mse_gradient", "xor_loss_and_gradients",
                                       "* a1 * (1 - a1)", "* (1 - a1)"),
        "matching_learning_rate": edit("02_mse_gradient", "matching_learning_rate",
                                       "lr_mean / n", "lr_mean * n"),
    },
    "03_mnist": {
        "softmax": edit("03_mnist", "softmax", "shifted.sum(axis=1", "shifted.sum(axis=0"),
        "cross_entropy_loss": edit("03_mnist", "cross_entropy_loss", "(p - y) / n", "(p - y)"),
        "backward_two_hidden": edit("03_mnist", "backward_two_hidden", "* a1 * (1 - a1)",
                                    "* (1 - a1)"),
        "learner_bugs": edit("03_mnist", "learner_bugs", '"one-minus-activation", ', ""),
        "train_two_hidden": edit("03_mnist", "train_two_hidden", "for start in range(0, len(X), "
                                 "batch_size):\n            batch = order[start:start + "
                                 "batch_size]", "for batch in [order]:"),
    },
    "04_not_learning": {
        "relu": edit("04_not_learning", "relu", "np.maximum(z, 0.0)", "np.maximum(z, 0.0, out=z)"),
        "relu_derivative": edit("04_not_learning", "relu_derivative", "a > 0", "a >= 0"),
        "init_for_activation": edit("04_not_learning", "init_for_activation",
                                    "variance = 2.0 / fan_in",
                                    "variance = 2.0 / (fan_in + fan_out)"),
        "sanity_report": edit("04_not_learning", "sanity_report",
                              "error < mh.GRADIENT_CHECK_THRESHOLD", "error < 10"),
        "run_causes": edit("04_not_learning", "run_causes", '"A": "lr-too-high"',
                           '"A": "sum-not-mean"'),
        "fixed_settings": edit("04_not_learning", "fixed_settings",
                               'fixed_settings["D"]["init"] = "xavier"',
                               'fixed_settings["D"]["scale"] = 3.0'),
    },
}
# What the feedback must say about each planted bug (words of the check's message).
PLANTED_WORDS = {
    ("01_xor", "sigmoid"): "the sign inside the exponent is flipped",
    ("01_xor", "sigmoid_derivative"): "You returned 1 - a",
    ("01_xor", "output_delta_mse"): "such as the loss value",
    ("01_xor", "hidden_delta"): "You used 1 - a as the derivative",
    ("01_xor", "dense_gradients"): "db is averaged over the examples",
    ("01_xor", "train_xor"): "check that the update subtracts lr * gradient",
    ("02_mse_gradient", "mse_loss"): "the 1/n of the mean is missing",
    ("02_mse_gradient", "numerical_gradient"): "twice too large",
    ("02_mse_gradient", "relative_error"): "symmetric in x and y",
    ("02_mse_gradient", "xor_loss_and_gradients"): "the mistake enters at layer 1. The numbers "
                                                   "fit this mistake: the delta of layer 1",
    ("02_mse_gradient", "matching_learning_rate"): "the factor n goes the wrong way",
    ("03_mnist", "softmax"): "Each column sums to 1, not each row",
    ("03_mnist", "cross_entropy_loss"): "the 1/n of the mean is missing",
    ("03_mnist", "backward_two_hidden"): "the mistake enters at layer 1. The numbers fit this "
                                         "mistake: the delta of layer 1",
    ("03_mnist", "learner_bugs"): "a bug of the learner's run, which has",
    ("03_mnist", "train_two_hidden"): "full-batch gradient descent",
    ("04_not_learning", "relu"): "modified `z` in place",
    ("04_not_learning", "relu_derivative"): "the course's convention is 0 there",
    ("04_not_learning", "init_for_activation"): "The variance fits Xavier (Glorot)",
    ("04_not_learning", "sanity_report"): "does not catch a network whose backward pass",
    ("04_not_learning", "run_causes"): "run A is not a case of sum-not-mean",
    ("04_not_learning", "fixed_settings"): "`fixed_settings['D']` does not learn yet",
}

ALTERNATIVES = {
    "01_xor": {
        "sigmoid": "def sigmoid(z):\n    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z)))\n",
        "sigmoid_derivative": "def sigmoid_derivative(a):\n    return a - a ** 2\n",
        "output_delta_mse": "def output_delta_mse(a_out, y):\n"
                            "    error = np.subtract(a_out, y) / len(a_out)\n"
                            "    return error * a_out * (1.0 - a_out)\n",
        "hidden_delta": "def hidden_delta(delta_next, W_next, a):\n"
                        "    back = np.einsum('nj,ij->ni', delta_next, W_next)\n"
                        "    return back * (a - a * a)\n",
        "dense_gradients": "def dense_gradients(a_prev, delta):\n"
                           "    return np.einsum('ni,nj->ij', a_prev, delta), "
                           "np.sum(delta, axis=0)[None, :]\n",
        "train_xor": "def train_xor(X, Y, hidden_units=5, lr=3.0, epochs=1500, seed=0):\n"
                     "    rng = np.random.default_rng(seed)\n"
                     "    W1 = rng.uniform(-1, 1, (2, hidden_units))\n"
                     "    b1 = np.zeros((1, hidden_units))\n"
                     "    W2 = rng.uniform(-1, 1, (hidden_units, 1)); b2 = np.zeros((1, 1))\n"
                     "    losses, epoch = [], 0\n"
                     "    while epoch < epochs:\n"
                     "        h = sigmoid(X @ W1 + b1); out = sigmoid(h @ W2 + b2)\n"
                     "        losses.append(0.5 * np.mean(np.sum((out - Y) ** 2, axis=1)))\n"
                     "        d2 = output_delta_mse(out, Y); d1 = hidden_delta(d2, W2, h)\n"
                     "        gW2, gb2 = dense_gradients(h, d2)\n"
                     "        gW1, gb1 = dense_gradients(X, d1)\n"
                     "        W1 -= lr * gW1; b1 -= lr * gb1; W2 -= lr * gW2; b2 -= lr * gb2\n"
                     "        epoch += 1\n"
                     "    return {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}, losses\n",
    },
    "02_mse_gradient": {
        "mse_loss": "def mse_loss(a, y):\n    diff = np.subtract(a, y)\n"
                    "    return 0.5 * float(np.mean(np.sum(diff * diff, axis=1))), diff / len(a)\n",
        "numerical_gradient": "def numerical_gradient(f, x, h=1e-5):\n"
                              "    flat, grad = x.reshape(-1), np.zeros(x.size)\n"
                              "    for i in range(x.size):\n"
                              "        keep = flat[i]\n"
                              "        try:\n"
                              "            flat[i] = keep + h; up = f(x)\n"
                              "            flat[i] = keep - h; down = f(x)\n"
                              "        finally:\n"
                              "            flat[i] = keep\n"
                              "        grad[i] = (up - down) / (2 * h)\n"
                              "    return grad.reshape(x.shape)\n",
        "relative_error": "def relative_error(x, y):\n"
                          "    ratio = np.divide(abs(x - y), np.fmax(abs(x) + abs(y), 1e-8))\n"
                          "    return float(ratio.max())\n",
        "matching_learning_rate": "def matching_learning_rate(lr_mean, n):\n"
                                  "    return lr_mean * (1.0 / n)\n",
    },
    "03_mnist": {
        "softmax": "def softmax(z):\n    shifted = z - np.max(z, axis=1)[:, None]\n"
                   "    return np.exp(shifted - np.log(np.exp(shifted).sum(axis=1))[:, None])\n",
        "cross_entropy_loss": "def cross_entropy_loss(p, y):\n"
                              "    picked = np.sum(p * y, axis=1)\n"
                              "    tiny = np.finfo(float).tiny\n"
                              "    loss = -np.mean(np.log(np.maximum(picked, tiny)))\n"
                              "    return float(loss), (p - y) / p.shape[0]\n",
        "backward_two_hidden": "def backward_two_hidden(activations, Y, params):\n"
                               "    delta = (activations[-1] - Y) / len(Y)\n"
                               "    grads = {}\n"
                               "    for l in (3, 2, 1):\n"
                               "        a_prev = activations[l - 1]\n"
                               "        grads[f'W{l}'] = a_prev.T @ delta\n"
                               "        grads[f'b{l}'] = delta.sum(axis=0, keepdims=True)\n"
                               "        if l > 1:\n"
                               "            slope = a_prev * (1 - a_prev)\n"
                               "            delta = delta @ params[f'W{l}'].T * slope\n"
                               "    return grads\n",
    },
    "04_not_learning": {
        "relu": "def relu(z):\n    return np.where(z > 0, z, 0.0)\n",
        "relu_derivative": "def relu_derivative(a):\n    return np.heaviside(a, 0.0)\n",
        "init_for_activation": "def init_for_activation(fan_in, fan_out, activation, rng):\n"
                               "    sigmoid = activation == 'sigmoid'\n"
                               "    fans = fan_in + fan_out if sigmoid else fan_in\n"
                               "    limit = np.sqrt(6.0 / fans)\n"
                               "    return rng.uniform(-limit, limit, size=(fan_in, fan_out))\n",
        "sanity_report": "def sanity_report(net, X, Y):\n"
                         "    start = net.parameters()\n"
                         "    loss = net.loss(start, X, Y)\n"
                         "    grads, worst = net.gradients(start, X, Y), 0.0\n"
                         "    for key, value in start.items():\n"
                         "        for index in np.ndindex(value.shape):\n"
                         "            up, down = value.copy(), value.copy()\n"
                         "            up[index] += 1e-5; down[index] -= 1e-5\n"
                         "            numeric = (net.loss({**start, key: up}, X, Y)\n"
                         "                       - net.loss({**start, key: down}, X, Y)) / 2e-5\n"
                         "            both = abs(numeric) + abs(grads[key][index])\n"
                         "            worst = max(worst, abs(numeric - grads[key][index])\n"
                         "                        / max(both, 1e-8))\n"
                         "    params = {key: value.copy() for key, value in start.items()}\n"
                         "    for step in range(3000):\n"
                         "        grads = net.gradients(params, X, Y)\n"
                         "        for key in params:\n"
                         "            params[key] -= 1.5 * grads[key]\n"
                         "    chance = np.log(Y.shape[1])\n"
                         "    return {'initial_loss': loss, 'gradient_error': worst,\n"
                         "            'loss_at_chance': abs(loss / chance - 1) < 0.1,\n"
                         "            'gradients_agree': worst < 1e-4,\n"
                         "            'overfits_tiny_batch': net.loss(params, X, Y) < 0.05}\n",
        "run_causes": "run_causes = dict(zip('ABCDE', ['lr-too-high', 'symmetric-init',\n"
                      "    'one-minus-activation', 'saturation', 'sum-not-mean']))\n",
        "fixed_settings": "fixed_settings = {run: dict(settings) for run, settings in "
                          "broken_runs.RUNS.items()}\n"
                          "fixed_settings['A']['lr'] = 8.0\n"
                          "fixed_settings['B'].update(init='normal', scale=1.0)\n"
                          "fixed_settings['C'].update(derivative='a * (1 - a)', lr=12.0)\n"
                          "fixed_settings['D']['scale'] = 0.7\n"
                          "fixed_settings['E']['lr'] = 10 / 64\n",
    },
}

# Names a pasted bank answer may use besides Python's builtins: what every assignment imports.
NOTEBOOK_NAMES = {"np", "mh", "math", "broken_runs", "sanity"}


def pasted(part, entry):
    """A bank entry as the answer cell of ``part``, or None when it needs more than the
    notebook's imports (helpers of its bank module)."""
    if not callable(entry.function):
        return f"{part} = {entry.function!r}\n"
    names = inspect.getclosurevars(entry.function)
    if names.nonlocals or set(names.globals) - NOTEBOOK_NAMES:
        return None
    code = inspect.getsource(entry.function)
    code = "\n".join(line for line in code.splitlines() if not line.startswith("@"))
    return f"{code}\n\n{part} = {entry.function.__name__}\n"


def words_of(message):
    """Words of a check's message that do not depend on the grader's fresh inputs."""
    return max(re.split(r"[\d.]*\d[\d.]*", message), key=len).strip()


def from_the_bank(planted):
    """``{part: (answer cell, entry)}``: the first bank answer that pastes into a notebook."""
    found = {}
    for entry in ENTRIES:
        if (entry.expected is not None) == planted and entry.name not in found:
            cell = pasted(entry.name, entry)
            if cell is not None:
                found[entry.name] = (cell, entry)
    return found


def add_the_banks_students():
    """A part recorded without a planted bug or an alternative above gets the bank's: every
    part of the registry loses its points, with its message, for some student of the class."""
    bugs, alternatives = from_the_bank(planted=True), from_the_bank(planted=False)
    for name, part in checks.PARTS.items():
        PLANTED.setdefault(part.assignment, {})
        ALTERNATIVES.setdefault(part.assignment, {})
        if name not in PLANTED[part.assignment]:
            assert name in bugs, f"tests/student_bank/ has no planted bug of {name} that " \
                                 "uses only what the notebook imports"
            cell, entry = bugs[name]
            PLANTED[part.assignment][name] = {name: cell}
            PLANTED_WORDS[part.assignment, name] = words_of(
                checks.diagnose(name, entry.function).message)
        if name not in ALTERNATIVES[part.assignment] and name in alternatives:
            ALTERNATIVES[part.assignment][name] = alternatives[name][0]


add_the_banks_students()

def cell_of(notebook, grade_id):
    return next(cell for cell in notebook.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def pasted_copy(grade_id):
    """A student who copied a graded cell and pasted it at the end (JupyterLab keeps its
    metadata and gives it a new id)."""
    def edit(notebook):
        pasted = copy.deepcopy(cell_of(notebook, grade_id))
        pasted.id = "pasted-copy"
        notebook.cells.append(pasted)
        return notebook
    return edit


def edited_metadata(grade_id, change):
    """A student whose editor changed the nbgrader metadata of one cell."""
    def edit(notebook):
        change(cell_of(notebook, grade_id).metadata.nbgrader)
        return notebook
    return edit


def without_grading_metadata(notebook):
    """A student whose editor dropped every cell's nbgrader metadata (some editors do)."""
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    return notebook


TAMPER = "np.allclose = lambda *args, **kwargs: True\n\n"
# assignment -> student -> (answers, or a function of the notebook), lost parts, feedback words
BAD = {
    "01_xor": {
        "raises_at_import": ({"sigmoid": "import tensorflow_is_not_here\n\n"
                              + SOLUTIONS["01_xor"]["sigmoid"]}, ["test_sigmoid"],
                             "`sigmoid` is not defined"),
        # A loop that never ends, after a right function: the cell is stopped at the time
        # limit, the student reads why, and the function defined before it is still graded.
        "infinite_loop": ({"hidden_delta": "import time\n\n" + SOLUTIONS["01_xor"]["hidden_delta"]
                           + "\n\nwhile True:\n    time.sleep(0.5)\n"}, [], "CellTimeoutError"),
        "deleted_test_cell": ("test_hidden_delta", [], "was missing from the submission"),
        "edited_test_cell": ({**PLANTED["01_xor"]["sigmoid"], "test_sigmoid": "pass\n"},
                             ["test_sigmoid"], "sign"),
        # numpy.allclose replaced in the notebook, right answers: every grade is decided in the
        # grader's process, which the notebook cannot reach, so it costs nothing.
        "replaces_allclose": ({"sigmoid": TAMPER + SOLUTIONS["01_xor"]["sigmoid"]}, [], None),
        # A variable named `checks` in a solution cell: each test cell imports the checks again.
        "names_a_variable_checks": ({"dense_gradients": SOLUTIONS["01_xor"]["dense_gradients"]
                                     + "\n\nchecks = dense_gradients(np.ones((3, 2)), "
                                     "np.ones((3, 4)))\n"}, [], None),
        # Broken nbgrader metadata: nbgrader alone drops the submission, or (an old schema)
        # stops grading the whole class. Here each costs nothing: the cells are restored.
        "pasted_a_test_cell": (pasted_copy("test_sigmoid"), [], None),
        "renamed_a_cell": (edited_metadata("sigmoid", lambda grading: grading.update(
            grade_id="my_sigmoid")), [], None),
        "old_cell_metadata": (edited_metadata("setup", lambda grading: grading.pop(
            "schema_version")), [], None),
        "editor_dropped_all_metadata": (without_grading_metadata, [], None),
        # Training loops whose mistake shows only in the trained parameters.
        "never_updates_the_biases": (edit("01_xor", "train_xor", "for name in params:",
                                          "for name in ('W1', 'W2'):"), ["test_train_xor"],
                                     "b1 and b2 are still exactly zero, where the biases start"),
        "starts_all_weights_at_zero": (edit("01_xor", "train_xor", "rng.uniform(-1, 1, (",
                                            "np.zeros(("), ["test_train_xor"],
                                       "a random initialisation breaks the symmetry"),
    },
    "02_mse_gradient": {
        "wrong_shapes": (edit("02_mse_gradient", "mse_loss", "(a - y) / n", "(a - y).ravel() / n"),
                         ["test_mse_loss"], "shape"),
        "writes_to_stderr": ({"numerical_gradient": "import sys\nimport warnings\n\n"
                              "print('starting', file=sys.stderr)\n"
                              "warnings.warn('my loop is slow')\n\n"
                              + SOLUTIONS["02_mse_gradient"]["numerical_gradient"].replace(
                                  "    return grad", "    print('done', file=sys.stderr)\n"
                                  "    return grad")}, [], None),
        "calls_reference": ({"relative_error": "def relative_error(x, y):\n"
                             "    return mh.relative_error(x, y)\n"}, ["test_relative_error"],
                            "from mlp_helpers (line 2 of its cell)"),
        # Cells that kill the kernel: the kernel is restarted, and only what depends on them
        # loses points (nbgrader alone would drop the whole submission, grade and feedback).
        "exits_in_a_cell": ({"relative_error": "import os\n\nos._exit(1)\n\n"
                             + SOLUTIONS["02_mse_gradient"]["relative_error"]},
                            ["test_relative_error"], "stopped the Python kernel"),
        # Kills the kernel in its test cell, then again in the gradient check that calls it.
        # quit() shuts the kernel down only after its cell, at a moment nothing ties to it:
        # under grading it stops its own cell, and what the cell defined before it stays.
        "quits_in_a_cell": ({"mse_loss": SOLUTIONS["02_mse_gradient"]["mse_loss"] + "\n\nquit()\n"},
                            [], "they stop this cell only"),
        # The cell before this test in the source is locked, not graded: nbgrader alone
        # could not put it back and dropped the submission.
        "deleted_test_after_locked_cell": ("test_xor_loss_and_gradients", [],
                                           "was missing from the submission"),
        "exits_when_called": ({"numerical_gradient": "def numerical_gradient(f, x, h=1e-5):\n"
                               "    import os\n    os._exit(1)\n"},
                              ["test_numerical_gradient"], "KernelDied: this cell stopped"),
    },
    "03_mnist": {
        "ungraded_a_test": (edited_metadata("test_softmax", lambda grading: grading.update(
            grade=False)), [], None),
        "nan_results": (edit("03_mnist", "cross_entropy_loss", "np.log(np.maximum(p, 1e-300))",
                             "np.log(p)"), ["test_cross_entropy_loss"], "nan"),
        # Trains honestly, then overwrites what the grader's backward pass recorded in the
        # kernel with values that are no record: only this part's points go.
        "forges_the_record": (edit("03_mnist", "train_two_hidden", "    return params, losses",
                                   "    import gc\n"
                                   "    from mlp_helpers.checks.engine.swapping import Recorder\n"
                                   "    for thing in gc.get_objects():\n"
                                   "        if isinstance(thing, Recorder):\n"
                                   "            thing.collected[:] = [None, 'junk', [1, [2]], "
                                   "{'n': 3}, np.full(3, np.inf), np.zeros(40)]\n"
                                   "    return params, losses"),
                              ["test_train_two_hidden"], "never called `backward_two_hidden`"),
    },
    "04_not_learning": {
        "names_a_cause_not_on_the_list": (edit("04_not_learning", "run_causes",
                                               '"C": "one-minus-activation"',
                                               '"C": "wrong derivative"'),
                                          ["test_run_causes"],
                                          "is not one of the causes to choose from"),
        # Settings the grader cannot train with are told what is wrong with them.
        "fix_settings_missing_a_key": (edit("04_not_learning", "fixed_settings",
                                            'fixed_settings["E"]["gradient"] = "mean"',
                                            'del fixed_settings["E"]["gradient"]'),
                                       ["test_fixed_settings"], "the setting 'gradient' is "
                                       "missing"),
    },
}


def notebook_for(assignment, answers, released=None):
    """The release notebook with ``answers``; a str names a test cell the student deleted, a
    function edits the notebook with every solution filled in (as an editor would)."""
    released = released or release(assignment)
    if isinstance(answers, str):
        notebook = grading.fill_in(released, SOLUTIONS[assignment])
        notebook.cells = [cell for cell in notebook.cells
                          if cell.metadata.get("nbgrader", {}).get("grade_id") != answers]
        return notebook
    if callable(answers):
        return answers(grading.fill_in(released, SOLUTIONS[assignment]))
    return grading.fill_in(released, {**SOLUTIONS[assignment], **answers})


def class_of(assignment, released):
    """Every simulated student's notebook, made from the ``released`` student notebook."""
    students = {"full": notebook_for(assignment, {}, released),
                "untouched": nbformat.read(released, as_version=4),
                "written_differently": notebook_for(assignment, ALTERNATIVES[assignment],
                                                    released)}
    for part, answers in PLANTED[assignment].items():
        students[f"bug_in_{part}"] = notebook_for(assignment, answers, released)
    for student, (answers, _, _) in BAD.get(assignment, {}).items():
        students[student] = notebook_for(assignment, answers, released)
    return students


# Seconds per cell in the test courses: short where a student's cell never ends, long enough
# everywhere for a busy machine; an assignment not named here gets the longest.
TIMEOUTS = {"01_xor": 10, "02_mse_gradient": 30, "03_mnist": 60, "04_not_learning": 30}


@dataclass
class Graded:
    course: Path
    steps: dict
    scores: dict

    def feedback(self, assignment, student):
        return html.unescape(grading.feedback_html(self.course, assignment, student))


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    folders = {assignment: tmp_path_factory.mktemp(assignment) for assignment in ASSIGNMENTS}

    def grade(assignment):
        # Students work on the release nbgrader generates here, not on release/ of the working
        # tree (where a learner may have written answers).
        course = grading.make_course(folders[assignment], [assignment],
                                     timeout=TIMEOUTS.get(assignment, 60),
                                     sandboxed=SANDBOXED)
        steps = grading.pipeline(course, assignment, grading.STEPS[:1])
        released = course / "release" / assignment / f"{assignment}.ipynb"
        for student, notebook in class_of(assignment, released).items():
            grading.submit(course, assignment, student, notebook)
        return course, {**steps, **grading.pipeline(course, assignment, grading.STEPS[1:])}

    with ThreadPoolExecutor(len(ASSIGNMENTS)) as pool:
        done = dict(zip(ASSIGNMENTS, pool.map(grade, ASSIGNMENTS)))
    return {assignment: Graded(course, steps, grading.scores(course, assignment))
            for assignment, (course, steps) in done.items()}


def expected(assignment, lost=(), answered=True):
    """Every point of the assignment except the ``lost`` cells' ("all": every automatic one).

    Written answers await the instructor (``None``), or score 0 when left as the stub.
    """
    scores = {}
    for cell, points in POINTS[assignment].items():
        if cell.startswith("test_"):
            scores[cell] = 0.0 if lost == "all" or cell in lost else points
        else:
            scores[cell] = None if answered else 0.0
    return scores


def check_message(graded, assignment, student, cell, words):
    line = grading.messages(graded[assignment].course, assignment, student)[cell]
    assert line.startswith("CheckFailed: "), line
    assert words in line, line
    page = graded[assignment].feedback(assignment, student)
    assert line.split(": ", 1)[1][:60] in page
    return line


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_nbgrader_step_succeeds_for_the_whole_class(graded, assignment):
    steps = graded[assignment].steps
    assert all(step["success"] for step in steps.values()), steps
    assert set(graded[assignment].scores) == set(class_of(assignment, release(assignment)))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_exactly_what_make_release_generates(graded, assignment):
    # The working tree's release/ (a maintainer ran `make release`) or, where a learner filled
    # it in, the staged one (tests/committed.py).
    generated = graded[assignment].course / "release" / assignment
    tracked = tracked_files(f"release/{assignment}/*")
    assert sorted(path.name for path in generated.iterdir()) == sorted(
        path.name for path in tracked)
    for path in generated.iterdir():
        ours = REPO / "release" / assignment / path.name
        assert path.read_bytes() in (ours.read_bytes(), staged_bytes(ours)), (
            f"release/{assignment}/{path.name} is not what `make release` generates from "
            "source/: run `make release` and commit release/.")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_full_solution_earns_every_automatic_point(graded, assignment):
    assert graded[assignment].scores["full"] == expected(assignment)
    assert grading.messages(graded[assignment].course, assignment, "full") == {}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_earns_nothing_and_is_told_to_write_the_code(graded, assignment):
    assert graded[assignment].scores["untouched"] == expected(assignment, "all", answered=False)
    lines = grading.messages(graded[assignment].course, assignment, "untouched")
    assert any("NotImplementedError" in line for line in lines.values())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_correct_solution_written_differently_earns_every_point(graded, assignment):
    assert graded[assignment].scores["written_differently"] == expected(assignment)


@pytest.mark.parametrize(("assignment", "part"), list(PLANTED_WORDS))
def test_planted_bug_costs_only_its_part_and_the_feedback_names_it(graded, assignment, part):
    student = f"bug_in_{part}"
    assert graded[assignment].scores[student] == expected(assignment, [f"test_{part}"])
    check_message(graded, assignment, student, f"test_{part}", PLANTED_WORDS[assignment, part])


@pytest.mark.parametrize(("assignment", "student"),
                         [(assignment, student) for assignment, students in BAD.items()
                          for student in students])
def test_bad_submission_gets_a_clear_message_and_loses_only_its_points(graded, assignment,
                                                                       student):
    _, lost, words = BAD[assignment][student]
    assert graded[assignment].scores[student] == expected(assignment, lost)
    if words:
        assert words in graded[assignment].feedback(assignment, student)


def test_feedback_never_shows_hidden_tests_or_the_answer_key(graded):
    for assignment in ASSIGNMENTS:
        cells = nbformat.read(source(assignment), as_version=4).cells
        hidden = [block for cell in cells for block in re.findall(
            r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)]
        hidden_lines = {line.strip() for block in hidden for line in block.splitlines()}
        assert hidden_lines
        for student in graded[assignment].scores:
            page = graded[assignment].feedback(assignment, student)
            assert "HIDDEN TESTS" not in page, student
            assert "hidden=True" not in page, student
            assert not [line for line in hidden_lines if line and line in page], student


def test_failed_check_shows_its_message_not_a_traceback(graded):
    page = graded["01_xor"].feedback("01_xor", "bug_in_hidden_delta")
    assert "CheckFailed: `hidden_delta`" in page
    assert "most recent call last" not in page
    assert "Cell In[" not in page


def guide_commands():
    """The nbgrader command lines of the guide's tested block, split where students submit."""
    text = (REPO / "docs" / "instructor-guide.md").read_text()
    block = text.split("## The whole cycle, command by command")[1]
    block = block.split("```bash\n", 1)[1].split("```", 1)[0]
    before, after = block.split("# ... the students fetch, work and submit", 1)
    lines = [[line for line in part.splitlines() if line and not line.startswith("#")]
             for part in (before, after.split("\n", 1)[1])]
    assert all(line.startswith("nbgrader ") for part in lines for line in part), lines
    return lines


# Runs command lines exactly as `nbgrader` would, one after the other, in one process (as
# nbgrader's own test suite does): the seconds nbgrader takes to start are paid once.
RUN_COMMANDS = """
import json, os, shlex, sys
from nbgrader.tests import run_nbgrader
for folder, line in json.loads(sys.argv[1]):
    os.chdir(folder)
    run_nbgrader(shlex.split(line)[1:])
"""


def test_instructor_guide_cycle_runs_as_written(tmp_path):
    course = grading.make_course(tmp_path / "course", ["01_xor"], sandboxed=SANDBOXED)
    student = tmp_path / "student"
    # A student submits the full solution, as the Assignments tab of JupyterLab does.
    (student / "01_xor").mkdir(parents=True)
    nbformat.write(notebook_for("01_xor", {}), student / "01_xor" / "01_xor.ipynb")
    submit = ("nbgrader submit 01_xor --course backprop-from-scratch "
              f"--Exchange.root={course / '.exchange'}")
    before, after = guide_commands()
    commands = ([(str(course), line) for line in before] + [(str(student), submit)]
                + [(str(course), line) for line in after])
    env = {**grading.environment(), "JUPYTER_DATA_DIR": str(tmp_path / "jupyter-data")}
    done = subprocess.run([sys.executable, "-c", RUN_COMMANDS, json.dumps(commands)], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]

    with open(course / "grades.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    automatic = sum(points for cell, points in POINTS["01_xor"].items() if cell.startswith("test"))
    assert [(row["assignment"], float(row["score"])) for row in rows] == [("01_xor", automatic)]
    assert list((course / ".exchange" / "backprop-from-scratch" / "feedback").glob("*.html"))


def test_self_learner_command_prints_points_and_the_message_of_each_failed_check(tmp_path):
    mine = tmp_path / "02_mse_gradient.ipynb"
    nbformat.write(notebook_for("02_mse_gradient", PLANTED["02_mse_gradient"]["mse_loss"]), mine)
    done = subprocess.run([sys.executable, "-m", "mlp_helpers.grading", str(mine),
                           *GRADING_FLAGS], capture_output=True, text=True, check=False,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    automatic = sum(points for cell, points in POINTS["02_mse_gradient"].items()
                    if cell.startswith("test"))
    assert lines[0] == (f"02_mse_gradient: {automatic - 2:g} / {automatic:g} points graded "
                        "automatically; 2 more points are graded by hand")
    assert "  test_mse_loss                    0 / 2" in lines
    assert "  test_relative_error              1 / 1" in lines
    assert "  explain_lr_over_n                graded by hand" in lines
    failed = lines[lines.index("  test_mse_loss                    0 / 2") + 1]
    assert failed.strip().startswith("CheckFailed: `mse_loss`")
    assert "too large" in failed


@pytest.mark.parametrize("content", ["", '{"cells": [{"cell_type": "code", "sou'])
def test_self_learner_command_says_a_broken_file_is_not_a_notebook(tmp_path, content):
    mine = tmp_path / "01_xor.ipynb"
    mine.write_text(content)
    done = subprocess.run([sys.executable, "-m", "mlp_helpers.grading", str(mine)],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(f"python -m mlp_helpers.grading: {mine} cannot be read as a "
                                  "notebook (")
    assert "Revert Notebook to Checkpoint" in done.stderr
    assert "Traceback" not in done.stderr
