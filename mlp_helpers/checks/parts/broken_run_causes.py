"""Checks of assignment 4's debugging parts: the causes of five broken runs, and their fixes.

``run_causes`` maps each run to one cause from ``broken_runs.CAUSES``. A wrong choice is told
with what the run shows that the chosen cause would not (its numbers are computed from the
run, never written down). ``fixed_settings`` maps each run to plain settings; the check trains
with them, on the runs' seed and, when graded, on seeds of the grader's, and the fixed run
must learn.
"""

from functools import cache, lru_cache

from mlp_helpers.assignments import broken_runs
from mlp_helpers.checks.engine.core import Diagnosis
from mlp_helpers.checks.engine.fixtures import salt, seeded_once
from mlp_helpers.checks.engine.running import listed
from mlp_helpers.checks.part import Part


def _shared(setting):
    """The value of ``setting`` that most runs share.

    Each run changes one thing from settings that train well; the student edition does not hold
    those (scripts/build_student_edition.py), so the checks read the runs themselves.
    """
    values = [settings[setting] for settings in broken_runs.RUNS.values()]
    return max(values, key=values.count)


@cache
def _facts(run):
    """What run ``run`` shows, in numbers, keyed by the cause each fact speaks against."""
    settings = broken_runs.RUNS[run]
    record = broken_runs.train_run(settings, seed=0)
    loss = record["loss"]
    rises = broken_runs.rises(loss)
    steady = (f"its loss moves smoothly from {loss[0]:.3f} to {loss[-1]:.3f} and never rises"
              if rises == 0 else f"its loss rises in {rises} of {len(loss) - 1} epochs")
    same = record["units_apart"] < 1e-9
    return {
        "symmetric-init": (f"run {run}'s hidden units end with different weights (up to "
                           f"{record['units_apart']:.3g} apart), which identical units never do"
                           if not same else None),
        "saturation": (f"only {record['saturated_at_start']:.0%} of run {run}'s hidden "
                       "activations are within 0.01 of 0 or 1 before training; a saturating "
                       "initialisation puts most of them there" if
                       record["saturated_at_start"] < 0.5 else None),
        "lr-too-high": (f"{steady}, where a rate far too high makes it jump up in the first "
                        "steps" if rises == 0 else f"run {run}'s rate, {settings['lr']:g}, is "
                        "the rate that trains this network well with the gradient of the mean"
                        if settings["lr"] <= _shared("lr") else None),
        "sum-not-mean": (f"run {run} takes the gradient of the mean, as its settings say "
                         "(\"gradient\": \"mean\")" if settings["gradient"] == "mean" else None),
        "one-minus-activation": (f"run {run}'s hidden layer uses the sigmoid's derivative "
                                 f"{settings['derivative']!r}, which is right"
                                 if settings["derivative"] == _shared("derivative")
                                 else None),
    }


def _causes_form(answer, name):
    if answer is None:
        return Diagnosis("other", f"`{name}` is not defined: run the cell where you set it.")
    if not isinstance(answer, dict):
        what = ("its cause, such as {\"A\": \"saturation\", ...}" if name == "run_causes"
                else "its settings, such as {\"A\": {\"init\": \"xavier\", ...}, ...}")
        return Diagnosis("other", f"`{name}` must be a dict from each run's letter to {what}.")
    missing = [run for run in broken_runs.RUNS if run not in answer]
    if missing:
        return Diagnosis("other", f"`{name}` has no entry for run {listed(missing)}: give every "
                         f"run, {listed(list(broken_runs.RUNS))}.")
    return None


