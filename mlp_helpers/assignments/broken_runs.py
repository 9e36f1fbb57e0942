"""Five training runs that fail, each for one real reason, and the trainer that replays them.

Every run trains the same small network (2 inputs, 8 sigmoid hidden units, 1 sigmoid output,
the mean MSE of the course) by full-batch gradient descent on a noisy XOR of 64 points, for
``EPOCHS`` epochs. A run is described by plain *settings*, a dict:

- ``"init"``: ``"xavier"`` (Glorot's uniform scale), ``"normal"`` (``scale * randn``) or
  ``"constant"`` (every weight equal to ``scale``); biases start at 0;
- ``"scale"``: the number ``"normal"`` and ``"constant"`` use (``"xavier"`` ignores it);
- ``"lr"``: the learning rate;
- ``"gradient"``: ``"mean"`` (the gradient of the mean loss, as the course's conventions
  say) or ``"sum"`` (the gradient of the summed loss, ``n`` times larger);
- ``"derivative"``: the hidden layer's derivative written with its activation ``a``,
  ``"a * (1 - a)"`` (right for the sigmoid) or ``"1 - a"``.

``train_run(settings, seed)`` replays a run and returns plain numbers only, so the same run can
be asked for from anywhere (the grader does, on seeds of its own).
"""

import numpy as np

from mlp_helpers.activations import _sigmoid

EPOCHS = 400
HIDDEN_UNITS = 8
N_POINTS = 64
INITS = ("xavier", "normal", "constant")
GRADIENTS = ("mean", "sum")
DERIVATIVES = {"a * (1 - a)": lambda a: a * (1.0 - a), "1 - a": lambda a: 1.0 - a}
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
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def train_run(settings, seed=0, epochs=EPOCHS):
    """Replay the run of ``settings`` on the data and initial weights of ``seed``.

    Returns
    -------
    dict of plain values: ``loss`` (list, one mean MSE per epoch, before each step),
    ``accuracy`` (after training), ``saturated_at_start`` (the fraction of hidden
    activations within 0.01 of 0 or 1 before training), ``units_apart`` (the largest
    difference between two hidden units' incoming weights after training) and ``solved``.
    """
    wrong = problems(settings)
    if wrong:
        raise ValueError("; ".join(wrong))
    X, Y = noisy_xor(seed)
    rng = np.random.default_rng([seed, 1])
    W1, W2 = (_weights(settings, 2, HIDDEN_UNITS, rng), _weights(settings, HIDDEN_UNITS, 1, rng))
    b1, b2 = np.zeros((1, HIDDEN_UNITS)), np.zeros((1, 1))
    lr, n = float(settings["lr"]), len(X)
    slope = DERIVATIVES[settings["derivative"]]
    losses, saturated = [], None
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            a1 = _sigmoid(X @ W1 + b1)
            a2 = _sigmoid(a1 @ W2 + b2)
            if saturated is None:
                saturated = float(np.mean((a1 < 0.01) | (a1 > 0.99)))
            losses.append(float(0.5 * np.mean(np.sum((a2 - Y) ** 2, axis=1))))
            delta2 = (a2 - Y) * a2 * (1.0 - a2)
            if settings["gradient"] == "mean":
                delta2 = delta2 / n
            delta1 = (delta2 @ W2.T) * slope(a1)
            W2 = W2 - lr * a1.T @ delta2
            b2 = b2 - lr * delta2.sum(axis=0, keepdims=True)
            W1 = W1 - lr * X.T @ delta1
            b1 = b1 - lr * delta1.sum(axis=0, keepdims=True)
        a2 = _sigmoid(_sigmoid(X @ W1 + b1) @ W2 + b2)
    accuracy = float(np.mean((a2 > 0.5) == (Y > 0.5)))
    apart = float(np.max(np.ptp(np.vstack([W1, W2.T]), axis=1)))
    final = losses[-1] if losses else float("nan")
    return {"loss": losses, "accuracy": accuracy, "saturated_at_start": saturated or 0.0,
            "units_apart": apart,
            "solved": bool(final < SOLVED_LOSS and accuracy >= SOLVED_ACCURACY)}


def rises(losses):
    """How many epochs the loss went up (by more than round-off)."""
    return int(np.count_nonzero(np.diff(np.asarray(losses)) > 1e-9))
