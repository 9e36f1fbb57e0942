"""An argument as the student's code left it in the kernel, made so in the grader.

A check beside the function sees what the function did to its arguments: an array changed in
place, an item of a list or an entry of a dict replaced. Called in the kernel, the function
works on copies; the kernel sends every array back as the call left it, and here the grader's
own arguments are made the same (``brought_back`` for the arrays, ``mirror`` for the lists,
dicts and tuples holding them), so that every check judges the same change either way.
"""

import warnings

import numpy as np

from mlp_helpers.checks.kernel import wire


def brought_back(answer, after, sent):
    """``answer`` with the kernel's copies of the grader's arrays replaced by the grader's own.

    ``after[i]`` is what the kernel's copy of ``sent[i]`` holds after the call: it is written
    into ``sent[i]``, and wherever the answer holds it (an argument still in its place, or
    returned), the answer holds ``sent[i]`` instead.
    """
    own = {}
    if len(after) == len(sent):
        for local, changed in zip(sent, after, strict=True):
            if isinstance(changed, np.ndarray):
                _overwrite(local, changed)
                own[id(changed)] = local
    return _replaced(answer, own, 0)


def _overwrite(local, after):
    """Make the array ``local`` hold ``after``, in place, whatever its flags.

    What cannot be written in place (an array the student's code gave another number of
    entries) leaves ``local`` full of nan, a change every comparison sees, as it would see the
    change beside the function.
    """
    if local.shape == after.shape and local.dtype == after.dtype and np.array_equal(
            local, after, equal_nan=local.dtype.kind in "fc"):
        return
    writeable = local.flags.writeable
    try:
        local.flags.writeable = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a complex array cast to real loses its imaginary part
            if local.shape != after.shape and local.size == after.size:
                local.shape = after.shape
            if local.shape == after.shape:
                np.copyto(local, after, casting="unsafe")
            elif local.dtype.kind in "fc":
                local.fill(np.nan)
    except (ValueError, AttributeError, TypeError):
        pass  # a view numpy will not make writeable: the grader's copies never are one
    finally:
        local.flags.writeable = writeable


def _replaced(value, own, depth):
    if depth > wire.MAX_DEPTH + 1:
        return value
    if isinstance(value, np.ndarray):
        return own.get(id(value), value)
    if isinstance(value, list):
        return [_replaced(item, own, depth + 1) for item in value]
    if isinstance(value, tuple):
        return tuple(_replaced(item, own, depth + 1) for item in value)
    if isinstance(value, dict):
        return {key: _replaced(item, own, depth + 1) for key, item in value.items()}
    return value


def mirror(local, after, depth=0):
    """Make the grader's argument ``local`` what the kernel's copy became, ``after``, in place.

    The arrays are already the grader's own (``brought_back``); what is left is where each
    list item, dict entry or tuple member now points: an item the student's code replaced
    (``params["W1"] = ...``), appended or removed is replaced, appended or removed here. What
    could not cross (a function, an object) is left as it is.
    """
    if after is local or depth > wire.MAX_DEPTH:
        return
    if isinstance(local, list) and isinstance(after, list):
        if len(local) != len(after):
            local[:] = after
            return
        for index, item in enumerate(after):
            if _nested(local[index], item):
                mirror(local[index], item, depth + 1)
            elif item is not local[index] and not isinstance(item, wire.Unreadable):
                local[index] = item
    elif isinstance(local, dict) and isinstance(after, dict):
        for key in [key for key in local if key not in after]:
            del local[key]
        for key, item in after.items():
            if key in local and _nested(local[key], item):
                mirror(local[key], item, depth + 1)
            elif key not in local or (item is not local[key]
                                      and not isinstance(item, wire.Unreadable)):
                local[key] = item
    elif isinstance(local, tuple) and isinstance(after, tuple) and len(local) == len(after):
        for item, changed in zip(local, after, strict=True):
            mirror(item, changed, depth + 1)


def _nested(local, after):
    return (isinstance(local, list | tuple | dict) and type(local) is type(after))
