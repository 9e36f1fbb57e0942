"""Comparing a student's numbers with the reference, and with what each known mistake gives.

A mistake is a *structure* times a *factor* (``mistakes``). ``explain`` tries every
combination on one fixture and returns the ``Finding`` of each one that reproduces the
student's numbers; ``compare_array`` compares one returned array on one fixture (right, a known
mistake, a shape or type that cannot be, numbers that are not finite, or how far off).
"""

import numpy as np

from mlp_helpers.checks.engine.mistakes import SIGN, Finding, lowered
from mlp_helpers.checks.engine.values import close, numbers


def tolerance(case):
    """Relative tolerance: float32 inputs may come back in float32."""
    return 1e-3 if case.float32 else 1e-6


def _predict(structure, case):
    # A mistake's formula may not apply to every fixture (a product that needs a square
    # matrix): then it simply explains nothing there.
    try:
        with np.errstate(all="ignore"):
            return numbers(structure.predict(case))
    except (ValueError, IndexError):
        return None


def fitted_scale(got, base):
    """The least-squares factor ``s`` of ``got ~ s * base`` (0 when ``base`` is all zeros)."""
    norm = float((base * base).sum())
    return float((got * base).sum()) / norm if norm > 0 else 0.0


def _fill(text, case):
    return text.format(**case.info)


def _reshaped(got, shape):
    """``got`` in ``shape`` when only its shape differs (same entries, in order), else None."""
    if got.shape == shape or got.size != int(np.prod(shape)) or got.size == 0:
        return None
    return got.reshape(shape)


def _shape_text(what, got, base, want):
    """The second mistake of a result whose entries a mistake explains but not its shape.

    The shape that belongs is the right result's, ``want``'s, not the mistake's own (the sum of
    every entry, one number, kept as ``(1, 1)`` is not a ``()`` gone wrong); only when the
    mistake has the right shape did the student's sum drop an axis.
    """
    lost = base.shape == want.shape and got.ndim < want.ndim
    return (f"Also, {lowered(what)} has shape {got.shape} where {want.shape} belongs"
            + (": the sum dropped an axis (keepdims)." if lost else "."))


def _factors(factors, case):
    """Every (factors, sign) to try: none, the sign, each factor, and each pair of factors.

    A pair is two mistakes at once (the 1/n missing and the 2 of the square kept): both are
    named, the first in the list first. A pair that multiplies to 1, or to a factor of its own,
    is that factor (or no factor at all), not two mistakes.
    """
    singles = [((f,), s) for f in factors for s in (1.0, -1.0)]
    values = [1.0] + [f.value(case) for f in factors]
    pairs = []
    for i, f in enumerate(factors):
        for g in factors[i + 1:]:
            product = f.value(case) * g.value(case)
            if all(abs(product - v) > 1e-9 * abs(v) for v in values):
                pairs += [((f, g), 1.0), ((f, g), -1.0)]
    return [((), 1.0), ((), -1.0), *singles, *pairs]


def explain(case, got, want, structures=(), factors=(), sign=SIGN, what="It", slack=0.0):
    """Every ``Finding`` (structure x factors) that reproduces ``got`` on ``case``.

    A result whose entries are right but whose shape is not (``db`` without its axis) is
    matched in the expected shape, and the shape is named as a second mistake.
    """
    tol = tolerance(case)
    found, in_shape = [], []
    for structure in (None, *structures):
        base = want if structure is None else _predict(structure, case)
        if base is None:
            continue
        candidate, reshaped = got, False
        if base.shape != got.shape:
            candidate = _reshaped(got, base.shape)
            # A mistake that gives the right numbers on this fixture explains no wrong shape.
            if candidate is None or structure is None or (
                    base.shape == want.shape and close(base, want, tol)):
                continue
            reshaped = True
        if structure is not None and structure.free_scale:
            scale = fitted_scale(candidate, base)
            # A scale of exactly 1 is no unknown number: the structure alone, told elsewhere.
            if (abs(abs(scale) - 1.0) > 1e-6 and scale != 0
                    and close(candidate, scale * base, tol, abs(scale) * slack)):
                (in_shape if reshaped else found).append(_reshape_finding(
                    Finding(structure.code, structure.key, _fill(structure.text, case)),
                    reshaped, what, got, base, want))
            continue
        for chosen, flip in _factors(factors, case):
            if structure is None and not chosen and flip > 0:
                continue
            value = flip
            for factor in chosen:
                value *= factor.value(case)
            if close(candidate, value * base, tol, abs(value) * slack):
                finding = _combine(structure, chosen, flip, case, sign,
                                   value if structure is None else None)
                (in_shape if reshaped else found).append(
                    _reshape_finding(finding, reshaped, what, got, base, want))
    # What reproduces the result as it is comes before what needs its shape changed too.
    return found + in_shape


