"""What a graded function may do to its arguments: nothing, down to the arrays they hold.

A graded function never changes its arguments, nor what a tuple, a list or a dict passed to
it holds (a cache ``(X, W, b)``, an optimiser's state ``{"t", "m", "v"}``). ``read_only`` makes
every array of an argument read-only, wherever it is held; ``changed_at`` compares an argument
before and after a call, looking inside its containers, and says where it changed.
"""

from numbers import Number

import numpy as np

from mlp_helpers.checks.engine.values import close


def read_only(value):
    """Make every array ``value`` is or holds (in tuples, lists, dicts) read-only, in place."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, list | tuple):
        for item in value:
            read_only(item)
    elif isinstance(value, dict):
        for item in value.values():
            read_only(item)


def changed_at(before, after, drift=0.0):
    """Where ``after`` differs from ``before``: ``None`` when unchanged, else a path.

    The path is ``""`` for the argument itself, ``"[0]"`` or ``'["t"]'`` for what a container
    holds. Arrays compare entry by entry (nan equal to nan), within ``drift`` relative change
    when it is given; numbers compare by value; a tuple, list or dict compares its items, and
    changed when they are not the same many (or keys). Anything else (a function, an object)
    is not compared.
    """
    if isinstance(before, np.ndarray):
        return None if _same_array(before, after, drift) else ""
    if isinstance(before, list | tuple):
        if not isinstance(after, list | tuple) or len(after) != len(before):
            return ""
        inner = ((f"[{index}]", changed_at(item, changed, drift))
                 for index, (item, changed) in enumerate(zip(before, after, strict=True)))
    elif isinstance(before, dict):
        if not isinstance(after, dict) or set(after) != set(before):
            return ""
        inner = ((f"[{key!r}]".replace("'", '"'), changed_at(before[key], after[key], drift))
                 for key in before)
    elif isinstance(before, Number):
        return None if _same_number(before, after) else ""
    else:
        return None
    return next((path + rest for path, rest in inner if rest is not None), None)


def _same_array(before, after, drift):
    if not isinstance(after, np.ndarray) or before.shape != after.shape:
        return False
    if drift:
        return close(np.asarray(after, np.float64), before.astype(np.float64), drift)
    return np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")


def _same_number(before, after):
    if not isinstance(after, Number):
        return False
    return before == after or (before != before and after != after)  # nan stays nan
