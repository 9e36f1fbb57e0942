"""Check of ``adam_step``: one step of Adam, ``(new_param, new_state)``, the state left unchanged.

The returned state is judged first (its step counter, then the running means ``m`` and ``v``),
then the new parameter, each against the named mistakes: the bias correction left out (of one
mean or both), epsilon inside the square root, the gradient not squared in ``v``, the counter
not advanced. The fixtures start from Adam's zero state and from a state some steps in, with
gradients from ``1e-4`` to ``1`` in size: where ``sqrt(v_hat)`` is near ``eps``, where epsilon
goes shows. One hidden fixture passes its own ``beta1``, ``beta2`` and ``eps``.
"""

import numpy as np

from mlp_helpers import optimisers
from mlp_helpers.checks.engine.compare import compare_array
from mlp_helpers.checks.engine.fixtures import seeded
from mlp_helpers.checks.engine.mistakes import Finding, Structure
from mlp_helpers.checks.engine.spec import Case, Spec
from mlp_helpers.checks.engine.values import numbers
from mlp_helpers.checks.part import Part
from mlp_helpers.checks.parts.backward_rules import _tuple_of

_DEFAULTS = (0.9, 0.999, 1e-8)


def _adam_cases():
    rng = seeded(57)

    def case(shape, t, dtype=np.float64, settings=(), **role):
        param = rng.normal(0.0, 1.0, shape)
        grad = rng.normal(0.0, 1.0, shape) * 10.0 ** rng.uniform(-4.0, 0.0, shape)
        m = rng.normal(0.0, 0.1, shape) if t else np.zeros(shape)
        v = rng.uniform(0.0, 0.01, shape) ** 2 if t else np.zeros(shape)
        state = {"m": m.astype(dtype), "v": v.astype(dtype), "t": t}
        note = f"state at t = {t}" + (f"; {role.pop('note')}" if "note" in role else "")
        return Case((param.astype(dtype), grad.astype(dtype), state, 0.1, *settings),
                    note=note, float32=dtype == np.float32, **role)

    # A state some steps in comes first: there a counter left behind gives numbers to name,
    # where at t = 0 it divides by zero.
    return [case((4, 3), 3), case((4, 3), 0), case((1, 5), 1),
            case((6, 2), 0, note="one parameter row", hidden=True),
            case((3, 4), 2, np.float32, note="float32", hidden=True),
            case((5, 3), 1, note="read-only arrays", hidden=True, read_only=True),
            case((4, 4), 0, settings=(0.5, 0.9, 1e-3), note="beta1 = 0.5, beta2 = 0.9, "
                 "eps = 1e-3", hidden=True)]


def _parts(case):
    param, grad, state, lr, *settings = case.args
    beta1, beta2, eps = (*settings, *_DEFAULTS[len(settings):])
    return (param.astype(np.float64), grad.astype(np.float64), state["m"].astype(np.float64),
            state["v"].astype(np.float64), int(state["t"]), lr, beta1, beta2, eps)


def _moments(case, t_step=1, squared=True, swapped=False):
    _, grad, m, v, t, _, beta1, beta2, _ = _parts(case)
    second = grad**2 if squared else grad
    if swapped:
        return beta1 * grad + (1 - beta1) * m, beta2 * second + (1 - beta2) * v, t + t_step
    return beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * second, t + t_step


def _step(case, correct_m=True, correct_v=True, eps_inside=False, t_step=1, squared=True,
          root=True, sign=1.0):
    param, _, _, _, _, lr, beta1, beta2, eps = _parts(case)
    m, v, t = _moments(case, t_step, squared)
    with np.errstate(all="ignore"):
        m_hat = m / (1 - beta1**t) if correct_m else m
        v_hat = v / (1 - beta2**t) if correct_v else v
        scale = (np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps) if root \
            else v_hat + eps
        return param - sign * lr * m_hat / scale


_CORRECTION = (" At step t both running means are divided by 1 - beta**t: they start at zero, "
               "and without it the first steps are far off their true size.")
