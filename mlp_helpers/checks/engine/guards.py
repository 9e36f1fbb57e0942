"""Calling a student's function so that nothing it does can break the grader.

One call runs under a time limit, with its printing swallowed, numpy's floating-point warnings
recorded (an overflow is a finding, not a crash under ``pytest -W error``), its exception caught
and kept, and a profiler watching whether execution enters the reference implementation.
"""

import contextlib
import io
import signal
import sys
import threading
import warnings
from dataclasses import dataclass, field

import numpy as np

# Seconds one call may take. The fixtures are tiny: a correct function needs milliseconds.
TIME_LIMIT = 3.0
# Seconds between further interruptions once the limit has passed.
REPEAT = 0.05
_GRADER_MODULES = frozenset({__name__, "contextlib", "mlp_helpers.checks.engine.running",
                             "mlp_helpers.checks.engine.swapping",
                             "mlp_helpers.checks.engine.spec"})


class _TimedOut(BaseException):
    """Raised into the student's code by the timer.

    A ``BaseException``, so that a student's ``except Exception`` cannot swallow it.
    """


@dataclass
class Outcome:
    """What one call did: its ``value``, or the ``error`` it raised, and what we saw on the way."""

    value: object = None
    error: BaseException | None = None
    timed_out: bool = False
    warnings: list = field(default_factory=list)
    entered_reference: bool = False

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


def call(function, args, reference_codes=frozenset()):
    """Call ``function(*args)`` under the guards and return an ``Outcome``."""
    outcome = Outcome()
    with contextlib.ExitStack() as stack:
        caught = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        stack.enter_context(np.errstate(over="warn", divide="warn", invalid="warn",
                                        under="ignore"))
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        try:
            # The limit inside the watch: the watch's clean-up runs with the timer stopped.
            with _watch_for(reference_codes, outcome), _time_limit(TIME_LIMIT):
                outcome.value = function(*args)
        except _TimedOut:
            outcome.timed_out = True
        except (Exception, SystemExit) as error:  # a student's exit() is a finding too
            outcome.error = error
        outcome.warnings = [str(warning.message) for warning in caught]
    return outcome


def describe_error(error):
    """``ValueError: the student's own message``, on one line."""
    text = " ".join(str(error).split())
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
