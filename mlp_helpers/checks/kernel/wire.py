"""Values between the grader and a student's kernel, as JSON text: never pickle, never files.

A value becomes JSON in which every numpy array is the base64 text of its ``.npy`` bytes, read
back with ``allow_pickle=False``. What can cross: numbers, strings, booleans, ``None``, numpy
arrays and scalars of numbers or booleans, and lists, tuples, sets and string-keyed dicts of
those. Anything else arrives as ``Unreadable`` with its type's name: a lying object cannot run
code in the grader, and at worst makes its own answer wrong. The text travels in the kernel's
reply messages, so the grader never reads a file the student's code could have placed.

An array met twice in one message (a function of ``x`` that reads ``x``, and ``x`` itself)
arrives as one array, as it was sent: a ``Memo`` numbers the arrays of a message in the order
they are written and read, and a later meeting is sent as that number. The grader keeps the
memo of its request, and the kernel answers with the same arrays as they are after the call,
so the grader sees what the student's code did to every array it was given.
"""

import base64
import importlib
import io
import json
import math

import numpy as np

from mlp_helpers.checks.engine.values import Unreadable

# A value is read only this deep and this wide, and its text only this long: enough for any
# honest answer (the largest, a trained MNIST network's parameters, is about 1 MB).
MAX_DEPTH = 6
MAX_ITEMS = 100_000
MAX_TEXT = 64 * 2**20
_NUMERIC = "biufc"


# Arrays the kernel can make itself (the course's training digits): id -> (array, maker, args).
# Sending a 78 MB array as text would cost seconds; sending its recipe costs nothing.
_MADE = {}


def made(array, maker, *args):
    """Record that ``array`` is what ``maker(*args)`` returns, and return ``array``.

    ``maker`` is a dotted name in ``mlp_helpers``: a request then carries the recipe instead of
    the numbers.
    """
    _MADE[id(array)] = (array, maker, args)
    while len(_MADE) > 32:  # the oldest recipes go first: the newest are about to be sent
        del _MADE[next(iter(_MADE))]
    return array


class Memo:
    """The arrays of one message, numbered in the order they are written (or read)."""

    def __init__(self):
        self.arrays = []
        self._numbers = {}

    def number(self, array):
        """The number of ``array`` if it is already in the message, else ``None``."""
        number = self._numbers.get(id(array))
        return number if number is not None and self.arrays[number] is array else None

    def add(self, array):
        """Give ``array`` the next number."""
        self._numbers[id(array)] = len(self.arrays)
        self.arrays.append(array)


def _encode(value, depth, memo):
    if depth > MAX_DEPTH:
        return {"unreadable": "a value nested too deep"}
    recipe = _MADE.get(id(value))
    if recipe is not None and recipe[0] is value:
        return {"make": [recipe[1], [_encode(arg, depth + 1, memo) for arg in recipe[2]]]}
    if hasattr(type(value), "__wire__"):
        # A fixture the kernel builds itself (a function of x, a piece of the course's data):
        # the grader sends the name of its maker in mlp_helpers and the arguments.
        maker, args = value.__wire__()
        return {"make": [maker, [_encode(arg, depth + 1, memo) for arg in args]]}
    if value is None or isinstance(value, bool | str):
        return {"plain": value}
    # Before the Python numbers: np.float64 is a float too, and must come back as itself.
    if isinstance(value, np.ndarray | np.generic):
        if value.dtype.kind not in _NUMERIC:
            return {"unreadable": f"an array of {value.dtype}"}
        if isinstance(value, np.ndarray):
            if memo.number(value) is not None:
                return {"same": memo.number(value)}
            memo.add(value)
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(value), allow_pickle=False)
        return {"array": base64.b64encode(buffer.getvalue()).decode("ascii"),
                "scalar": isinstance(value, np.generic)}
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return {"float": str(float(value))}
        return {"plain": value}
    if isinstance(value, list | tuple | set | frozenset):
        kind = "list" if isinstance(value, list) else "tuple" if isinstance(value, tuple) \
            else "set"
        return {kind: [_encode(item, depth + 1, memo) for item in list(value)[:MAX_ITEMS]]}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            return {"unreadable": "a dict whose keys are not all strings"}
        return {"dict": {key: _encode(item, depth + 1, memo)
                         for key, item in list(value.items())[:MAX_ITEMS]}}
    return {"unreadable": f"a value of type {type(value).__name__}"}


