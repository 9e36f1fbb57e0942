"""The learners' code as they posted it (re-indented only), read from the files beside this one."""

from pathlib import Path

ATTRIBUTION = "a question on a public Q&A site, CC BY-SA"


def posted_code(name):
    """The learner's code as posted (re-indented only): ``name`` is ``"xor"`` or ``"mnist"``."""
    return (Path(__file__).parent / f"posted_{name}.txt").read_text()
