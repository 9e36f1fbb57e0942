# nbgrader configuration of the course. The course root is the folder holding this file, so a
# copy of it (with source/) in any other folder is a complete course: the tests do exactly that.
# `source/` holds the instructor notebooks (solutions and hidden tests); `release/` is generated
# from it with `make release`; `submitted/`, `autograded/`, `feedback/`, the gradebook and the
# exchange are created by nbgrader and are not committed.
import os

# Without the course's plug-ins nbgrader would grade on its own: student code unsandboxed, test
# cells (hidden tests included) run in the student's kernel and trusted. nbgrader logs an
# error in a config file and goes on without it, so a plug-in that does not load stops here:
# SystemExit is not an error nbgrader catches.
try:
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        Execute,
        GetGrades,
        OverwriteCells,
    )

    from mlp_helpers.grading import feedback_page
    from mlp_helpers.grading.cells import (
        RepairCellMetadata,
        RestoringOverwriteCells,
        SchemaOnceCheckCellMetadata,
    )
    from mlp_helpers.grading.collect import OwnedCollect
    from mlp_helpers.grading.execute import KernelRestartingExecute
    from mlp_helpers.grading.logs import grading_log
    from mlp_helpers.grading.notebooks import HideTestTracebacks
    from mlp_helpers.grading.ungradable import CheckedNotebookExporter
except Exception as error:
    raise SystemExit(f"Grading refused: the course's nbgrader_config.py could not load its "
                     f"grading plug-ins ({type(error).__name__}: {error}). Reinstall the course "
                     "(`make env`, or `pip install -e .` in its folder) and try again.") from error

c = get_config()  # noqa: F821 (defined by nbgrader when it loads this file)
# The grading log shows errors and scores (mlp_helpers/grading/logs.py): nbgrader's harmless
# "checksum has changed" at debug level, every other warning still shown, one line per student
# with their points and failed parts, no HTTP access lines.
grading_log()
root = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = root
c.CourseDirectory.course_id = "backprop-from-scratch"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(root, "gradebook.db")
# JupyterLab's copies of open notebooks (.ipynb_checkpoints) are never released, collected or
# graded: nbgrader's default, which a student's `submit` applies too, kept here on purpose.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# The exchange (release_assignment / fetch / submit): the folder in BACKPROP_EXCHANGE when it is
# set (on the hub, a shared folder outside the course: docs/hub.md), otherwise `.exchange` in the
# course folder, for one person on one machine. nbgrader wants it to exist already, and
# formgrader warns when it is missing, so it is created here.
c.Exchange.root = os.environ.get("BACKPROP_EXCHANGE") or os.path.join(root, ".exchange")
os.makedirs(c.Exchange.root, exist_ok=True)
# Every student can write into the exchange's inbound/: collect takes from it only what the
# student it is named for made, with no links (mlp_helpers/grading/collect.py says why).
c.ExchangeFactory.collect = OwnedCollect

# The kernels that grade inherit this environment. Their matrix products are small, and BLAS
# threads then only contend with each other and with other work on the machine: one thread per
# kernel grades about ten times faster on a busy machine.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

