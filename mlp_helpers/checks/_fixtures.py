"""Seeded fixtures in the standard roles shared by the checks.

Every graded function is checked on a few typical shapes (the visible test), then, in the hidden
test, on one example, on float32 inputs, on read-only inputs and on one more shape.
"""

import numpy as np

from mlp_helpers.checks._engine import Case


def standard_cases(make, shapes, seed, keys="nuv"):
    """Fixtures in the standard roles: the visible ones, then one example, float32, read-only.

    ``make(rng, *shape)`` returns the arguments; ``shape``'s numbers go into ``info`` under the
    names in ``keys``, for the messages (``{n}`` examples...).
    """
    rng = np.random.default_rng(seed)
    visible, *hidden = shapes
    cases = [Case(make(rng, *shape), info=dict(zip(keys, shape))) for shape in visible]
    roles = [dict(note="one example", hidden=True), dict(note="float32", hidden=True,
             float32=True), dict(note="read-only arrays", hidden=True, read_only=True),
             dict(hidden=True)]
    for shape, role in zip(hidden, roles):
        args = make(rng, *shape)
        if role.get("float32"):
            args = tuple(arg.astype(np.float32) for arg in args)
        cases.append(Case(args, info=dict(zip(keys, shape)), **role))
    return cases
