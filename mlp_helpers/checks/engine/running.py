"""Where a student's function lives, the one fork, and reading what its calls did.

A student's answer is a function in this process (``Here``) or a name in their kernel, judged
from the grader (``Elsewhere``, which ``checks.kernel.remote.Remote`` is). ``where`` tells them
apart, once; both answer ``look()`` and ``run(calls)`` with one ``guards.Outcome`` per ``Call``,
so a check reads the same outcome wherever the function ran. ``run`` calls one of a student's
larger functions (a training loop, a backward pass), with some functions of the notebook
running the reference (``swap``), so that the part under test is judged on its own. The other
functions turn what happened into the ``Diagnosis`` a student reads.
"""

import os
from dataclasses import dataclass, field

import numpy as np

import mlp_helpers as reference
from mlp_helpers.checks.engine import guards
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.values import Unreadable, numbers

# Seconds a training loop may take inside a check (``MLP_CHECK_TIME_LIMIT`` overrides it).
TIME_LIMIT = float(os.environ.get("MLP_CHECK_TIME_LIMIT", 20))


@dataclass
class Call:
    """One call of a student's function, as ``guards.call`` takes it.

    ``writable[i]`` says whether the student's code may write to ``args[i]`` (a read-only
    fixture's arrays are sent read-only to the kernel); ``seconds`` ``None`` is the time limit of
    a graded function (``guards.TIME_LIMIT``), read where the call runs.
    """

    args: list
    kwargs: dict = field(default_factory=dict)
    swap: dict = field(default_factory=dict)
    reference: tuple = ()
    watch: tuple = ()
    seconds: float | None = None
    writable: tuple | None = None


class Elsewhere:
    """A student's name that lives in another process; ``checks.kernel.remote.Remote`` is one."""

    name = None

    def look(self):
        """``("missing" | "callable" | "value", value)`` for the name."""
        raise NotImplementedError

    def run(self, calls):
        """One ``guards.Outcome`` for each ``Call``, in order."""
        raise NotImplementedError


class Here:
    """A student's function in this process: called under ``guards.call`` directly."""

    def __init__(self, function):
        self.function = function

    def look(self):
        """``("missing" | "callable" | "value", value)`` for the function."""
        kind = ("missing" if self.function is None else "callable" if callable(self.function)
                else "value")
        return kind, self.function

    def run(self, calls):
        """One ``guards.Outcome`` for each ``Call``, in order."""
        return [guards.call(self.function, call.args, call.kwargs, call.swap, call.reference,
                            call.watch, call.seconds) for call in calls]


def where(student):
    """The student's answer as something that looks and runs: the only "here or there?"."""
    return student if isinstance(student, Elsewhere) else Here(student)


def run(function, args, kwargs=None, swap=(), watch=(), seconds=TIME_LIMIT):
    """Call a student's ``function(*args, **kwargs)`` with the names in ``swap`` the reference's.

    ``swap`` is a sequence of names of ``mlp_helpers`` (e.g. ``"hidden_delta"``) or a dict of
    replacements; ``watch`` lists the reference's methods, as ``(class, name)``, the function
    must not call. Returns a ``guards.Outcome``; never raises what the student's code raises.
    """
    replacements = swap if isinstance(swap, dict) else {name: getattr(reference, name)
                                                         for name in swap}
    call = Call(list(args), dict(kwargs or {}), replacements, watch=tuple(watch),
                seconds=seconds)
    return where(function).run([call])[0]


def same(got, want, rtol=1e-6):
    """True when ``got`` has ``want``'s shape and agrees to ``rtol`` (plain arithmetic only)."""
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if np.shape(got) != np.shape(want):
        return False
    scale = max(float(np.max(np.abs(want))) if want.size else 0.0, 1e-12)
    return want.size == 0 or float(np.max(np.abs(got - want))) <= rtol * scale


def absence(name, kind, value):
    """The ``Diagnosis`` of a name that holds no function (``kind`` as ``look`` says), or None."""
    if kind == "missing":
        return Diagnosis("other", f"`{name}` is not defined: run the cell where you wrote it and "
                         "make sure it finishes without an error.")
    if kind != "callable" and isinstance(value, Unreadable):
        return Diagnosis("other", f"the grader got no answer about `{name}` from your notebook's "
                         "kernel: it had stopped (a function of yours that the grader called "
                         "before ran os._exit or crashed it), or a cell replaced part of Python "
                         "or of the course's package (sys.modules, __import__, mlp_helpers) that "
                         "the grader relies on. Remove that cell.")
    if kind != "callable":
        return Diagnosis("other", f"`{name}` is a {type(value).__name__}, not a function: "
                         f"check that nothing else was assigned to the name `{name}`.")
    return None