def dumps(value, memo=None):
    """``value`` as JSON text.

    ``memo`` numbers the arrays across the parts of one message (each part one ``dumps``);
    ``memo.arrays`` then holds every array sent, in order.
    """
    return json.dumps(_encode(value, 0, Memo() if memo is None else memo))


def _array(text, scalar):
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except (ValueError, TypeError, OSError, EOFError) as error:
        return Unreadable(f"an unreadable array ({type(error).__name__})")
    if not isinstance(array, np.ndarray) or array.dtype.kind not in _NUMERIC:
        return Unreadable("an array that is not numbers")
    # A numpy scalar (np.float64 is a float) comes back as one, not as a 0-d array.
    return array[()] if scalar is True and array.ndim == 0 else array


def _make(content, depth, make, memo):
    maker, args = content
    # Read even when not made: the arrays among them keep their numbers in the message.
    args = [_decode(arg, depth + 1, make, memo) for arg in args] if isinstance(args, list) else []
    if not make:
        return Unreadable("a function")
    module, _, name = str(maker).rpartition(".")
    if not module.startswith("mlp_helpers."):
        return Unreadable("a function from outside the course")
    return getattr(importlib.import_module(module), name)(*args)


def _decode(tree, depth, make, memo):
    if not isinstance(tree, dict) or not tree or depth > MAX_DEPTH + 1:
        return Unreadable("a malformed value")
    kind, content = next(iter(tree.items()))
    if len(tree) != (2 if kind == "array" else 1):
        return Unreadable("a malformed value")
    if kind == "plain" and (content is None or isinstance(content, bool | int | float | str)):
        return content
    if kind == "float" and content in ("nan", "inf", "-inf"):
        return float(content)
    if kind == "array" and isinstance(content, str):
        array = _array(content, tree.get("scalar"))
        if tree.get("scalar") is not True:
            memo.add(array)
        return array
    if kind == "same":
        known = (isinstance(content, int) and not isinstance(content, bool)
                 and 0 <= content < len(memo.arrays))
        return memo.arrays[content] if known else Unreadable("a malformed value")
    if kind == "make" and isinstance(content, list) and len(content) == 2:
        return _make(content, depth, make, memo)
    if kind in ("list", "tuple", "set") and isinstance(content, list):
        items = [_decode(item, depth + 1, make, memo) for item in content[:MAX_ITEMS]]
        if kind == "set":
            try:
                return set(items)
            except TypeError:
                return Unreadable("a set of unhashable values")
        return items if kind == "list" else tuple(items)
    if kind == "dict" and isinstance(content, dict):
        return {str(key): _decode(item, depth + 1, make, memo)
                for key, item in list(content.items())[:MAX_ITEMS]}
    if kind == "unreadable" and isinstance(content, str):
        return Unreadable(content[:100])
    return Unreadable("a malformed value")


def loads(text, make=False, memo=None):
    """The value in ``text``; anything malformed comes back as an ``Unreadable``.

    ``make=True`` (in the kernel, for the grader's requests only) builds the fixtures that
    crossed as the name of their maker; the grader never builds what a kernel sends. ``memo``
    (as in ``dumps``) collects the arrays read, in order.
    """
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return Unreadable("no readable value")
    try:
        tree = json.loads(text)
    except (ValueError, RecursionError):
        return Unreadable("no readable value")
    return _decode(tree, 0, make, Memo() if memo is None else memo)
