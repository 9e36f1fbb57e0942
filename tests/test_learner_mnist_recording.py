"""The recording of the MNIST learner's runs is what their code and the replays compute.

Lecture 3 reads 10000 passes of four runs, and five realisations of the learner's own, from
``mlp_helpers/lectures/learners/mnist_runs.npz`` (made by ``scripts/record_learner_mnist.py``).
Rerunning them all takes about twenty minutes, so this module checks the recording piece by
piece: their posted code and the replay live for as many passes as any two computers agree on
their chaotic run, and each run resumed live from recorded checkpoints at its start, its middle
and its end. A failure here means the recording no longer matches the code: run the script
again.
"""

import numpy as np
import pytest

from mlp_helpers.lectures.learners import mnist, mnist_chaos

pytestmark = pytest.mark.slow
# Passes compared live from each checkpoint, and how closely. Their own run is chaotic: resumed
# from a checkpoint with its sums in another order (rows permuted), it stays within 2e-10 of
# the recording for 60 passes (measured from passes 501, 5001 and 9501, three orders each); the
# other runs settle, and stay within 1e-13.
STRETCH = {"learner": (50, 1e-7)}
SETTLED = (100, 1e-9)


def test_their_posted_code_and_the_replay_give_the_recorded_losses_while_computers_agree():
    model, printout = mnist.run_posted(passes=1)
    for name, value in mnist.recorded_state("learner", 1).items():
        np.testing.assert_allclose(model[name], value, rtol=1e-12, atol=0, err_msg=name)
    assert float(printout.split(": ")[1]) == pytest.approx(mnist.recorded_losses("learner")[1],
                                                           abs=1e-6)
    live = mnist_chaos.run(mnist_chaos.AGREED_PASSES).loss
    np.testing.assert_allclose(live, mnist.recorded_losses("learner")[:len(live)],
                               rtol=mnist_chaos.AGREED_RTOL)


@pytest.mark.parametrize("variant", sorted(mnist.VARIANTS))
@pytest.mark.parametrize("checkpoint", [mnist.CHECKPOINTS[1], mnist.CHECKPOINTS[10],
                                        mnist.CHECKPOINTS[-2]])
def test_recorded_losses_continue_as_a_live_run_from_the_recorded_checkpoint(variant, checkpoint):
    passes, rtol = STRETCH.get(variant, SETTLED)
    resumed = mnist.rerun(variant, passes=passes, start=mnist.recorded_state(variant, checkpoint))
    recorded = mnist.recorded_losses(variant)[checkpoint:checkpoint + passes]
    np.testing.assert_allclose(resumed.history.loss, recorded, rtol=rtol)


@pytest.mark.parametrize("variant", mnist_chaos.SUMMED)
def test_every_recorded_realisation_starts_as_a_live_run_with_its_digits_in_that_order(variant):
    # Only the start: at their last pass two computers no longer agree on any realisation, so
    # test_learners.py checks the recorded last networks against the run's recorded numbers.
    realisations = mnist_chaos.ensemble(variant)
    n = len(mnist_chaos.training_set()[0])
    for row, order in enumerate(realisations.orders):
        live = mnist_chaos.run(20, order, variant)
        np.testing.assert_allclose(live.loss, realisations.loss[row, :20], rtol=1e-9)
        np.testing.assert_array_equal(live.correct / n, realisations.accuracy[row, :20])
        if realisations.sevens is not None:
            np.testing.assert_array_equal(live.sevens / n, realisations.sevens[row, :20])


def test_two_realisations_part_from_the_last_digit_to_the_first_within_a_few_hundred_passes():
    # Measured over three pairs: the parameters 1e-15 apart after pass 1, 1e-6 from pass 220;
    # the losses 10 % apart from pass 296 to 321; e every 10.4 to 12 passes on average.
    distances, losses = mnist_chaos.gap(340, orders=(0, 2))
    assert distances[0] < 1e-13
    assert 200 < np.argmax(distances > 1e-6) < 260
    assert np.max(np.abs(losses[0] - losses[1]) / losses[0]) > 0.05
    assert 7 < mnist_chaos.passes_per_e(distances) < 16
