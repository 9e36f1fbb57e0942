"""The kernel's side of grading: answer the grader's questions about the notebook's names.

When a notebook is graded, the grader's own process decides every score (``remote`` and
``mlp_helpers.grading.judge``). It asks the student's kernel only for what the student's code
returns: "what is ``sigmoid``?", "call it with each of these arguments" (a check's fixtures, or
``train_xor`` with the reference's other rules swapped in), each call under the one runner,
``guards.call``. Each request and each answer is JSON text (``wire``). Nothing here is
trusted: a notebook can change this module as it can change anything in its kernel, and so can
only change what its own functions seem to return, which the grader judges as the student's
answer.
"""

import contextlib
import hashlib
import importlib
import json
import os
import sys
import types

from mlp_helpers.checks.engine import guards
from mlp_helpers.checks.engine.arguments import read_only
from mlp_helpers.checks.kernel import wire


def _resolve(dotted):
    module, _, attribute = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def _arguments(encoded):
    arguments = []
    for value, writable in encoded:
        if not writable:
            read_only(value)  # also the arrays a cache tuple or a state dict holds
        arguments.append(value)
    return arguments


def _error(error):
    return None if error is None else [type(error).__name__, guards.describe_error(error)]


def _look(namespace, request):
    value = namespace.get(request["name"])
    if value is None:
        return {"kind": "missing"}
    if callable(value):
        return {"kind": "callable", "type": type(value).__name__}
    return {"kind": "value", "type": type(value).__name__, "value": value}


def _run(namespace, request):
    function = namespace.get(request["name"])
    if function is None or not callable(function):
        return _look(namespace, request)
    answers = []
    for call in request["calls"]:
        swap = {name: _resolve(dotted) for name, dotted in call["swap"].items()}
        for f in swap.values():
            if hasattr(f, "collected"):
                f.collected.clear()
        outcome = guards.call(function, _arguments(call["args"]), call["kwargs"], swap,
                              [_resolve(dotted) for dotted in call["reference"]],
                              [(_resolve(owner), method) for owner, method in call["watch"]],
                              call["seconds"])
        answers.append({"value": outcome.value, "error": _error(outcome.error),
                        "timed_out": outcome.timed_out, "warnings": outcome.warnings,
                        "entered_reference": outcome.entered_reference,
                        "recorded": {name: list(f.collected) for name, f in swap.items()
                                     if hasattr(f, "collected")},
                        "arguments": outcome.arguments, "kwargs": call["kwargs"]})
    return {"calls": answers}


_OPERATIONS = {"look": _look, "run": _run}


def answer(namespace, text):
    """The JSON answer to the JSON request ``text``, about the names in ``namespace``.

    The answer is ``{"arrays": ..., "answer": ...}``: first every array the request brought,
    as the student's code left it, then the operation's answer, in which those arrays appear
    by their numbers (``wire.Memo``), so the grader can tell which of its arrays changed and
    where each argument now points.
    """
    request = json.loads(text)
    memo = wire.Memo()
    with _carried(request.get("carried") or []):
        request = {key: wire.loads(value, make=True, memo=memo) if key in _ENCODED else value
                   for key, value in request.items()}
        found = _OPERATIONS[request["op"]](namespace, request)
        return wire.dumps({"arrays": memo.arrays, "answer": found})


# Modules the grader sent, made once per kernel: by their sources, which say what they hold.
_MADE_MODULES = {}


def _made(carried):
    key = hashlib.sha256(json.dumps(carried).encode()).hexdigest()
    if key not in _MADE_MODULES:
        modules = {name: types.ModuleType(name) for name, _ in carried}
        # In import order: each module's imports find the ones made before it.
        with _installed(modules):
            for name, source in carried:
                modules[name].__package__ = name.rpartition(".")[0]
                # Where the kernel's own copy is: a module finds its data files beside it.
                modules[name].__file__ = os.path.join(
                    os.path.dirname(sys.modules["mlp_helpers"].__file__),
                    *name.split(".")[1:]) + ".py"
                exec(compile(source, f"<{name}, sent by the grader>", "exec"),
                     modules[name].__dict__)
        _MADE_MODULES[key] = modules
    return _MADE_MODULES[key]


def _install(name, module):
    parent, _, child = name.rpartition(".")
    if module is None:
        sys.modules.pop(name, None)
        if getattr(sys.modules.get(parent), child, None) is not None:
            delattr(sys.modules[parent], child)
        return
    sys.modules[name] = module
    if parent in sys.modules:
        setattr(sys.modules[parent], child, module)


@contextlib.contextmanager
def _installed(modules):
    # What the kernel's own package held is put back after the request, the edition's stubs.
    saved = {name: sys.modules.get(name) for name in modules}
    try:
        for name, module in modules.items():
            _install(name, module)
        yield
    finally:
        for name, module in saved.items():
            _install(name, module)


@contextlib.contextmanager
def _carried(carried):
    """For one request, the modules the grader sent (``kernel_edition.carried``) in place.

    The kernel's package is the kernel edition, without the implementations of graded parts;
    a check that runs the reference in the kernel (a training loop's other rules, a sanity
    network) sends the real code, and its imports find it for the length of the request.
    """
    if not carried:
        yield
        return
    with _installed(_made(carried)):
        yield


# Request fields that carry values (and so arrays): they travel in ``wire``'s form.
_ENCODED = frozenset({"calls"})
