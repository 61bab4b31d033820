"""Rows of the access matrix for account settings (merged into tests/test_access_matrix.py).

Every signed-in person may change their own email address (nobody else's: the page only
ever acts on the signed-in login); anonymous visitors are sent to sign in.
"""

from tests.matrix import row

ACCOUNTS_MATRIX = {
    "email_change": (row(200), None),
}
