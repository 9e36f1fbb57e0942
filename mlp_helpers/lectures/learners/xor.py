"""The XOR learner: a 2-5-1 sigmoid network whose outputs all went to 0, replayed.

Their code (``posted_code("xor")``): no biases, ``np.random.seed(0)`` then
``np.random.random`` for ``W1`` and ``W2`` (weights in [0, 1)), the loss
``mse = sum (y - a)^2`` (a sum of squares, despite its name), learning rate 0.3, 10000 epochs,
full batch. The output delta multiplies ``a * (1 - a)`` by the *value* of that loss
(``bugs.output_delta_loss_value``). Everything else in their backward pass is right.

Their later edit multiplied the gradient by the loss value instead,
``(a - y) * L * a * (1 - a)`` with ``L = 1/2 sum (a - y)^2``, and the thread's accepted answer
called multiplying by the loss correct. ``EDIT_RULES`` replays that edit.
"""

import numpy as np

from mlp_helpers.activations import sigmoid_derivative_unchecked
from mlp_helpers.data import xor
from mlp_helpers.lectures.bugs import output_delta_loss_value, sigmoid_unstable
from mlp_helpers.lectures.replays import Setting, replay

SETTING = Setting(layer_sizes=(2, 5, 1), output="sigmoid", init="uniform", bias=False, seed=0,
                  lr=0.3, epochs=10000, global_seed=True,
                  hidden_activation=sigmoid_unstable, output_activation=sigmoid_unstable)


def output_delta_sum_of_squares(a_out, y):
    """The correct output delta for *their* loss ``sum (y - a)^2``: ``2 (a - y) * a (1 - a)``.

    The course's mean with 1/2 has ``(a - y) / n`` instead: the same direction, a step ``2n``
    times smaller at the same learning rate.
    """
    return 2 * (a_out - y) * sigmoid_derivative_unchecked(a_out)


def output_delta_gradient_times_loss(a_out, y):
    """Their edit: ``(a - y)`` times the loss value ``1/2 sum (a - y)^2``, times ``a (1 - a)``."""
    loss = 0.5 * np.sum(np.square(a_out - y)).mean()
    return np.dot(a_out - y, loss) * sigmoid_derivative_unchecked(a_out)


RULES = {"output_delta": output_delta_loss_value}
FIXED_RULES = {"output_delta": output_delta_sum_of_squares}
EDIT_RULES = {"output_delta": output_delta_gradient_times_loss}


def replay_run(rules=RULES):
    """Their run with the output delta of ``rules`` (theirs by default): a ``Replay``."""
    return replay(SETTING, *xor(), **rules)


def their_loss(history):
    """The loss as they logged it, ``sum (y - a)^2`` per epoch, from a ``History``.

    ``History.loss`` is the course's ``1/(2n) sum (a - y)^2``: theirs is ``2n`` times it.
    """
    return 2 * len(xor()[0]) * np.asarray(history.loss)


__all__ = ["EDIT_RULES", "FIXED_RULES", "RULES", "SETTING", "output_delta_gradient_times_loss",
           "output_delta_sum_of_squares", "replay_run", "their_loss"]
