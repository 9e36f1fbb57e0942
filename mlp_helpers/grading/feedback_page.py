"""The pages nbgrader makes of a submission: nbgrader's templates, with what the course changes.

Two pages show a graded notebook: the feedback page (template ``feedback``, written by
``generate_feedback`` and sent to the student) and the formgrader's page of a submission
(template ``formgrade``, shown to the instructor). nbgrader names both templates itself; the
course's folders of the same names, in ``templates/``, are found first and change only this:

- Maths typesets offline. nbgrader's pages call nbconvert's ``mathjax()`` macro without a URL,
  so ``HTMLExporter.mathjax_url`` is ignored and MathJax came from a CDN: offline, the maths
  showed as LaTeX source. Both pages load the MathJax 2.7 of the Jupyter server showing them
  (jupyter-server-mathjax).
- Nothing of the student's runs (``grading_html``): their Markdown is cleaned like their
  outputs, and each page's policy allows no script but its own.

The rest is nbgrader's: the course's page, ``TEMPLATE_FILE`` in each folder, extends nbgrader's
``index.html.j2``, found next. Both folders name ``templates/submission_page/`` (what they share)
their base template, which names nbconvert's ``classic``. ``nbgrader_config.py`` sets
``HTMLExporter.extra_template_basedirs`` to ``template_basedirs()``,
``HTMLExporter.template_file`` to ``TEMPLATE_FILE`` and ``HTMLExporter.filters`` to
``filters()``.
"""

import os

import nbgrader

from mlp_helpers.grading import html as grading_html

TEMPLATE = "feedback"  # the name nbgrader's generate_feedback gives the template it renders
TEMPLATE_FILE = "submission.html.j2"  # the page in the course's folder of each template
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
NBGRADER_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(nbgrader.__file__)),
                                  "server_extensions", "formgrader", "templates")


def template_basedirs():
    """Folders of templates by name: the course's first, then nbgrader's."""
    return [HERE, NBGRADER_TEMPLATES]


def filters():
    """The templates' filters the course adds or replaces (see ``grading_html``)."""
    return {"clean_html": grading_html.clean_html,
            "content_security_policy": grading_html.content_security_policy}
