"""A graded part's record: what the course knows about one part of an assignment.

Each module of ``checks/parts/`` ends with the records of the parts it judges (``PARTS``), next
to their ``Spec`` or diagnoser; ``checks.registry`` collects them. A record is the one place a
part's points live: the test cell's metadata, its heading and the assignment's table of points
are written from it by ``scripts/sync_parts.py`` (``make release`` runs it).
"""

from dataclasses import dataclass

from mlp_helpers.checks.engine.running import where
from mlp_helpers.checks.engine.spec import run_checks

# The course's code that would answer a graded training loop, or the gradients of a whole
# network: the ``implemented_by`` of the parts that are one (names under ``mlp_helpers``).
TRAINING_LOOP = frozenset({"network.MLP._forward", "network.MLP.forward", "network.MLP.step",
                           "training.train", "assignments.broken_runs.train_run"})
NETWORK_GRADIENTS = frozenset({"network.MLP._forward", "network.MLP.forward",
                               "network.MLP.backward", "network.MLP.loss",
                               "network.MLP._loss_sum", "gradcheck.check_network_gradients",
                               "assignments.sanity.SanityNetwork.gradients"})


@dataclass(frozen=True)
class Part:
    """One graded part.

    ``name`` is what the notebook defines, and the ``grade_id`` of its solution cell (its test
    cell is ``test_<name>``); ``assignment`` is the notebook's folder; ``points`` what the test
    cell is worth. ``answer`` is what the notebook defines (a signature, or a value); ``judged``
    says in a line what the check tries. ``spec`` (a function checked on fixtures) or
    ``diagnose`` (``diagnose(answer, hidden, **options) -> Diagnosis | None``) judges it;
    ``kind`` is ``"value"`` when the notebook's name holds a value rather than a function.
    ``network``: the part must not use the course's reference network (``MLP``, ``train``).
    ``implemented_by``, for a part judged by a diagnoser: the course's functions and methods
    that would answer it (``"network.MLP.forward"``, named under ``mlp_helpers``). While the
    part is graded, the kernel's edition of the package stubs their modules, and until its
    verdict the grader sends the kernel none of them (``checks.kernel.edition``). A part with a
    ``spec`` names none: its ``Spec``'s references are what would answer it.
    """

    name: str
    assignment: str
    points: int
    answer: str
    judged: str
    spec: object = None
    diagnose: object = None
    kind: str = "function"
    network: bool = False
    implemented_by: frozenset = frozenset()

    def verdict(self, answer, hidden=True, **options):
        """``None`` when ``answer`` is right, else the ``Diagnosis`` naming the mistake.

        ``answer`` is the student's function or value, or an ``Elsewhere`` standing for it in
        their kernel (``checks.kernel.remote.Remote``). A value is fetched first, wherever it
        lives (``running.where``): its diagnoser judges the value itself, ``None`` when the
        name is not defined.
        """
        if self.spec is not None:
            return run_checks(self.spec, answer, hidden)
        if self.kind == "value":
            kind, value = where(answer).look()
            answer = value if kind == "value" else None if kind == "missing" else "a function"
        return self.diagnose(answer, hidden, **options)