# Grading one notebook takes a few seconds (training runs shrink under NBGRADER_EXECUTION);
# a cell that runs longer than this is stopped and costs only that cell.
c.Execute.timeout = 60
# A kernel may take long to start when a machine grades many notebooks at once.
c.Execute.startup_timeout = 120
# A notebook that runs longer than this in all (an honest one takes 2 to 10 s, a minute on a
# machine grading many at once) is stopped there: its remaining cells score nothing, and the
# class waits no longer for it.
c.KernelRestartingExecute.notebook_timeout = 300
# Every grading kernel runs in a sandbox (bubblewrap; docs/instructor-guide.md): it sees the
# system, the course's Python environment and its own folder, no network, none of source/, the
# gradebook, the exchange or other students' work. Grading refuses to start where bubblewrap
# is missing, unless this is False: then student code runs as you, with no isolation at all.
c.Sandbox.enabled = True
# Limits per grading kernel, far above what the honest notebooks use (measured: 03_mnist
# reserves about 1 GiB of virtual memory and runs 11 threads).
c.Sandbox.address_space_mb = 3072
c.Sandbox.file_size_mb = 64
c.Sandbox.tmp_size_mb = 256
c.Sandbox.processes = 128
# A cell that kills its kernel (os._exit, a crash, the memory running out) or will not stop at
# its time limit costs that cell and what depends on it, not the whole submission: the kernel is
# restarted and grading goes on. The same class runs each kernel in the sandbox. nbgrader's
# check of the cells' metadata runs as it is, its schema compiled once, not at every cell.
c.Autograde.autograde_preprocessors = [
    KernelRestartingExecute if preprocessor is Execute
    else SchemaOnceCheckCellMetadata if preprocessor is CheckCellMetadata else preprocessor
    for preprocessor in Autograde.class_traits()["autograde_preprocessors"].default()
]

# A test cell the student deleted is put back and run, with a comment saying so: deleting a
# test neither earns nor silently loses its points. (An edited test cell is always restored.)
# Broken cell metadata (an old schema, a pasted copy of a graded cell, a renamed grade_id)
# costs only that student what depends on it, never the submission or the rest of the class.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [RepairCellMetadata] + [
    RestoringOverwriteCells if preprocessor is OverwriteCells
    else SchemaOnceCheckCellMetadata if preprocessor is CheckCellMetadata else preprocessor
    for preprocessor in Autograde.class_traits()["sanitize_preprocessors"].default()
]

# Feedback never shows hidden tests: their lines are removed from the test cells, and a failed
# test cell shows the error's one-line message instead of a traceback that would quote them.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    ClearHiddenTests,
    HideTestTracebacks,
    CSSHTMLHeaderPreprocessor,
]
# Feedback pages typeset their maths with the MathJax of the Jupyter server that shows them, not
# a CDN's: they read offline (mlp_helpers/grading/feedback_page.py). nbgrader names the template
# itself (`feedback` for feedback pages, `formgrade` in the formgrader); the course's
# templates of both are found first.
c.HTMLExporter.extra_template_basedirs = feedback_page.template_basedirs()

# One malformed or oversized submission costs only its student.
# A submission that is not a regular file, is too large or has too many cells, or has cell ids
# or nbgrader metadata that no editor writes (a newer schema, values of the wrong type), is not
# read or run: it scores 0, and the student's feedback and the log say why. nbgrader alone
# stops the whole class at a newer schema and waits forever on a pipe.
c.Autograde.exporter_class = CheckedNotebookExporter
# What one notebook may cost the grader, far above what the honest notebooks use (measured:
# 47 kB of output in a cell, 48 kB in a notebook, replies of 72 kB, files of 71 kB, 26 cells).
# Past a bound, output is dropped as it arrives with a line saying so, the judge stops asking
# a kernel that floods it, and a notebook too large to read scores 0 (help:
# mlp_helpers/grading/limits.py).
c.GradingLimits.message_mb = 16
c.GradingLimits.cell_output_mb = 1
c.GradingLimits.notebook_output_mb = 4
c.GradingLimits.stray_messages = 10000
c.GradingLimits.stray_mb = 64
c.GradingLimits.iopub_messages = 32
c.GradingLimits.notebook_file_mb = 8
c.GradingLimits.cells = 1000

# Pages made of a submission run no script from it.
# The formgrader's page of a submission and every feedback page show the student's Markdown
# and outputs without anything that runs or loads, and allow no script but their own
# (mlp_helpers/grading/html.py): a written answer's <img onerror> once graded its author full
# marks and a classmate 0 through the formgrader's API, in the instructor's browser.
# sanitize_html also leaves JavaScript and widget outputs out of the page.
c.HTMLExporter.sanitize_html = True
c.HTMLExporter.filters = feedback_page.filters()
c.HTMLExporter.template_file = feedback_page.TEMPLATE_FILE
