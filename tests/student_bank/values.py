"""Students' answers that are values: ``learner_bugs``, ``run_causes`` and ``fixed_settings``.

The hidden test cells of the first two hold the answer (``expected=``); without it, as here, a
check judges what the notebook alone can tell: known codes and causes, and what each run shows.
"""

from mlp_helpers.assignments import broken_runs
from student_bank import correct_value, planted_value

# --- learner_bugs (03_mnist) -------------------------------------------------------------------

correct_value("learner_bugs", "a-list", ["one-minus-activation", "derivative-twice",
                                         "sum-not-mean", "mutates-input", "bias-not-summed"])
planted_value("learner_bugs", "other", "words-not-codes", {"wrong derivative", "no mean"})
planted_value("learner_bugs", "other", "empty", set())

# --- run_causes (04_not_learning) --------------------------------------------------------------

correct_value("run_causes", "zipped", dict(zip("ABCDE", [
    "lr-too-high", "symmetric-init", "one-minus-activation", "saturation", "sum-not-mean"])))
planted_value("run_causes", "other", "two-swapped", {
    "A": "sum-not-mean", "B": "symmetric-init", "C": "one-minus-activation",
    "D": "saturation", "E": "lr-too-high"})
planted_value("run_causes", "other", "a-run-left-out", {
    "A": "lr-too-high", "B": "symmetric-init", "C": "one-minus-activation", "D": "saturation"})


# --- fixed_settings (04_not_learning) ----------------------------------------------------------


def _settings(**changes):
    """Each run's own settings, with ``changes`` (run -> settings to update) applied."""
    fixed = {run: dict(settings) for run, settings in broken_runs.RUNS.items()}
    for run, update in changes.items():
        fixed[run].update(update)
    return fixed


correct_value("fixed_settings", "other-fixes", _settings(
    A={"lr": 8.0}, B={"init": "normal", "scale": 1.0},
    C={"derivative": "a * (1 - a)", "lr": 12.0}, D={"scale": 0.7}, E={"lr": 10 / 64}))
_without_a_setting = _settings(A={"lr": 10.0}, B={"init": "xavier"},
                               C={"derivative": "a * (1 - a)"}, D={"init": "xavier"})
del _without_a_setting["E"]["gradient"]
planted_value("fixed_settings", "other", "a-setting-left-out", _without_a_setting)
