"""``python -m mlp_helpers.checks``: the table of graded parts, for ``docs/diagnoses.md``."""

from mlp_helpers.checks.registry import table

print(table())
