"""Real numerical gradients and relative errors, in the course's signatures.

``numerical_gradient(f, x, h=1e-5)``: most sources perturb the parameters of a network and call
its cost; here ``f`` is the course's scalar function of ``x``.
"""

import numpy as np

from student_bank.wild import correct, wild

# --- numerical_gradient ----------------------------------------------------------------------

# CS231n gradient_check.py `eval_numerical_gradient(f, x, verbose=True, h=0.00001)` (as shown on
# wang.works/portfolio/code/grad_check.html): nditer, x[ix] = oldval + h, ... x[ix] = oldval.
# The verbose print is left out.
@correct("numerical_gradient", "cs231n-gradcheck", "eval-numerical-gradient")
def numerical_gradient_cs231n(f, x, h=1e-5):
    fx = f(x)  # noqa: F841 (CS231n evaluates f at x first and never uses it)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


# oreilly-japan/deep-learning-from-scratch common/gradient.py `numerical_gradient(f, x)`: the same
# nditer loop, with `h = 1e-4 # 0.0001` set inside. Given the course's signature, the line stays:
# the h argument is ignored (named today in words).
@wild("numerical_gradient", "other", "saitoh", "h-set-inside")
def numerical_gradient_saitoh(f, x, h=1e-5):
    h = 1e-4  # 0.0001
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)  # f(x+h)
        x[idx] = tmp_val - h
        fxh2 = f(x)  # f(x-h)
        grad[idx] = (fxh1 - fxh2) / (2*h)
        x[idx] = tmp_val
        it.iternext()
    return grad


