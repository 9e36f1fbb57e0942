"""Calling a student's function so that nothing it does can break the grader: the one runner.

Every call of a student's code goes through ``call``, in the grader's process or in the
student's kernel (``checks.kernel.serve``): under a time limit, with its printing swallowed,
numpy's floating-point warnings recorded (an overflow is a finding, not a crash under
``pytest -W error``), its exception caught and kept, a profiler watching whether execution enters
the reference's functions and tripwires on the reference network's methods, and some names of
the student's notebook running the reference instead (``swapping``). What happened is one
``Outcome``, wherever the call ran.
"""

import contextlib
import io
import signal
import sys
import threading
import warnings
from dataclasses import dataclass, field

import numpy as np

from mlp_helpers.checks.engine.swapping import swapped

# Seconds one call may take. The fixtures are tiny: a correct function needs milliseconds.
TIME_LIMIT = 3.0
# Seconds between further interruptions once the limit has passed.
REPEAT = 0.05
# At most this many distinct warnings are kept: a loop that overflows at every step warns
# thousands of times.
_WARNINGS_KEPT = 20
_GRADER_MODULES = frozenset({__name__, "contextlib", "mlp_helpers.checks.engine.running",
                             "mlp_helpers.checks.engine.swapping",
                             "mlp_helpers.checks.engine.spec"})


class _TimedOut(BaseException):
    """Raised into the student's code by the timer.

    A ``BaseException``, so that a student's ``except Exception`` cannot swallow it.
    """


class _EnteredReference(BaseException):
    # Not an Exception: a student's ``except Exception`` around the call does not swallow it.
    pass


class NoAnswer(Exception):
    """The call gave no readable answer: the kernel stopped during it, or its answer was garbled."""


class Absent(Exception):
    """The notebook's name holds no function: ``kind`` is ``"missing"`` or ``"value"``."""

    def __init__(self, kind, value=None):
        super().__init__(kind)
        self.kind, self.value = kind, value


@dataclass
class Outcome:
    """What one call did: its ``value``, or the ``error`` it raised, and what we saw on the way.

    ``arguments`` are the call's arguments as the student's code left them (the grader's own
    objects, even when the call ran in a kernel); ``seconds`` the time limit it ran under.
    """

    value: object = None
    error: BaseException | None = None
    timed_out: bool = False
    warnings: list = field(default_factory=list)
    entered_reference: bool = False
    arguments: list = field(default_factory=list)
    seconds: float = TIME_LIMIT

    @property
    def overflowed(self):
        """True when numpy warned about an overflow (the ``unstable`` symptom)."""
        return any("overflow" in text for text in self.warnings)


@contextlib.contextmanager
def _time_limit(seconds):
    # signal-based timers work only in the main thread (where IPython and pytest run the
    # checks) and not on Windows; elsewhere the call runs without a limit rather than not at all.
    if (not hasattr(signal, "setitimer") or seconds <= 0
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    armed = [True]

    def expire(signum, frame):
        # The grader's own frames (this module, the context managers unwinding the call) are
        # never interrupted: only the student's code is. Once the call is over (``armed`` is
        # cleared first thing), an interruption still in flight is dropped: it would otherwise
        # land in the clean-up (``signal.signal`` is Python code) and skip it.
        if armed[0] and (frame is None
                         or frame.f_globals.get("__name__") not in _GRADER_MODULES):
            raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    # The timer fires again every REPEAT seconds after the limit: a bare ``except:`` in the
    # student's loop swallows one _TimedOut, not the next one that lands outside its ``try``.
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# The watches in progress, innermost last, as ``(codes, outcome)``. One profile function for
# every thread: a thread that outlives one check (a student's thread pool) reports to the next.
_WATCHES = []


def _profile(frame, event, arg):
    # Compare code objects, not names: an alias, a lambda, functools.partial or a module
    # attribute all end up executing the same code object.
    if event == "call" and _WATCHES and frame.f_code in _WATCHES[-1][0]:
        _WATCHES[-1][1].entered_reference = True


@contextlib.contextmanager
def _watch_for(codes, outcome):
    if not codes:  # a profile function runs at every Python call: a loop would run 30 % slower
        yield
        return
    previous, previous_threads = sys.getprofile(), threading.getprofile()
    _WATCHES.append((codes, outcome))
    sys.setprofile(_profile)
    threading.setprofile(_profile)  # threads the function starts
    try:
        yield
    finally:
        sys.setprofile(previous)
        threading.setprofile(previous_threads)
        _WATCHES.pop()


@contextlib.contextmanager
def _tripwires(methods, outcome):
    # For the length of the call, each watched method of the reference network (``(class,
    # name)``) records the call and stops it: ``mlp_helpers.train`` and every other way into the
    # network go through them, however the notebook imported it. The profile watch would see
    # the same calls, at a cost on every Python call of a student's training loop.
    def tripwire(*args, **kwargs):
        outcome.entered_reference = True
        raise _EnteredReference

    saved = [(owner, name, owner.__dict__[name]) for owner, name in methods]
    try:
        for owner, name, _ in saved:
            setattr(owner, name, tripwire)
        yield
    except _EnteredReference:
        pass
    finally:
        for owner, name, method in saved:
            setattr(owner, name, method)


def call(function, args, kwargs=None, swap=None, reference=(), watch=(), seconds=None):
    """Call ``function(*args, **kwargs)`` under the guards and return an ``Outcome``.

    ``swap`` maps names of the student's notebook to the reference functions they run for the
    length of the call; ``reference`` lists the functions whose code the call must not enter,
    ``watch`` the reference network's methods, as ``(class, name)``; ``seconds`` is the time
    limit (``TIME_LIMIT`` unless given). Never raises what the student's code raises.
    """
    seconds = TIME_LIMIT if seconds is None else seconds
    args = list(args)
    outcome = Outcome(arguments=args, seconds=seconds)
    if function is None or not callable(function):
        outcome.error = Absent("missing" if function is None else "value", function)
        return outcome
    codes = frozenset(f.__code__ for f in reference)

    def note(message, *rest, **options):
        text = str(message)
        if text not in outcome.warnings and len(outcome.warnings) < _WARNINGS_KEPT:
            outcome.warnings.append(text)

    with contextlib.ExitStack() as stack:
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("always")
        warnings.showwarning = note  # put back by catch_warnings
        stack.enter_context(np.errstate(over="warn", divide="warn", invalid="warn",
                                        under="ignore"))
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        stack.enter_context(swapped(function, swap or {}))
        try:
            # The limit inside the watches: their clean-up runs with the timer stopped.
            with (_tripwires(watch, outcome), _watch_for(codes, outcome),
                  _time_limit(seconds)):
                outcome.value = function(*args, **(kwargs or {}))
        except _TimedOut:
            outcome.timed_out = True
        except (Exception, SystemExit) as error:  # a student's exit() is a finding too
            outcome.error = error
    return outcome


def describe_error(error):
    """``ValueError: the student's own message``, on one line."""
    text = " ".join(str(error).split())
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
