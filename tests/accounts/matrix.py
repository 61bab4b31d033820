"""Rows of the access matrix for account settings (merged into tests/test_access_matrix.py)."""

ACCOUNTS_MATRIX = {}
