"""The engine of every check.

A part's ``Spec`` run on its fixtures, the student's code called under
guards, values compared, the mistake found named.
"""
