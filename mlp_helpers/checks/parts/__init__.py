"""What the course knows about each graded part.

Its fixtures, reference, hypotheses (the
named mistakes) and, for free-form parts, the diagnoser.
"""
