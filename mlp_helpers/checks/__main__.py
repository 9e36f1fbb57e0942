"""``python -m mlp_helpers.checks``: the table of graded parts, made from their records.

``scripts/sync_parts.py`` (run by ``make release``) writes the same table into
``docs/diagnoses.md``.
"""

from mlp_helpers.checks.registry import table

print(table())
