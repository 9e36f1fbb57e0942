"""What the lectures use.

The learners' code and its replays (``learners``, ``replays``), the catalogue of their bugs
(``bugs``), diagnostics, tuning, figures (``plots``) and playgrounds (``widgets``).
"""
