"""The learners' bugs by diagnosis code, for the "pick a bug" widgets.

``BUGS`` holds those of a sigmoid output with MSE (the XOR learner's network), ``MNIST_BUGS``
those of a softmax output with cross-entropy; each ``Bug`` names the rule it replaces.
"""

from dataclasses import dataclass

from mlp_helpers.lectures.bugs.backward import (
    hidden_delta_derivative_twice,
    hidden_delta_one_minus_activation,
)
from mlp_helpers.lectures.bugs.losses import (
    output_delta_flipped_sign,
    output_delta_loss_value,
    output_delta_softmax_flipped_sign,
    output_delta_softmax_summed,
    output_delta_summed,
    output_delta_without_derivative,
)


@dataclass(frozen=True)
class Bug:
    """A named bug: which rule it replaces, and how."""

    code: str
    rule: str
    function: object
    description: str


BUGS = {bug.code: bug for bug in (
    Bug("loss-not-gradient", "output_delta", output_delta_loss_value,
        "the loss value L where its gradient (a - y) belongs"),
    Bug("sum-not-mean", "output_delta", output_delta_summed,
        "the 1/n of the mean left out: steps n times larger"),
    Bug("sign", "output_delta", output_delta_flipped_sign, "(y - a) instead of (a - y)"),
    Bug("derivative-missing", "output_delta", output_delta_without_derivative,
        "the sigmoid's derivative a(1 - a) left out"),
    Bug("one-minus-activation", "hidden_delta", hidden_delta_one_minus_activation,
        "1 - a used as the sigmoid's derivative"),
    Bug("derivative-twice", "hidden_delta", hidden_delta_derivative_twice,
        "the derivative taken at sigma(a) instead of a"),
)}
MNIST_BUGS = {bug.code: bug for bug in (
    Bug("sum-not-mean", "output_delta", output_delta_softmax_summed,
        "the 1/n of the mean left out: steps n times larger"),
    Bug("sign", "output_delta", output_delta_softmax_flipped_sign, "(y - p) instead of (p - y)"),
    BUGS["one-minus-activation"],
    BUGS["derivative-twice"],
)}
