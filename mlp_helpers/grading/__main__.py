"""``python -m mlp_helpers.grading NOTEBOOK``: grade one notebook (``course.main``)."""

from mlp_helpers.grading.course import main

main()
