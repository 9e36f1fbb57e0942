"""From a student's function to one ``Diagnosis``: run every fixture, then weigh the findings.

The order of the verdicts is the order a student should fix things in: a function that is not
there, checks that cannot be trusted, a call that never ends, delegating to the reference,
modifying the inputs, raising, and only then wrong numbers.
"""

import copy
from dataclasses import dataclass, field

import numpy as np

from mlp_helpers.checks.engine import guards
from mlp_helpers.checks.engine.arguments import changed_at, read_only
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.mistakes import Finding, lowered
from mlp_helpers.checks.engine.running import Call, absence, where


@dataclass(frozen=True)
class Case:
    """One fixture: the arguments, the numbers messages may quote (``info``) and its role.

    ``hidden`` fixtures run only in the hidden tests; on a ``stress`` fixture (large or
    degenerate but legal inputs) nan, inf or an overflow warning means ``unstable``. A
    ``read_only`` fixture passes arrays numpy refuses to write to; ``float32`` loosens the
    tolerance to float32 round-off.
    """

    args: tuple
    info: dict = field(default_factory=dict)
    note: str = ""
    hidden: bool = False
    stress: bool = False
    read_only: bool = False
    float32: bool = False


@dataclass(frozen=True)
class Spec:
    """How to check one graded function: its fixtures, reference and ``compare(case, value)``.

    ``compare`` returns ``None`` for a right value, else a list of ``Finding`` (best first).
    ``reference`` holds the reference functions a student's function must not call.
    ``writable`` names the arguments that stay writable in read-only fixtures
    (``numerical_gradient`` perturbs ``x`` in place); ``drift`` is the relative change of an
    argument that still counts as unchanged (``x += h; x -= 2 * h; x += h`` leaves round-off);
    ``left_changed(case, arg_name, before, after)`` says how a writable argument was left
    changed (its entries not put back), in the student's terms. ``overflow_hint`` ends the
    message about an overflow: where in the maths a stable version starts.
    """

    name: str
    arg_names: tuple
    cases: object
    compare: object
    reference: tuple
    writable: tuple = ()
    drift: float = 0.0
    left_changed: object = None
    overflow_hint: str = ""


def label(spec, case):
    """The fixture in words: argument shapes, then the note (``"logits up to 1e4"``)."""
    shapes = [f"{name} of shape {np.shape(arg)}" for name, arg in zip(spec.arg_names, case.args)
              if isinstance(arg, np.ndarray)]
    return ", ".join(shapes) + (f" ({case.note})" if case.note else "")


def _fresh(spec, case):
    """Copies of the fixture's arguments, each with whether the student may write to it.

    One copy of them all: an argument that reads another (a function of ``x`` that reads
    ``x``) reads the other's copy.
    """
    fresh = []
    for name, arg in zip(spec.arg_names, copy.deepcopy(case.args)):
        writable = not case.read_only or name in spec.writable
        if not writable:
            read_only(arg)
        fresh.append((arg, writable))
    return fresh


def run_checks(spec, student, hidden):
    """Run every fixture on ``student`` and return ``None`` or the ``Diagnosis``."""
    # The notebook's own numpy error settings (np.seterr) must not change our arithmetic.
    with np.errstate(all="ignore"):
        return _run_checks(spec, student, hidden)


def _calls(spec, cases):
    calls = []
    for case in cases:
        args = _fresh(spec, case)
        calls.append(Call([arg for arg, _ in args], reference=spec.reference,
                          writable=tuple(writable for _, writable in args)))
    return calls


def _run_checks(spec, student, hidden):
    name = spec.name
    cases = [case for case in spec.cases() if hidden or not case.hidden]
    # Every fixture in one go: for a function in a kernel, one request, whose answer also says
    # when the name holds no function.
    outcomes = where(student).run(_calls(spec, cases))
    if isinstance(outcomes[0].error, guards.Absent):
        return absence(name, outcomes[0].error.kind, outcomes[0].error.value)
    runs = []
    for case, outcome in zip(cases, outcomes):
        args = outcome.arguments
        if outcome.timed_out:
            return Diagnosis("other", f"`{name}` did not finish within {guards.TIME_LIMIT:g} s "
                             f"on {label(spec, case)}: look for a loop that never ends.")
        args = args if isinstance(args, list) and len(args) == len(case.args) else case.args
        where_changed = (changed_at(before, after, spec.drift)
                         for before, after in zip(case.args, args))
        changed = [(arg_name, path) for arg_name, path in zip(spec.arg_names, where_changed)
                   if path is not None]
        runs.append((case, outcome, changed, args))
    return _verdict(spec, runs)


