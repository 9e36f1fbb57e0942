"""The graders' checks: one ``check_<function>`` per graded function, and ``diagnose``.

Importing this package registers every diagnoser. Test cells in the assignments are one-liners
such as ``checks.check_hidden_delta(hidden_delta)``.
"""

from mlp_helpers.checks._core import CODES, CheckFailed, Diagnosis, check, diagnose

__all__ = ["CODES", "CheckFailed", "Diagnosis", "check", "diagnose"]