def failed_call(name, outcome, seconds):
    """The ``Diagnosis`` of a call of the student's ``name`` that raised, timed out or died."""
    if isinstance(outcome.error, guards.Absent):
        return absence(name, outcome.error.kind, outcome.error.value)
    if outcome.timed_out:
        return Diagnosis("other", f"`{name}` did not finish within {seconds:g} s: look for a "
                         "loop that never ends, or far more epochs than needed.")
    if outcome.entered_reference:
        return Diagnosis("calls-reference", f"`{name}` runs the reference network of "
                         "mlp_helpers instead of your own computation. Write it with numpy.")
    if isinstance(outcome.error, NotImplementedError):
        return Diagnosis("other", f"`{name}` still raises NotImplementedError: replace "
                         "`raise NotImplementedError()` with your code and run the cell.")
    if isinstance(outcome.error, guards.NoAnswer):
        return Diagnosis("other", f"`{name}` gave the grader no answer: your notebook's kernel "
                         "stopped during the call (os._exit, a crash, running out of memory) or "
                         "its answer could not be read.")
    if outcome.error is not None:
        error = " ".join(str(outcome.error).split())[:200]
        code = "unstable" if "nan" in error else "other"
        return Diagnosis(code, f"`{name}` raised {type(outcome.error).__name__}: {error}")
    return None


def listed(items):
    """``"a"``, ``"a and b"``, ``"a, b and c"``: names in a sentence."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def shown(value):
    """What a student's function returned, told by its kind (its numbers may be the answer's)."""
    if value is None:
        return "None"
    if isinstance(value, tuple | list | dict):
        return f"a {type(value).__name__} of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def params_and_losses(name, value, shapes, epochs=None):
    """Findings on a loop's ``(params, losses)``: shapes, ``epochs`` losses, a falling loss."""
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict)):
        return Diagnosis("wrong-shape", f"`{name}` should return a tuple `(params, losses)` "
                         "with `params` a dict; it returned something else.")
    params, losses = value
    arrays = {}
    for key, shape in shapes.items():
        arrays[key] = numbers(params.get(key))
        got = np.shape(params.get(key)) if arrays[key] is None else arrays[key].shape
        if arrays[key] is None or got != shape:
            return Diagnosis("wrong-shape", f"`{name}` returned params[{key!r}] of shape {got}; "
                             f"it should have shape {shape}.")
    given = losses
    losses = numbers(losses)
    if losses is None or losses.ndim > 1:
        first = given[0] if isinstance(given, list | tuple) and given else None
        what = (f"its first entry is {shown(first)}" if first is not None
                else f"{shown(given)}" if losses is None else f"an array of shape {losses.shape}")
        return Diagnosis("wrong-shape", f"`{name}` returned losses that are not one number per "
                         f"epoch ({what}): record one mean loss, one float, per epoch.")
    losses = losses.reshape(-1)
    if losses.size == 0:
        return Diagnosis("other", f"`{name}` returned no losses: record one mean loss per epoch.")
    if epochs is not None and losses.size != epochs:
        return Diagnosis("wrong-shape", f"`{name}` returned {losses.size} losses for {epochs} "
                         "epoch(s): record one loss per epoch, the mean over all of that "
                         "epoch's examples.")
    if not (np.isfinite(losses).all() and all(np.isfinite(p).all() for p in arrays.values())):
        return Diagnosis("unstable", f"`{name}`: the loss became nan or inf. The weights grew "
                         "without bound: the steps are too large. Lower the learning rate, and "
                         "check that your gradients are those of the mean loss, not the sum.")
    rises = np.count_nonzero(np.diff(losses) > 1e-12)
    if losses[-1] > losses[0] or rises > 0.1 * losses.size:
        climbs = (" It rose at every step: check that the update subtracts lr * gradient."
                  if rises == losses.size - 1 > 1 else "")
        return Diagnosis("other", f"`{name}`: the loss went up in {rises} of {losses.size - 1} "
                         f"steps ({losses[0]:.3g} at the start, {losses[-1]:.3g} at the end). "
                         "Steps that overshoot make the loss rise or jump up and down: lower the "
                         "learning rate, and check that the gradient is the mean's, not the "
                         f"sum's, which makes every step n times larger.{climbs}")
    return None