# yufeiran/DeepLearn common/gradient.py (the book's chapter 4 version, for 1-D x): `for idx in
# range(x.size): tmp_val = x[idx] ...`. On a matrix x[idx] is a row, and idx runs past the rows.
@wild("numerical_gradient", "other", "yufeiran", "range-size-indexes-rows")
def numerical_gradient_yufeiran(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad


# hanbt/learn_dl bp.py `gradient_check`: `conn.weight += epsilon; error1 = ...; conn.weight -= 2
# * epsilon; error2 = ...; expected_gradient = (error2 - error1) / (2 * epsilon)`, and the weight
# is never put back (it stays at w - epsilon for the next one). Also the sign: (f(x - h) - f(x +
# h)) / 2h, the author's "negative gradient" convention. x is left changed, so the message should
# be about restoring x[i], not about building a new array.
@wild("numerical_gradient", "mutates-input", "learn-dl", "bp-never-restores",
      shortfall="messages", mentions=(r"restor|put .* back|original value|back to",),
      avoids=(r"Build a new array",))
def numerical_gradient_learn_dl_bp(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        epsilon = h
        x[index] += epsilon
        error1 = f(x)
        x[index] -= 2 * epsilon
        error2 = f(x)
        grad[index] = (error2 - error1) / (2 * epsilon)
    return grad


# hanbt/learn_dl fc.py `Network.gradient_check`: `fc.W[i,j] += epsilon; ... fc.W[i,j] -=
# 2*epsilon; ... expect_grad = (err1 - err2) / (2 * epsilon); fc.W[i,j] += epsilon` (restored).
@correct("numerical_gradient", "learn-dl", "fc-restores")
def numerical_gradient_learn_dl_fc(f, x, h=1e-5):
    epsilon = h
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        x[index] += epsilon
        err1 = f(x)
        x[index] -= 2*epsilon
        err2 = f(x)
        grad[index] = (err1 - err2) / (2 * epsilon)
        x[index] += epsilon
    return grad


# Code corpus file id 33743045721 (a course's gradient check, `check_grad(model, x_train,
# y_train)`, six hand-picked weights): `num_delta = (loss_plus - loss_minus) / 2*epsilon`, i.e.
# times epsilon / 2 instead of divided by 2 epsilon. Its loop over weights made a loop over x.
@wild("numerical_gradient", "precedence", "check-grad-course", "over-2-times-epsilon",
      shortfall="precedence")
def numerical_gradient_precedence(f, x, h=1e-5):
    epsilon = h
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        w = x[index]
        x[index] = w + epsilon
        loss_plus = f(x)
        x[index] = w - epsilon
        loss_minus = f(x)
        x[index] = w
        grad[index] = (loss_plus - loss_minus) / 2*epsilon
    return grad


# Rishy-09/DeepLearningSpecialization (deeplearning.ai "Gradient Checking", 1-dimensional
# gradient_check): `thetaplus = theta + epsilon; thetaminus = theta - epsilon; gradapprox =
# (J_plus - J_minus) / (2 * epsilon)`, written for a number theta. On an array every coordinate
# moves at once: one directional derivative instead of a gradient.
@wild("numerical_gradient", "perturbs-all", "dlai-gradcheck", "one-dimensional-on-array",
      shortfall="perturbs-all")
def numerical_gradient_dlai_1d(f, x, h=1e-5):
    epsilon = h
    thetaplus = x + epsilon
    thetaminus = x - epsilon
    J_plus = f(thetaplus)
    J_minus = f(thetaminus)
    return (J_plus - J_minus) / (2 * epsilon)


# Code corpus file id 3659193181 (DeZero-style, "Deep Learning from Scratch 3"):
# `numerical_gradient(f, x, eps=1e-4): x0 = x.data - eps; x1 = x.data + eps; ... (y1 - y0) /
# (2 * eps)`. x.data is the array itself here.
@wild("numerical_gradient", "perturbs-all", "dezero", "whole-array-shift",
      shortfall="perturbs-all")
def numerical_gradient_dezero(f, x, h=1e-5):
    eps = h
    x0 = x - eps
    x1 = x + eps
    y0 = f(x0)
    y1 = f(x1)
    return (y1 - y0) / (2 * eps)


# stephencwelch/Neural-Networks-Demystified partFive.py `computeNumericalGradient`: `for p in
# range(len(paramsInitial)): perturb[p] = e ... numgrad[p] = (loss2 - loss1) / (2*e); perturb[p]
# = 0`, written for the flat parameter vector. On a matrix, len() counts rows: a whole row moves.
@wild("numerical_gradient", "perturbs-all", "welch", "perturb-by-len-rows",
      shortfall="perturbs-all")
def numerical_gradient_welch(f, x, h=1e-5):
    paramsInitial = x.copy()
    numgrad = np.zeros(paramsInitial.shape)
    perturb = np.zeros(paramsInitial.shape)
    e = h
    for p in range(len(paramsInitial)):
        perturb[p] = e
        loss2 = f(paramsInitial + perturb)
        loss1 = f(paramsInitial - perturb)
        numgrad[p] = (loss2 - loss1) / (2*e)
        perturb[p] = 0
    return numgrad


# Code corpus file id 2696348573 (Coursera ML ex4 `computeNumericalGradient`, in Python):
# `for p in range(theta.size): perturb[p] = e; loss1 = J(theta - perturb); loss2 = J(theta +
# perturb); numgrad[p] = (loss2 - loss1) / (2*e); perturb[p] = 0`, theta being the unrolled
# parameters: x is unrolled with ravel and rolled back. J is evaluated at moved copies of theta:
# right for a J of its argument, but the course's f may read x itself and ignore its argument
# (the notebook's gradient check passes `lambda _: loss(params)`), and then every entry is 0.
@wild("numerical_gradient", "perturbs-copy", "coursera-ex4", "unrolled-perturb-vector")
def numerical_gradient_coursera(f, x, h=1e-5):
    theta = x.ravel()
    numgrad = np.zeros(theta.shape)
    perturb = np.zeros(theta.shape)
    e = h
    for p in range(theta.size):
        perturb[p] = e
        loss1 = f((theta - perturb).reshape(x.shape))
        loss2 = f((theta + perturb).reshape(x.shape))
        numgrad[p] = (loss2 - loss1) / (2*e)
        perturb[p] = 0
    return numgrad.reshape(x.shape)


# Rishy-09/DeepLearningSpecialization `gradient_check_n`: `thetaplus = np.copy(parameters_values);
# thetaplus[i][0] = thetaplus[i][0] + epsilon; ... gradapprox[i] = (J_plus[i] - J_minus[i]) / (2
# * epsilon)`; the (n, 1) parameter column made x's own entries. Copies again, as above.
@wild("numerical_gradient", "perturbs-copy", "dlai-gradcheck", "gradient-check-n-copies")
def numerical_gradient_dlai_n(f, x, h=1e-5):
    epsilon = h
    gradapprox = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        thetaplus = np.copy(x)
        thetaplus[i] = thetaplus[i] + epsilon
        J_plus = f(thetaplus)
        thetaminus = np.copy(x)
        thetaminus[i] = thetaminus[i] - epsilon
        J_minus = f(thetaminus)
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
    return gradapprox


# Code corpus file id 11913393383: `grad=[0*len(x)]` (a list of one zero, where [0]*len(x) was
# meant), then `grad[i] = ...` for i in range(len(x)). It raises IndexError at i = 1, after
# x[1] was moved and before it is put back: the crash is the mistake to name (the changed x
# follows from it), so the message should quote the IndexError.
@wild("numerical_gradient", "other", "zero-times-len", "list-of-one-zero", shortfall="messages",
      mentions=(r"IndexError",))
def numerical_gradient_zero_times_len(f, x, delta=1e-5):
    grad=[0*len(x)]
    for i in range(len(x)):
        xo = x[i]
        x[i] = xo + delta
        f_plus = f(x)
        x[i] = xo - delta
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * delta)
        x[i] = xo
    return grad


# --- relative_error --------------------------------------------------------------------------

# CS231n's notebooks `rel_error(x, y)` (code corpus, e.g. srjit/dl101 notes/lecture4/
# networkimpl.py): `np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))`.
@correct("relative_error", "cs231n-rel-error", "max-of-ratios")
def relative_error_cs231n(x, y):
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))


