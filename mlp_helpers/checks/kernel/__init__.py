"""The link to a student's kernel.

The student's function called where it lives, the arguments and
answers carried as data, and the package's edition the kernel imports while graded.
"""
