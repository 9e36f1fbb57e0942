"""Running a student's loop with the reference in place of some of the notebook's functions.

A training loop is judged on its own: the other graded functions it calls are the reference's
for the length of the check, so a mistake in an earlier part costs points once. The swap
follows the function, not only its name (an alias, a default argument or ``functools.partial``
reaches the same function object), and a student's extra arguments are dropped on the way. A
``Recorder`` swapped in also records what the loop handed it.
"""

import contextlib
import functools
import inspect
import types

_MISSING = object()


def _trampoline(*args, **kwargs):
    # Template: its global name is renamed, per redirected function, to that function's key.
    return _REDIRECT_TARGET(*args, **kwargs)  # noqa: F821


def _adapted(original, replacement):
    """``replacement`` called with the arguments as ``original`` would have bound them.

    A student's ``hidden_delta(delta_next, W_next, a, derivative=None)`` is still called with
    its extra argument by the student's loop; the reference takes the course's arguments only.
    """
    try:
        signature = inspect.signature(original)
        wanted = len(inspect.signature(replacement).parameters)
    except (TypeError, ValueError):
        return replacement
    kinds = {parameter.kind for parameter in signature.parameters.values()}
    if kinds & {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD}:
        return replacement

    def call(*args, **kwargs):
        if not kwargs and len(args) == wanted:  # the course's call: no binding to do
            return replacement(*args)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return replacement(*args, **kwargs)  # the call's own mistake, told by Python
        bound.apply_defaults()
        return replacement(*list(bound.arguments.values())[:wanted])
    return call


def _namespace_of(function):
    """The globals of the notebook that defined ``function``, behind partials and methods."""
    while isinstance(function, functools.partial):
        function = function.func
    if not isinstance(function, types.FunctionType | types.MethodType):
        function = inspect.getattr_static(type(function), "__call__", None)
    return getattr(getattr(function, "__func__", function), "__globals__", None)


@contextlib.contextmanager
def swapped(function, replacements):
    """For the length of the ``with``, the names ``replacements`` maps run their replacement."""
    # A name of the notebook that holds a plain function of the notebook keeps it, but the
    # function object itself runs the replacement: whatever led the loop to it (the name, an
    # alias, a default argument, functools.partial) leads to the replacement. Any other name
    # (a function imported from elsewhere, a callable object, nothing) is rebound.
    namespace = _namespace_of(function)
    if namespace is None or not replacements:
        yield
        return
    rebound, redirected = {}, []
    for name, replacement in replacements.items():
        current = namespace.get(name, _MISSING)
        if (isinstance(current, types.FunctionType) and current.__globals__ is namespace
                and current.__closure__ is None
                and current not in (code_owner for code_owner, _, _ in redirected)):
            key = f"__mlp_helpers_check_{name}__"
            namespace[key] = _adapted(current, replacement)
            redirected.append((current, current.__code__, key))
            current.__code__ = _trampoline.__code__.replace(co_names=(key,),
                                                            co_name=current.__code__.co_name)
        else:
            rebound[name] = current
            namespace[name] = replacement
    try:
        yield
    finally:
        for code_owner, code, key in redirected:
            code_owner.__code__ = code
            namespace.pop(key, None)
        for name, value in rebound.items():
            if value is _MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value


class Recorder:
    """A function of ``mlp_helpers`` that also records something about each call.

    ``record(result, *args, **kwargs)`` is called with what ``function`` returned and the
    arguments it was given, before the student's code can touch the result. Called here, it
    records into ``collected``; swapped into a student's loop in their kernel, the kernel's copy
    (named by ``dotted``, a ``Recorder`` there too) records, and ``Remote.run`` brings the
    record back into ``collected``.
    """

    def __init__(self, dotted, function, record):
        self.dotted, self.function, self.record = dotted, function, record
        self.collected = []
        # Read by ``_adapted``, which passes a student's call on with these parameters only.
        self.__signature__ = inspect.signature(function)

    def __call__(self, *args, **kwargs):
        """Return what ``function`` returns, once it is recorded."""
        result = self.function(*args, **kwargs)
        self.collected.append(self.record(result, *args, **kwargs))
        return result
