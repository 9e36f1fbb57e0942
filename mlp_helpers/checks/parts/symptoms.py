"""What the parameters a training loop returns show about the loop itself.

Read after the run, from the numbers alone: hidden units that are all the same (they started
the same, so every step kept them the same), and biases still at the zeros they start from
(the update never touched them).
"""

import numpy as np

from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.running import listed

# Columns that differ by less than this, relative to the weights' size, are the same column:
# hidden units that start identical stay identical up to the rounding of the matrix products
# (measured: at most 2e-13 after 2000 epochs on XOR), while random weights differ by about 1.
_SAME = 1e-6


def symmetric_units(name, params, layers, consequence):
    """``symmetric-init`` when all the units of a hidden layer have the same incoming weights.

    ``layers`` are the hidden layers' numbers (``W{l}`` holds each unit's incoming weights in
    a column); ``consequence`` says, as the end of a sentence, what that costs the network.
    """
    for layer in layers:
        W = np.asarray(params[f"W{layer}"], dtype=np.float64)
        units = W.shape[1]
        scale = max(1.0, float(np.abs(W).max()))
        if units > 1 and float(np.abs(W - W[:, :1]).max()) <= _SAME * scale:
            where = "" if len(layers) == 1 else f" of layer {layer}"
            return Diagnosis("symmetric-init", f"`{name}`: after training, all {units} hidden "
                             f"units{where} have the same incoming weights (the {units} columns "
                             f"of W{layer} are identical). Every unit started with the same "
                             "weights, so each got the same gradient and took the same step: "
                             f"they stay identical, {consequence}. Start the weights at random "
                             "values, different for every unit: a random initialisation breaks "
                             "the symmetry.")
    return None


def frozen_biases(name, params, count, where):
    """``bias-not-updated`` when some ``b{l}`` are still all zeros and the weights are not.

    The biases start at zero; a step with a nonzero gradient never lands exactly on 0.0 in
    every entry, so a bias still all zeros after training never took a step. ``where`` says
    where in the loop the student should look.
    """
    frozen = [f"b{l}" for l in range(1, count + 1) if not np.any(params[f"b{l}"])]
    weights_set = any(np.any(params[f"W{l}"]) for l in range(1, count + 1))
    if not frozen or not weights_set:
        return None
    subject = f"{listed(frozen)} {'is' if len(frozen) == 1 else 'are'}"
    return Diagnosis("bias-not-updated", f"`{name}`: after training, {subject} still exactly "
                     "zero, where the biases start: "
                     f"{'that bias never' if len(frozen) == 1 else 'those biases never'} took "
                     f"a step. {where} every parameter moves against its own gradient, the "
                     "biases as well as the weights, each b with its db.")