# Code corpus file id 21128112847 (a CS231n assignment 3 RNN captioning script): `return
# np.max(np.abs(x - y)) / (np.maximum(1e-8, np.abs(x) + np.abs(y)))`: the max closes one
# parenthesis too early, so it returns an array of the largest difference over each denominator.
@wild("relative_error", "precedence", "cs231n-rnn-script", "max-closes-early",
      shortfall="relative-error")
def relative_error_max_closes_early(x, y):
    return np.max(np.abs(x - y)) / (np.maximum(1e-8, np.abs(x) + np.abs(y)))


# Rishy-09/DeepLearningSpecialization (deeplearning.ai "Gradient Checking"): `numerator =
# np.linalg.norm(grad - gradapprox); denominator = np.linalg.norm(grad) +
# np.linalg.norm(gradapprox); difference = numerator / denominator`.
@wild("relative_error", "norm-ratio", "dlai-gradcheck", "difference-of-norms",
      shortfall="relative-error")
def relative_error_dlai(x, y):
    numerator = np.linalg.norm(x - y)
    denominator = np.linalg.norm(x) + np.linalg.norm(y)
    return numerator / denominator


# Karlos7692/Cerebral Matlab/Tests/checkGradient.m (Coursera ML ex4 checkNNGradients; the same
# line in rileynat/aorta-segmentation nate_cnn/gradientChecking.m): `diff =
# norm(approx-grad)/norm(approx+grad)`. Octave made numpy.
@wild("relative_error", "norm-ratio", "coursera-checknngradients", "norm-of-sum",
      shortfall="relative-error")
def relative_error_coursera(x, y):
    return np.linalg.norm(x - y) / np.linalg.norm(x + y)


# Michigan EECS 498-007 `rel_error(x, y, eps=1e-10)` (code corpus excerpt: "max_i |x_i - y_i| /
# (max_i |x_i| + |y_i| + eps)"): `top = (x - y).abs().max().item(); bot = (x.abs() +
# y.abs()).clamp(min=eps).max().item(); return top / bot`. torch made numpy.
@wild("relative_error", "norm-ratio", "eecs498", "max-over-max",
      shortfall="relative-error")
def relative_error_eecs498(x, y, eps=1e-10):
    top = np.abs(x - y).max().item()
    bot = np.maximum(np.abs(x) + np.abs(y), eps).max().item()
    return top / bot


# Code corpus file id 67490256450 (a converter test script, next to snr_db): `max_abs =
# np.max(np.abs(x)) + 1e-30; return np.max(np.abs(x - y)) / max_abs`.
@wild("relative_error", "norm-ratio", "converter-script", "max-diff-over-max-x",
      shortfall="relative-error")
def relative_error_max_abs(x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    max_abs = np.max(np.abs(x)) + 1e-30
    return np.max(np.abs(x - y)) / max_abs


# Toronto CSC321 programming assignment checking.py (code corpus file id 8078502591, and its
# copies): `relative_error(a, b) = np.abs(a - b) / (np.abs(a) + np.abs(b))`, for one number at a
# time: on arrays, one ratio per entry and no floor.
@wild("relative_error", "wrong-shape", "csc321", "entry-wise-no-max")
def relative_error_csc321(a, b):
    return np.abs(a - b) / (np.abs(a) + np.abs(b))
