"""The two learners whose questions started the course: their code as posted, and its replays.

Both questions were asked on a public Q&A site, whose content is licensed CC BY-SA. The code in
``posted_xor.txt`` and ``posted_mnist.txt`` is the learners' own, re-indented only (the copies
that reached us had lost their indentation). ``learners.xor`` and ``learners.mnist`` replay each
run through the course's network, with the learner's rules, random draws, learning rate and
number of passes; the tests run the posted code itself beside them. ``learners.mnist_chaos``
holds the realisations of the MNIST learner's chaotic run, and ``learners.tutorial`` the public
tutorial their code came from, changed one step at a time.
"""

from mlp_helpers.lectures.learners import mnist, mnist_chaos, tutorial, xor
from mlp_helpers.lectures.learners.posted import ATTRIBUTION, posted_code

__all__ = ["ATTRIBUTION", "mnist", "mnist_chaos", "posted_code", "tutorial", "xor"]