def _verdict(spec, runs):
    name = spec.name
    if any(outcome.entered_reference for _, outcome, _, _ in runs):
        return Diagnosis("calls-reference", f"`{name}` calls the reference `{name}` from "
                         "mlp_helpers instead of computing the result itself. Write the "
                         "computation with numpy.")
    for case, outcome, changed, after in runs:
        writable_only = bool(changed) and {arg for arg, _ in changed} <= set(spec.writable)
        if writable_only and outcome.error is not None:
            continue  # interrupted before it could put the entries back: the error comes first
        read_only = isinstance(outcome.error, ValueError) and "read-only" in str(outcome.error)
        if writable_only and spec.left_changed is not None:
            arg = changed[0][0]
            index = spec.arg_names.index(arg)
            return Diagnosis("mutates-input", f"`{name}` left `{arg}` changed after it returned "
                             f"(on {label(spec, case)}): " + spec.left_changed(
                                 case, arg, case.args[index], after[index]))
        if changed or read_only:
            return Diagnosis("mutates-input", _mutated(name, changed, label(spec, case)))
    failures = []
    for case, outcome, _, _ in runs:
        if outcome.error is not None:
            continue
        if case.stress and outcome.overflowed:
            found = [Finding("unstable", "overflow", "numpy warned about an overflow for these "
                             "large but legal inputs. Rewrite the step so that exp never sees "
                             f"a large positive number.{spec.overflow_hint}")]
        else:
            found = spec.compare(case, outcome.value)
        if found:
            failures.append((case, found))
    errors = [(case, outcome.error) for case, outcome, _, _ in runs
              if outcome.error is not None]
    if errors:
        return _error_verdict(spec, errors, failures)
    if not failures:
        return None
    return _combine(spec, failures)


def _mutated(name, changed, seen_on):
    """The message of ``mutates-input``: which arguments (or what they hold) changed."""
    which = (", ".join(f"`{arg}{path}`" for arg, path in changed)
             or "an argument (numpy refused: it was read-only)")
    if any(path for _, path in changed):
        return (f"`{name}` modified {which} in place (on {seen_on}). Graded functions never "
                "change their arguments, nor what a tuple or a dict passed to them holds: an "
                "in-place operator such as `-=` on one of its arrays (or on a name that points "
                "to it), or setting one of a dict's entries, changes the caller's. Build new "
                "arrays, and a new dict.")
    return (f"`{name}` modified {which} in place (on {seen_on}). Graded functions never change "
            "their arguments: an in-place operator such as `-=` or `*=` on an argument, or on a "
            "name that points to it, changes the caller's array. Build a new array instead.")


def _error_verdict(spec, errors, failures):
    case, error = errors[0]
    shown = guards.describe_error(error)
    if case.stress and isinstance(error, ArithmeticError):
        return Diagnosis("unstable", f"`{spec.name}` raised {shown} on {label(spec, case)}: "
                         "these inputs are legal, so rewrite the step that overflows (or "
                         "divides by zero) so every intermediate value stays finite.")
    # A mistake seen only on extreme inputs does not explain an error on ordinary ones.
    named = [(c, f) for c, f in failures
             if f[0].key != "fallback" and (case.stress or not c.stress)]
    if named:
        found = _combine(spec, named)
        return Diagnosis(found.code, f"{found.message} On {label(spec, case)} it even "
                         f"fails with {shown}.")
    if isinstance(error, NotImplementedError):
        return Diagnosis("other", f"`{spec.name}` still raises NotImplementedError: replace "
                         "`raise NotImplementedError()` with your code and run the cell.")
    if isinstance(error, guards.NoAnswer):
        return Diagnosis("other", _no_answer(spec.name, label(spec, case)))
    # The student reads this one line, without a traceback (the test cell's would show the
    # hidden test): where to get the traceback that names the line is what helps.
    return Diagnosis("other", f"`{spec.name}` raised {shown} when called with "
                     f"{label(spec, case)}. Call it on arrays of these shapes in a cell of your "
                     "own: the traceback there names the line that failed.")


def _no_answer(name, called):
    return (f"`{name}` gave the grader no answer when called with {called}: your notebook's "
            "kernel stopped during the call (os._exit, a crash, running out of memory) or its "
            "answer could not be read. Call it on arrays of these shapes in a cell of your own "
            "and see what happens.")


def _overflows(found):
    return found[0].key == "overflow"


def _combine(spec, failures):
    # An overflow on the large inputs is a problem of its own (exp saw a large number), told
    # after the mistake the ordinary inputs show, not instead of it.
    named = [(case, found) for case, found in failures if not _overflows(found)] or failures
    first_case, first = named[0]
    consistent = [f for f in first
                  if all(any(g.key == f.key for g in others) for _, others in named[1:])]
    kept = consistent or first
    primary = kept[0]
    text = primary.text
    # Another mistake that gives the same numbers is told only when it is really another one,
    # after the first, which is the likelier.
    alternatives = [f for f in kept[1:] if f.code != primary.code and f.text != primary.text]
    if alternatives:
        text += (" If your code does not do that, look for this instead, which gives the same "
                 f"numbers: {lowered(alternatives[0].text)}")
    overflow = next((case for case, found in failures if _overflows(found)), None)
    if overflow is not None and primary.code != "unstable":
        text += (f" A second problem shows on {label(spec, overflow)}: numpy warned about an "
                 "overflow, so exp met a large positive number there; rewrite that step so it "
                 f"never does.{spec.overflow_hint}")
    # The diagnosis comes first: Validate's dialog shows the message on one unwrapped line.
    return Diagnosis(primary.code, f"`{spec.name}`: {text} (Seen on {label(spec, first_case)}.)")