def diagnose_run_causes(run_causes, hidden=True, expected=None):
    """Judge the cause named for each run; ``expected`` (the hidden test's) is the answer."""
    found = _causes_form(run_causes, "run_causes")
    if found:
        return found
    unknown = sorted({repr(cause) for cause in run_causes.values()
                      if cause not in broken_runs.CAUSES})
    if unknown:
        return Diagnosis("other", f"`run_causes`: {listed(unknown)} is not one of the causes "
                         f"to choose from: {', '.join(broken_runs.CAUSES)}.")
    for run in broken_runs.RUNS:
        cause = run_causes[run]
        against = _facts(run)[cause]
        if against is not None:
            return Diagnosis("other", f"`run_causes`: run {run} is not a case of "
                             f"{cause}: {against}. Look again at its curve, its statistics "
                             "and its settings.")
    if expected is not None:
        wrong = [run for run in broken_runs.RUNS if run_causes[run] != expected.get(run)]
        if wrong:
            return Diagnosis("other", f"`run_causes`: the cause of run {listed(wrong)} is "
                             "not right. Change one setting of the run at a time and see "
                             "which change makes it learn.")
    return None


def _seed_groups(hidden):
    """The groups of seeds a fixed run is trained on: its own; the test's three; the grader's.

    When graded, the test's three seeds and three of the grader's own, drawn once a grading
    process: most of a class gives the same fixed settings, and ``_trained`` trains them on each
    seed once. A run must learn on most of each group.
    """
    if not hidden:
        return [[0]]
    if salt():
        rng = seeded_once(11)
        return [[0, 1, 2], [int(seed) for seed in rng.integers(1, 10_000, size=3)]]
    return [[0, 1, 2]]


@lru_cache(maxsize=256)
def _trained(settings, seed):
    """``broken_runs.train_run`` of ``settings`` (sorted items) on ``seed``, remembered.

    A run is a function of its plain settings and seed, and most of a class gives the same
    fixed settings: a grading process trains them on each seed once, not once a student.
    """
    return broken_runs.train_run(dict(settings), seed)


def _failures(settings, seeds):
    """The seeds on which ``settings`` fail, with their records, as far as the verdict needs.

    The verdict allows ``len(seeds) // 2`` failures: the seeds are trained in order until the
    ones left could not change it, so an honest run trains on two seeds of three, not three.
    """
    key = tuple(sorted(settings.items()))
    allowed, failed = len(seeds) // 2, []
    for done, seed in enumerate(seeds, start=1):
        record = _trained(key, seed)
        if not record["solved"]:
            failed.append((seed, record))
        if len(failed) > allowed or done - len(failed) >= len(seeds) - allowed:
            break
    return failed


def diagnose_fixed_settings(fixed_settings, hidden=True):
    """Train each run with the student's settings; each fixed run must learn.

    On each run's seed (the visible test), then on three seeds, and, when graded, on three of
    the grader's own too: a fixed run may fail on one of three (an unlucky start), not on two.
    """
    found = _causes_form(fixed_settings, "fixed_settings")
    if found:
        return found
    for run in broken_runs.RUNS:
        wrong = broken_runs.problems(fixed_settings[run])
        if wrong:
            return Diagnosis("other", f"`fixed_settings[{run!r}]`: {wrong[0]}. Start from the "
                             f"run's own settings, `broken_runs.RUNS[{run!r}]`, and change what "
                             "is wrong.")
        for seeds in _seed_groups(hidden):
            failed = _failures(fixed_settings[run], seeds)
            if len(failed) > len(seeds) // 2:
                break
        if len(failed) > len(seeds) // 2:
            seed, record = failed[0]
            loss = record["loss"]
            code = "unstable" if loss[-1] != loss[-1] else "other"
            return Diagnosis(code, f"`fixed_settings[{run!r}]` does not learn yet: trained with "
                             f"seed {seed}, its loss goes from {loss[0]:.3f} to {loss[-1]:.3f} "
                             f"and it classifies {record['accuracy']:.0%} of the points "
                             f"(a run that learns ends below {broken_runs.SOLVED_LOSS} and "
                             f"above {broken_runs.SOLVED_ACCURACY:.0%}). Fix the cause you "
                             "named in `run_causes`.")
    return None


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("run_causes", "04_not_learning", 2, "`run_causes`, a dict from run to cause",
         "each run's cause from the list; a wrong one is told what in the run contradicts it",
         kind="value", diagnose=diagnose_run_causes),
    Part("fixed_settings", "04_not_learning", 3, "`fixed_settings`, a dict from run to settings",
         "each run retrained with its settings learns XOR; when graded, on new seeds",
         kind="value", diagnose=diagnose_fixed_settings),
)
