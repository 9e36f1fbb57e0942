"""While a notebook is graded, its kernel holds no implementation of the assignment's graded parts.

The sandboxed kernel imports the kernel edition of ``mlp_helpers`` (``kernel_edition``): the
course's ``sigmoid``, the ``sigmoid_unchecked`` the network uses and ``MLP.backward`` raise a
message for the student there, so no cell can hand them in as the student's own, however it
names them. Unsandboxed grading and the lectures keep the real package. The reference reaches the
kernel only inside a check's own request, once every part it implements has been judged.
"""

import json

import nbformat
import numpy as np
import pytest
from sandboxing import needs_sandbox

from mlp_helpers import grading
from mlp_helpers.activations import sigmoid_unchecked
from mlp_helpers.checks.engine.running import Call
from mlp_helpers.checks.kernel import edition as kernel_edition
from mlp_helpers.checks.kernel.remote import Kernel, Remote

SOURCE = grading.REPO / "source" / "01_xor" / "01_xor.ipynb"
RELEASE = grading.REPO / "release" / "01_xor" / "01_xor.ipynb"
# A cell a student adds: what the course's package gives their kernel, printed as JSON.
PROBE = '''
import json
import mlp_helpers.network

probes = {}
for name, call in [("sigmoid", lambda: mh.sigmoid(0.0)),
                   ("network.sigmoid_unchecked",
                    lambda: mlp_helpers.network.sigmoid_unchecked(0.0)),
                   ("MLP.backward", lambda: object.__new__(mh.MLP).backward([], None)),
                   ("mse_loss", lambda: mh.mse_loss(np.ones((1, 1)), np.ones((1, 1)))[0])]:
    try:
        probes[name] = repr(call())
    except Exception as error:
        probes[name] = f"{type(error).__name__}: {error}"
print("PROBES", json.dumps(probes))
'''


def probed(tmp_path, sandboxed):
    """What the probe cell printed in a graded 01_xor with every answer right, and its score."""
    notebook = grading.fill_in(RELEASE, grading.solutions(SOURCE))
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    course = grading.make_course(tmp_path, ["01_xor"], sandboxed=sandboxed)
    grading.generate_assignment(course, "01_xor")
    grading.submit(course, "01_xor", "me", notebook)
    process = grading.autograde(course, "01_xor", sandboxed=sandboxed)
    assert process.returncode == 0, process.stderr[-3000:]
    graded = nbformat.read(course / "autograded" / "me" / "01_xor" / "01_xor.ipynb", 4)
    text = "".join(output.get("text", "") for output in graded.cells[-1].outputs)
    line = next(line for line in text.splitlines() if line.startswith("PROBES "))
    return json.loads(line.removeprefix("PROBES ")), grading.scores(course, "01_xor")["me"]


@pytest.mark.slow
@needs_sandbox
def test_graded_kernel_cannot_reach_the_courses_sigmoid_its_private_kernel_or_the_network(
        tmp_path):
    probes, scores = probed(tmp_path, sandboxed=True)
    for name, shown in [("sigmoid", "sigmoid"),
                        ("network.sigmoid_unchecked", "sigmoid_unchecked"),
                        ("MLP.backward", "MLP.backward")]:
        assert probes[name] == (f"Unavailable: {kernel_edition.message(shown)}"), probes
    assert "while your notebook is graded" in kernel_edition.message("sigmoid")
    # Another assignment's part stays: its cells may use what earlier assignments graded.
    assert probes["mse_loss"] == "0.0"
    assert sum(score or 0 for score in scores.values()) == 11


@pytest.mark.slow
def test_unsandboxed_grading_keeps_the_whole_package(tmp_path):
    probes, _ = probed(tmp_path, sandboxed=False)
    assert probes["sigmoid"] == "array(0.5)"
    assert probes["MLP.backward"].startswith(("IndexError", "AttributeError", "TypeError"))


def test_edition_stubs_the_graded_assignments_parts_and_keeps_the_others():
    assert {"activations", "deltas", "layers", "network", "training"} <= set(
        kernel_edition.formula_modules("01_xor"))
    assert "activations" not in kernel_edition.formula_modules("02_mse_gradient")
    assert "gradcheck" not in kernel_edition.formula_modules("04_not_learning")
    # An assignment the course does not know: nothing of any assignment stays.
    assert {"activations", "losses", "gradcheck", "initialisation"} <= set(
        kernel_edition.formula_modules("99_unknown"))


def test_edited_source_raises_the_message_and_keeps_the_rest():
    namespace = {}
    exec(kernel_edition.edited("import numpy as np\nK = 2\ndef f(z):\n    '''Doc.'''\n"
                               "    return z\ng = lambda z: z\n", "mlp_helpers.x"), namespace)
    assert namespace["K"] == 2
    assert namespace["f"].__doc__ == "Doc."
    for function in (namespace["f"], namespace["g"]):
        with pytest.raises(kernel_edition.Unavailable, match="while your notebook is graded"):
            function(1.0)


def test_reference_of_a_part_not_judged_yet_never_leaves_the_grader():
    asked = []
    kernel = Kernel(lambda code, expressions: asked.append(code) or {})
    kernel.pending = {"sigmoid", "train_xor"}
    with pytest.raises(kernel_edition.NotJudgedYet, match="sigmoid"):
        Remote(kernel, "train_xor").run([Call([np.zeros((4, 2))],
                                              swap={"sigmoid": sigmoid_unchecked}, seconds=1)])
    assert asked == []


def test_code_sent_for_a_training_loop_keeps_the_loop_itself_a_stub():
    sent = dict(kernel_edition.carried(["mlp_helpers.checks.parts.freeform_mnist"],
                                       {"train_two_hidden"}))
    namespace = {}
    exec(sent["mlp_helpers.network"], namespace)
    net = namespace["MLP"]((2, 3, 2))
    with pytest.raises(kernel_edition.Unavailable, match=r"`MLP\.forward`"):
        net.forward(np.zeros((1, 2)))
    X, Y = np.zeros((1, 2)), np.array([[1.0, 0.0]])
    activations = [X, np.full((1, 3), 0.5), np.full((1, 2), 0.5)]
    assert set(net.backward(activations, Y)) == {"W1", "b1", "W2", "b2"}
    with pytest.raises(kernel_edition.NotJudgedYet):
        kernel_edition.carried(["mlp_helpers.activations"], {"softmax"})


def test_code_sent_for_a_sanity_network_carries_the_catalogue_it_is_made_of():
    # The catalogue of mistakes is a package: what the kernel is sent holds its modules too.
    sent = dict(kernel_edition.carried(["mlp_helpers.assignments.sanity"], set()))
    assert {"mlp_helpers.lectures.bugs", "mlp_helpers.lectures.bugs.backward"} <= set(sent)
    namespace = {}
    exec(sent["mlp_helpers.lectures.bugs.backward"], namespace)
    delta = namespace["hidden_delta_one_minus_activation"](np.ones((1, 2)), np.eye(2),
                                                           np.full((1, 2), 0.25))
    np.testing.assert_allclose(delta, [[0.75, 0.75]])
