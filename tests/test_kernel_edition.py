"""The kernel edition of the package, and the course's code a check sends to a graded kernel.

In the kernel edition (``kernel_edition``) the implementations of an assignment's graded parts
raise a message for the student. The reference reaches a graded kernel only inside a check's
own request, once every part it implements has been judged.
"""

import numpy as np
import pytest

from mlp_helpers import kernel_edition
from mlp_helpers.activations import _sigmoid
from mlp_helpers.checks._remote import Kernel, Remote


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
        Remote(kernel, "train_xor").run((np.zeros((4, 2)),), {}, {"sigmoid": _sigmoid}, (), 1)
    assert asked == []


def test_code_sent_for_a_training_loop_keeps_the_loop_itself_a_stub():
    sent = dict(kernel_edition.carried(["mlp_helpers.checks.freeform_mnist"],
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
