"""What a mini-batch loop did at each step, seen through the reference backward pass it calls.

One short run's final accuracy is a noisy witness: the instructor's loop, one epoch on 4,000
digits, ends between 96 % and 98 % test accuracy over 200 seeds, and a loop whose steps are 32
times too small, or one that trains 125 times on the same 32 digits, ends near 95 %. So the
backward pass swapped into the loop records, at each call, what is exact:

- which digits the mini-batch holds: each row's pixels back in the integers 0 to 255 they were
  stored as, times fixed integer weights (a fingerprint with no rounding in it);
- where the parameters stand and where the gradient points: each projected on a fixed random
  direction of its own shape.

Between two calls the loop takes one step: each parameter's projection moves by ``-lr`` times
its gradient's, up to rounding, if the step is ``params - lr * grads``. A call after which the
parameters do not move is a look (a loss or a gradient norm to print), not a step.
"""

from collections import Counter
from functools import lru_cache
from itertools import pairwise

import numpy as np

from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.running import listed

NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
# A fingerprint reads 196 fixed pixels of the 784 (four times cheaper, and as telling: no two
# digits of the data share them all), each the integer k below 256 it was stored as, times
# weights below 2**20: the sum stays below 2**53, exact in any order of summation.
_PIXELS = np.sort(np.random.default_rng(196).choice(784, 196, replace=False))
_WEIGHTS = np.random.default_rng(784).integers(1, 2**20, 196).astype(np.float64)
# A step matches ``lr`` times the gradient to this, relative to the step (rounding leaves at most
# 6e-12 on the course's loop; a step 32 times too small is off by 0.97), plus this, relative to
# the size of the projections themselves (rounding leaves at most 2e-14).
_RTOL, _ROUNDING = 1e-7, 1e-13


@lru_cache(maxsize=32)
def _direction(name, shape):
    return np.random.default_rng([NAMES.index(name), *shape]).standard_normal(shape)


def _projected(arrays):
    """``[<arrays[k], direction of k>]`` for each name of ``NAMES``; NaN where it cannot be."""
    found = []
    for name in NAMES:
        try:
            value = np.asarray(arrays[name], dtype=np.float64)
            found.append(float(np.vdot(value, _direction(name, value.shape))))
        except (KeyError, TypeError, ValueError, IndexError):
            found.append(np.nan)
    return found


def fingerprints(pixels, scale=255.0):
    """``(n,)`` exact integer fingerprints of ``n`` images, ``(n, 784)`` or ``(n, 28, 28)``.

    ``pixels`` as a loop sees them (k / 255, ``scale`` 255) or as stored (k, ``scale`` 1).
    """
    pixels = np.asarray(pixels)
    return np.rint(pixels.reshape(len(pixels), -1)[:, _PIXELS] * scale) @ _WEIGHTS


def record(grads, activations, Y, params):
    """One call of the backward pass, as one array (one value on the way back to the grader).

    ``[batch size n, where params stand (6), where grads point (6), fingerprints (n), labels
    (n)]``. Run by the recording backward pass in the student's kernel, at each call of their
    loop; what cannot be read (a batch of another width) is NaN.
    """
    n = len(Y)
    try:
        rows = fingerprints(activations[0]).reshape(n)
    except (TypeError, ValueError, IndexError):
        rows = np.full(n, np.nan)
    try:
        labels = np.argmax(np.asarray(Y, dtype=np.float64), axis=1).reshape(n)
    except (TypeError, ValueError, IndexError):
        labels = np.full(n, np.nan)
    return np.concatenate([[n], _projected(params), _projected(grads), rows, labels])


def parsed(records):
    """``[(n, fingerprints, labels, at, gradient)]``: the records that read as ``record``'s.

    A kernel may answer anything: what does not read as a record is left out, and the
    fingerprints and labels of a batch that could not be read are ``None``.
    """
    found, head = [], 1 + 2 * len(NAMES)
    for item in records:
        try:
            values = np.asarray(item, dtype=np.float64).reshape(-1)
            n = int(values[0])
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
        if n < 1 or len(values) != head + 2 * n:
            continue
        rows, labels = values[head:head + n], values[head + n:]
        known = bool(np.isfinite(rows).all() and np.isfinite(labels).all())
        found.append((n, rows if known else None, labels.astype(np.int64) if known else None,
                      values[1:1 + len(NAMES)], values[1 + len(NAMES):head]))
    return found


