"""What the assignments give students to work on.

The broken runs to diagnose and the networks the sanity report examines.
"""
