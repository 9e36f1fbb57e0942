"""A graded part's record: what the course knows about one part of an assignment.

Each module of ``checks/parts/`` ends with the records of the parts it judges (``PARTS``), next
to their ``Spec`` or diagnoser; ``checks.registry`` collects them. A record is the one place a
part's points live: the test cell's metadata, its heading and the assignment's table of points
are written from it by ``scripts/sync_parts.py`` (``make release`` runs it).
"""

from dataclasses import dataclass

from mlp_helpers.checks.engine.spec import run_checks


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

    def verdict(self, answer, hidden=True, **options):
        """``None`` when ``answer`` is right, else the ``Diagnosis`` naming the mistake."""
        if self.spec is not None:
            return run_checks(self.spec, answer, hidden)
        return self.diagnose(answer, hidden, **options)