def _reshape_finding(finding, reshaped, what, got, base, want):
    if not reshaped:
        return finding
    if got.shape == want.shape:  # the mistake's own shape differs; the student's is right
        return finding
    return Finding(finding.code, finding.key + "+shape",
                   f"{finding.text} {_shape_text(what, got, base, want)}")


def _combine(structure, chosen, flip, case, sign, scale):
    parts = [_fill(structure.text, case)] if structure is not None else []
    if len(chosen) == 2:
        parts.append(f"Two factors are off at once. One: {lowered(_fill(chosen[0].text, case))}"
                     f" Two: {lowered(_fill(chosen[1].text, case))}")
    elif chosen:
        parts.append(_fill(chosen[0].text, case))
    if flip < 0:
        told = _fill(sign.text, case)
        parts.append(f"Also, {lowered(told)}" if parts else told)
    text = " ".join(parts)
    codes = ([structure.code] if structure is not None else []) + [f.code for f in chosen]
    code = codes[0] if codes else sign.code
    keys = ([structure.key] if structure is not None else []) + [f.key for f in chosen]
    key = "*".join(keys) if keys else sign.key
    if flip < 0 and keys:
        key += "-"
    return Finding(code, key, text, scale)


def shape_finding(what, got, want_shape, want=None):
    """``wrong-shape``, saying whether the numbers themselves would be right."""
    shown = "a single number" if got.ndim == 0 else f"shape {got.shape}"
    text = f"{what} has {shown}, but it should have shape {want_shape}."
    if want is not None and got.size == want.size and close(got.reshape(want.shape), want, 1e-6):
        text += " The numbers themselves are right: only the shape is off."
    return Finding("wrong-shape", "shape", text)


def nonfinite_finding(case, what):
    """``unstable`` on large inputs, ``other`` on ordinary ones."""
    if case.stress:
        return Finding("unstable", "unstable",
                       f"{what} contains nan or inf for these extreme but legal inputs: an exp "
                       "overflowed, or a 0/0 or log(0) happened. Rewrite that step so every "
                       "intermediate value stays finite.")
    return Finding("other", "nonfinite", f"{what} contains nan or inf for ordinary inputs.")


def returned_none():
    """The finding for a function that returns nothing."""
    return Finding("other", "none", "It returned None: is a `return` missing?")


def describe_difference(what, got, want):
    """How ``got`` differs from ``want``, in words and without the expected numbers."""
    if got.ndim == 0:
        direction = ("has the wrong sign" if got * want < 0
                     else "is too large" if abs(got) > abs(want) else "is too small")
        return f"{what} {direction}, by no simple factor: compare it with its formula."
    scale = fitted_scale(got, want)
    if scale != 0 and close(got, scale * want, 1e-6):
        size = f"{scale:.3g} times" if abs(scale) >= 1 else f"1/{1 / scale:.3g} times"
        return (f"{what} is {size} what it should be, the same factor for every entry: look "
                "for a wrong constant, a wrong division or a missing one.")
    flipped_signs = int(((got * want) < 0).sum())
    if flipped_signs:
        return (f"{what} has the wrong sign in {flipped_signs} of {want.size} entries, and the "
                "sizes are off too: compare each factor of your formula with the assignment's.")
    return (f"{what} has the right shape and signs, but its sizes are off by a different factor "
            "in each entry: a factor of the formula is missing or wrong.")


def compare_array(case, what, got, want, structures=(), factors=(), fallback=None, sign=SIGN,
                slack=0.0):
    """Findings for one array result, or ``None`` when it is right.

    ``slack``: an absolute difference per entry that still counts as right (see ``close``).
    """
    if got is None:
        return [returned_none()]
    if isinstance(got, tuple) and want.ndim > 0:
        return [Finding("wrong-shape", "tuple", f"It returned a tuple of {len(got)} items; it "
                        "should return one array.")]
    array = numbers(got)
    if array is None:
        kind = getattr(getattr(got, "dtype", None), "name", type(got).__name__)
        return [Finding("wrong-shape", "type", f"{what} is made of {kind}, not real numbers. "
                        "Check what your function returns.")]
    if close(array, want, tolerance(case), slack):
        return None
    found = explain(case, array, want, structures, factors, sign, what, slack)
    if found:
        return found
    if array.shape != want.shape:
        return [shape_finding(what, array, want.shape, want)]
    if not np.isfinite(array).all():
        return [nonfinite_finding(case, what)]
    return [Finding("other", "fallback", fallback or describe_difference(what, array, want))]
