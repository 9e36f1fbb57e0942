"""The course's catalogue of named mistakes: the bugs learners wrote, as code.

Each mistake is written here once, under its diagnosis code, and everything that shows or
detects it derives from it: the lectures' replays and widgets, the broken runs and sanity
networks of the assignments, and the checks' hypotheses about a student's code.

One module for each kind of mistake, all of whose names this package holds too
(``from mlp_helpers.lectures.bugs import BUGS``):

- ``bugs.activations``: the sigmoid's, the softmax's, the ReLU's and tanh's wrong forms, and the
  wrong slopes, written with the activation ``a``, where most of the others start
  (``derivative_one_minus_activation``, ``derivative_at_sigmoid_of_activation``,
  ``derivative_squared``, ``derivative_at_preactivation``);
- ``bugs.losses``: the cross-entropy's wrong forms, and the wrong output deltas;
- ``bugs.backward``: the wrong errors sent down a layer (``error_down_untransposed``,
  ``error_down_weights_skipped``), the hidden deltas made of them and of the wrong slopes, and
  the dense gradients with a transpose or the bias's sum wrong;
- ``bugs.catalogue``: ``BUGS`` (sigmoid output and MSE) and ``MNIST_BUGS`` (softmax output and
  cross-entropy), the learners' bugs by diagnosis code, for the "pick a bug" widgets.

A bug of the backward pass is a whole rule, with that rule's signature: passing one to
``train(net, X, Y, ..., output_delta=bug)`` (or ``hidden_delta=``, ``dense_gradients=``) runs
the very same network with the bug in place.

Each bug is also a student's answer the checks must name: a rule calls none of the reference's
functions for its own part (``hidden_delta``, ``dense_gradients``...), or the checks would
rightly call it a call to the reference. That is why each writes its own product.
"""

from mlp_helpers.lectures.bugs.activations import (
    derivative_at_preactivation,
    derivative_at_sigmoid_of_activation,
    derivative_of_tanh,
    derivative_one_minus_activation,
    derivative_squared,
    relu_abs,
    relu_derivative_one_at_zero,
    relu_step,
    sigmoid_exponent_sign,
    sigmoid_one_over_one,
    sigmoid_unstable,
    softmax_over_batch,
    softmax_over_columns,
    softmax_unshifted,
    softmax_without_keepdims,
    tanh_derivative_as_sigmoid,
    tanh_derivative_at_tanh_of_activation,
    tanh_derivative_square_of_difference,
)
from mlp_helpers.lectures.bugs.backward import (
    dense_gradients_bias_averaged,
    dense_gradients_delta_transposed,
    dense_gradients_no_transpose,
    dense_gradients_transposed,
    dense_gradients_without_keepdims,
    error_down_untransposed,
    error_down_weights_skipped,
    hidden_delta_derivative_twice,
    hidden_delta_one_minus_activation,
    hidden_delta_one_minus_sigmoid_of_activation,
)
from mlp_helpers.lectures.bugs.catalogue import (
    BUGS,
    MNIST_BUGS,
    Bug,
)
from mlp_helpers.lectures.bugs.losses import (
    cross_entropy_binary,
    cross_entropy_exp,
    cross_entropy_gradient_at_probabilities,
    output_delta_flipped_sign,
    output_delta_loss_value,
    output_delta_mean_loss_value,
    output_delta_softmax_aliased,
    output_delta_softmax_flipped_sign,
    output_delta_softmax_summed,
    output_delta_summed,
    output_delta_without_derivative,
)

__all__ = [
    "BUGS",
    "MNIST_BUGS",
    "Bug",
    "cross_entropy_binary",
    "cross_entropy_exp",
    "cross_entropy_gradient_at_probabilities",
    "dense_gradients_bias_averaged",
    "dense_gradients_delta_transposed",
    "dense_gradients_no_transpose",
    "dense_gradients_transposed",
    "dense_gradients_without_keepdims",
    "derivative_at_preactivation",
    "derivative_at_sigmoid_of_activation",
    "derivative_of_tanh",
    "derivative_one_minus_activation",
    "derivative_squared",
    "error_down_untransposed",
    "error_down_weights_skipped",
    "hidden_delta_derivative_twice",
    "hidden_delta_one_minus_activation",
    "hidden_delta_one_minus_sigmoid_of_activation",
    "output_delta_flipped_sign",
    "output_delta_loss_value",
    "output_delta_mean_loss_value",
    "output_delta_softmax_aliased",
    "output_delta_softmax_flipped_sign",
    "output_delta_softmax_summed",
    "output_delta_summed",
    "output_delta_without_derivative",
    "relu_abs",
    "relu_derivative_one_at_zero",
    "relu_step",
    "sigmoid_exponent_sign",
    "sigmoid_one_over_one",
    "sigmoid_unstable",
    "softmax_over_batch",
    "softmax_over_columns",
    "softmax_unshifted",
    "softmax_without_keepdims",
    "tanh_derivative_as_sigmoid",
    "tanh_derivative_at_tanh_of_activation",
    "tanh_derivative_square_of_difference",
]