def batches_miss_examples(name, records, dataset, labels, epochs):
    """A diagnosis when the mini-batches do not go through every example once an epoch.

    ``dataset`` holds the fingerprints of the examples the loop was given and ``labels`` their
    classes, from the grader's own copy. A call on the whole set is a look, not a batch; a loop
    that changes the pixels before its forward pass cannot be followed, and is not judged here.
    """
    calls = parsed(records)
    batches = [item for item in calls if item[1] is not None and item[0] < len(dataset)]
    examples = Counter(np.asarray(dataset).tolist())
    # Calls with no step between them (a batch's loss, then its gradient) saw one batch: an
    # image counts once for them all.
    seen = Counter()
    for group in _between_steps(calls):
        once = Counter()
        for _, rows, *_ in (call for call in group if call[1] is not None
                            and call[0] < len(dataset)):
            once |= Counter(rows.tolist())
        seen += once
    total = sum(seen.values())
    if not total or sum(seen[value] for value in examples) < total / 2:
        return None
    label_of = dict(zip(np.asarray(dataset).tolist(), np.asarray(labels).tolist(), strict=True))
    mislabelled = sum(int(label_of.get(value, label) != label) for _, rows, given, *_ in batches
                      for value, label in zip(rows.tolist(), given.tolist(), strict=True))
    if mislabelled > total / 10:
        return Diagnosis("other", f"`{name}`: {mislabelled} of the {total} images in the "
                         "mini-batches came with the label of another image. Take the rows of "
                         "`X` and of `Y` with the same indices.")
    unused = sum(1 for value in examples if not seen[value])
    batch = max(size for size, *_ in batches)
    how = ("An epoch goes through every example once: shuffle the order once an epoch, then "
           "take consecutive slices of `batch_size`.")
    if unused >= batch:
        return Diagnosis("other", f"`{name}`: in {epochs} epoch(s) on {len(dataset)} images, "
                         f"{unused} images were never in a mini-batch. {how}")
    most = max(seen[value] / count for value, count in examples.items())
    if most > epochs:
        return Diagnosis("other", f"`{name}`: in {epochs} epoch(s), some images were in "
                         f"{most:.0f} mini-batches. {how}")
    return None


def _moved(start, end):
    """``(moved, size)``: how far the projections went from ``start`` to ``end``, how large."""
    return start - end, np.abs(start) + np.abs(end)


def _unmoved(moved, size):
    """Entry by entry, whether a projection stayed where it was, up to rounding."""
    return np.abs(moved) <= _ROUNDING * size


def _between_steps(calls):
    """``calls`` in groups, each of the calls made with the same parameters (no step between)."""
    groups = []
    for call in calls:
        if groups:
            moved, size = _moved(groups[-1][-1][3], call[3])
            if np.where(np.isfinite(moved), _unmoved(moved, size), True).all():
                groups[-1].append(call)
                continue
        groups.append([call])
    return groups


def _matches(moved, gradient, size, lr):
    """Whether ``moved`` is ``lr`` times ``gradient``, entry by entry, up to rounding."""
    return np.abs(moved - lr * gradient) <= _RTOL * np.abs(lr * gradient) + _ROUNDING * size


def steps_off(name, records, lr, batch_size):
    """A diagnosis when a step is not ``params - lr * grads`` of a mini-batch just seen.

    The calls since the last step (a batch's, and a look before its step) are the candidates:
    the step must be ``lr`` times the gradient of one of them.
    """
    off = []  # (moved, gradient, size) of each step that is not lr times a gradient
    for before, after in pairwise(_between_steps(parsed(records))):
        moved, size = _moved(before[-1][3], after[0][3])
        if not any(np.where(np.isfinite(moved) & np.isfinite(gradient),
                            _matches(moved, gradient, size, lr), True).all()
                   for *_, gradient in reversed(before)):
            off.append((moved, before[-1][4], size))
    if not off:
        return None
    moved, gradient, size = (np.array(column) for column in zip(*off, strict=True))
    known = np.isfinite(moved) & np.isfinite(gradient)
    still = _unmoved(moved, size)
    frozen = [NAMES[k] for k in range(len(NAMES)) if still[:, k].all()]
    if frozen:
        biases = all(frozen_name.startswith("b") for frozen_name in frozen)
        return Diagnosis("bias-not-updated" if biases else "other", f"`{name}`: "
                         f"{listed(frozen)} did not move between mini-batches while the other "
                         "parameters did. After each backward pass, every parameter takes a "
                         "step against its own gradient, the biases as well as the weights.")
    moving = known & (gradient != 0)
    how = "A step is `lr` times the gradient of the mini-batch just computed, as it is."
    if not moving.any():
        return Diagnosis("other", f"`{name}`: the parameters moved between mini-batches, but "
                         f"not along their gradient. {how}")
    ratio = float(np.median(moved[moving] / gradient[moving])) / lr
    for expected, code, said in (
            (1 / batch_size, "mean-twice", f"`lr` times their gradient divided by {batch_size}: "
             "the gradients of a mini-batch are already means (the 1/n is in them), so do not "
             "divide by the batch size again"),
            (-1.0, "sign", "`lr` times their gradient, but up it: the sign of the step is "
             "flipped, and a step goes against the gradient"),
            (batch_size, "sum-not-mean", f"`lr` times their gradient times {batch_size}: the "
             "gradients of a mini-batch are means, and a step is `lr` times them")):
        if np.isclose(ratio, expected, rtol=0.02):
            return Diagnosis(code, f"`{name}`: each step moved the parameters by {said}.")
    return Diagnosis("other", f"`{name}`: each step moved the parameters by {ratio:.2g} times "
                     f"`lr` (= {lr}) times their gradient. {how}")
