"""Benchmarks of the course: training speed against PyTorch, grading overhead, course run time.

Each module runs as a script (``python -m benchmarks.<name>``), prints its figures and writes
them to ``benchmarks/results/<name>.json``. They are measurements, not tests.
"""
