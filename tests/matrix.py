"""The access matrices' shared vocabulary: who is asked (the personas of tests/conftest.py
and an anonymous visitor) and how an expected row is written. The GET matrix
(tests/test_access_matrix.py), the POST matrix (tests/test_write_matrix.py) and each app's
rows (tests/<app>/matrix.py) all build their rows here, so a new persona is added once."""

ANON = "anonymous"
PERSONAS = ["lead", "supervisor", "peer", "peer2", "safeguarding", "finance", "admin", "outsider"]


def row(default=403, anon=302, **overrides) -> dict:
    """{persona: expected answer}: `default` for every persona, `anon` for an anonymous
    visitor (302: sent to sign in), then the named exceptions."""
    expected = dict.fromkeys(PERSONAS, default)
    expected[ANON] = anon
    expected.update(overrides)
    return expected


def allowed(*personas: str, status=200, refused=403, anon=302) -> dict:
    """`status` for the named personas, `refused` for everyone else."""
    return row(refused, anon, **dict.fromkeys(personas, status))
