"""Rows of the access matrix for the audit pages (merged into tests/test_access_matrix.py)."""

HISTORY_MATRIX = {}
