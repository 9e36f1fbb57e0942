# Installed as <venv>/etc/jupyter/nbgrader_config.py by `make env` (and by hub/setup.sh): read by
# nbgrader before the course folder's own nbgrader_config.py, which replaces this step when it
# loads. When it does not, nbgrader refuses to grade (mlp_helpers/grading/guard.py says why).
from mlp_helpers.grading.guard import RefuseToGrade

c = get_config()  # noqa: F821 (defined by nbgrader when it loads this file)
# Before the first step that reads a submission: nothing of any student is written.
c.Autograde.sanitize_preprocessors = [RefuseToGrade]
c.Autograde.autograde_preprocessors = [RefuseToGrade]