_PARAM_MISTAKES = [
    Structure("no-bias-correction", "no-correction", "The bias correction is missing: you "
              "used m and v where m_hat and v_hat belong." + _CORRECTION,
              lambda case: _step(case, False, False)),
    Structure("no-bias-correction", "m-only", "Only m is corrected: v_hat is missing, v is "
              "used as it is." + _CORRECTION, lambda case: _step(case, correct_v=False)),
    Structure("no-bias-correction", "v-only", "Only v is corrected: m_hat is missing, m is "
              "used as it is." + _CORRECTION, lambda case: _step(case, correct_m=False)),
    Structure("eps-inside-root", "eps-inside", "Epsilon is inside the square root. In Adam it "
              "is added after the root, to the root of v_hat: it keeps the division safe "
              "where v_hat is near zero, and under the root it changes every small step.",
              lambda case: _step(case, eps_inside=True)),
    Structure("step-not-advanced", "t-behind", "The bias correction uses the step counter "
              "before it is advanced: this step is step t + 1, and its correction divides by "
              "1 - beta to the power of that new t.", lambda case: _step(case, t_step=0)),
    Structure("wrong-formula", "no-root", "The square root of v_hat is missing: the step "
              "divides m_hat by the root of v_hat, so that it has the gradient's units.",
              lambda case: _step(case, root=False)),
    Structure("sign", "ascent", "The step goes up the gradient: the new parameter moves "
              "against m_hat, not along it.", lambda case: _step(case, sign=-1.0)),
    Structure("wrong-formula", "plain-sgd", "You took a plain gradient-descent step, param - "
              "lr * grad: Adam's step uses the running means m and v.",
              lambda case: _parts(case)[0] - _parts(case)[5] * _parts(case)[1]),
]
_M_MISTAKES = [
    Structure("wrong-formula", "m-swapped", "new_state[\"m\"]: beta1 and 1 - beta1 are "
              "swapped. The running mean keeps beta1 of the old m and adds 1 - beta1 of the "
              "gradient.", lambda case: _moments(case, swapped=True)[0]),
]
_V_MISTAKES = [
    Structure("moment-not-squared", "v-not-squared", "new_state[\"v\"] is a running mean of "
              "the gradient itself: v is the running mean of the gradient squared, entry by "
              "entry (which is why its root has the gradient's size).",
              lambda case: _moments(case, squared=False)[1]),
    Structure("wrong-formula", "v-swapped", "new_state[\"v\"]: beta2 and 1 - beta2 are "
              "swapped. The running mean keeps beta2 of the old v.",
              lambda case: _moments(case, swapped=True)[1]),
]


def _judge_state(case, state):
    if not isinstance(state, dict) or not {"m", "v", "t"} <= set(state):
        return [Finding("wrong-shape", "state", "new_state should be a dict with the keys \"m\", "
                        "\"v\" and \"t\", like the state it was given.")]
    t = numbers(state["t"])
    want_m, want_v, want_t = _moments(case)
    if t is None or t.shape != ():
        return [Finding("wrong-shape", "t", "new_state[\"t\"] should be one whole number, the "
                        "count of steps taken.")]
    if float(t) != want_t:
        code = "step-not-advanced" if float(t) == want_t - 1 else "other"
        return [Finding(code, "t", "new_state[\"t\"] is not advanced: it must count this step "
                        "too, one more than the state's t, or the next step's bias correction "
                        "is off." if code != "other" else
                        "new_state[\"t\"] should be one more than the state's t.")]
    return (compare_array(case, "new_state[\"m\"]", state["m"], want_m, _M_MISTAKES)
            or compare_array(case, "new_state[\"v\"]", state["v"], want_v, _V_MISTAKES))


def _judge_adam(case, value):
    wrong = _tuple_of(2, "the pair (new_param, new_state)")(value)
    return wrong or _judge_state(case, value[1]) or compare_array(
        case, "new_param", value[0], _step(case), _PARAM_MISTAKES)


SPECS = {"adam_step": Spec("adam_step", ("param", "grad", "state", "lr", "beta1", "beta2",
                                         "eps"), _adam_cases, _judge_adam,
                           (optimisers.adam_step,))}


# The graded parts this module judges, collected by ``checks.registry``.
PARTS = (
    Part("adam_step", "05_autograd", 3,
         "`adam_step(param, grad, state, lr, beta1=0.9, beta2=0.999, eps=1e-8)`",
         "the new state (`t`, `m`, `v`) and parameter from a zero state and a state some steps "
         "in, gradients down to 1e-4, the state left unchanged", spec=SPECS["adam_step"]),
)
