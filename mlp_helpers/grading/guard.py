"""nbgrader without the course's configuration: grading refused, not done without a sandbox.

nbgrader reads ``nbgrader_config.py`` from Jupyter's configuration folders, then from the
course folder. When the course's file fails to load (a syntax error, a file overwritten), it
logs the error and grades on its own: student code unsandboxed, test cells and their hidden
tests run in the student's kernel, no judge. The course's environment therefore holds a file of
its own in the first of those folders (``<venv>/etc/jupyter/nbgrader_config.py``, a copy of
``jupyter/nbgrader_config.py``, installed by ``make env`` and the hub's set-up) whose only
autograde steps are ``RefuseToGrade``. The course's file replaces them when it loads, and only
then.
"""

from nbgrader.preprocessors import NbGraderPreprocessor

REFUSED = ("Grading refused: the course's nbgrader_config.py did not load (its error is logged "
           "above), so the course's sandbox and grader are not in place. Fix or restore the "
           "file (`git checkout nbgrader_config.py` in the course folder) and grade again.")


class RefuseToGrade(NbGraderPreprocessor):
    """The autograde step when the course's configuration did not load: stops nbgrader."""

    def preprocess(self, nb, resources):
        """Stop the whole run before any student's code runs (``SystemExit``: not caught)."""
        self.log.error("%s", REFUSED)
        raise SystemExit(REFUSED)
