"""Five training runs that fail, each for one real reason, and the trainer that replays them.

Every run trains the course's network (``MLP``: 2 inputs, 8 sigmoid hidden units, 1 sigmoid
output, the mean MSE) by full-batch gradient descent (``train``) on a noisy XOR of 64 points,
for ``EPOCHS`` epochs. A run is described by plain *settings*, a dict:

- ``"init"``: ``"xavier"`` (Glorot's uniform scale), ``"normal"`` (``scale * randn``) or
  ``"constant"`` (every weight equal to ``scale``); biases start at 0;
- ``"scale"``: the number ``"normal"`` and ``"constant"`` use (``"xavier"`` ignores it);
- ``"lr"``: the learning rate;
- ``"gradient"``: ``"mean"`` (the gradient of the mean loss, as the course's conventions
  say) or ``"sum"`` (the gradient of the summed loss, ``n`` times larger);
- ``"derivative"``: the hidden layer's derivative written with its activation ``a``,
  ``"a * (1 - a)"`` (right for the sigmoid) or ``"1 - a"`` (the catalogue's
  ``hidden_delta_one_minus_activation``).

``train_run(settings, seed)`` replays a run and returns plain numbers only, so the same run can
be asked for from anywhere (the grader does, on seeds of its own).
"""

from functools import partial

import numpy as np

from mlp_helpers.initialisation import init_for_activation
from mlp_helpers.lectures.bugs import hidden_delta_one_minus_activation
from mlp_helpers.lectures.diagnostics import inactive
from mlp_helpers.losses import REDUCTIONS
from mlp_helpers.network import MLP
from mlp_helpers.training import train

EPOCHS = 400
HIDDEN_UNITS = 8
N_POINTS = 64
INITS = ("xavier", "normal", "constant")
# The gradient followed is that of the mean loss or of the summed one.
GRADIENTS = REDUCTIONS
# The hidden delta each derivative makes: the network's own for a * (1 - a).
DERIVATIVES = {"a * (1 - a)": {}, "1 - a": {"hidden_delta": hidden_delta_one_minus_activation}}
SETTINGS = ("init", "scale", "lr", "gradient", "derivative")
# A run that learned: its final mean MSE is below this (answering 1/2 everywhere gives 0.125)
# and it classifies at least SOLVED_ACCURACY of the points.
SOLVED_LOSS = 0.05
SOLVED_ACCURACY = 0.9

# The settings that train well, and the five broken runs: each changes one thing.
GOOD = {"init": "xavier", "scale": 1.0, "lr": 10.0, "gradient": "mean",
        "derivative": "a * (1 - a)"}
RUNS = {
    "A": {**GOOD, "lr": 1000.0},
    "B": {**GOOD, "init": "constant", "scale": 0.5},
    "C": {**GOOD, "derivative": "1 - a"},
    "D": {**GOOD, "init": "normal", "scale": 30.0},
    "E": {**GOOD, "gradient": "sum"},
}
# The causes a student chooses from: each is a diagnosis code of the course.
CAUSES = ("symmetric-init", "saturation", "lr-too-high", "sum-not-mean",
          "one-minus-activation")


def noisy_xor(seed=0, n=N_POINTS):
    """``n`` points around XOR's four corners (centred on 0), targets ``(n, 1)``."""
    rng = np.random.default_rng(seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    which = np.arange(n) % 4
    X = corners[which] + rng.normal(0.0, 0.15, (n, 2)) - 0.5
    Y = (corners[which, 0] != corners[which, 1]).astype(np.float64)[:, None]
    return X, Y


def problems(settings):
    """What is wrong with ``settings`` as a form (unknown keys or values), as sentences."""
    if not isinstance(settings, dict):
        return ["the settings of a run must be a dict such as the runs' own"]
    found = [f"{key!r} is not a setting (the settings are {', '.join(SETTINGS)})"
             for key in settings if key not in SETTINGS]
    found += [f"the setting {key!r} is missing" for key in SETTINGS if key not in settings]
    choices = {"init": INITS, "gradient": GRADIENTS, "derivative": tuple(DERIVATIVES)}
    for key, allowed in choices.items():
        if key in settings and settings[key] not in allowed:
            found.append(f"{key!r} must be one of {', '.join(map(repr, allowed))}")
    for key in ("scale", "lr"):
        value = settings.get(key)
        if key in settings and (isinstance(value, bool) or not isinstance(value, int | float)
                                or not np.isfinite(value) or value <= 0):
            found.append(f"{key!r} must be a positive number")
    return found


def _weights(settings, fan_in, fan_out, rng):
    if settings["init"] == "constant":
        return np.full((fan_in, fan_out), float(settings["scale"]))
    if settings["init"] == "normal":
        return float(settings["scale"]) * rng.standard_normal((fan_in, fan_out))
    return init_for_activation(fan_in, fan_out, "sigmoid", rng)


def train_run(settings, seed=0, epochs=EPOCHS):
    """Replay the run of ``settings`` on the data and initial weights of ``seed``.

    Returns
    -------
    dict of plain values: ``loss`` (list, one mean MSE per epoch, before each step),
    ``accuracy`` (after training), ``saturated_at_start`` (the fraction of hidden
    activations saturated before training, see ``lectures.diagnostics.inactive``),
    ``units_apart`` (the largest difference between two hidden units' incoming weights after
    training) and ``solved``.
    """
    wrong = problems(settings)
    if wrong:
        raise ValueError("; ".join(wrong))
    X, Y = noisy_xor(seed)
    net = MLP((2, HIDDEN_UNITS, 1), output="sigmoid", init=partial(_weights, settings),
              rng=np.random.default_rng([seed, 1]))
    hidden = net.forward(X)[1][1]
    saturated = float(np.mean(inactive(hidden, "sigmoid")))
    with np.errstate(all="ignore"):
        losses = train(net, X, Y, lr=float(settings["lr"]), epochs=epochs,
                       reduction=settings["gradient"],
                       **DERIVATIVES[settings["derivative"]]).loss
        accuracy = net.accuracy(X, Y[:, 0])
    W1, W2 = net.weights
    apart = float(np.max(np.ptp(np.vstack([W1, W2.T]), axis=1)))
    final = losses[-1] if losses else float("nan")
    return {"loss": losses, "accuracy": accuracy, "saturated_at_start": saturated,
            "units_apart": apart,
            "solved": bool(final < SOLVED_LOSS and accuracy >= SOLVED_ACCURACY)}


def rises(losses):
    """How many epochs the loss went up (by more than round-off)."""
    return int(np.count_nonzero(np.diff(np.asarray(losses)) > 1e-9))
