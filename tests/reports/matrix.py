"""Reports rows of the access matrix (merged in tests/test_access_matrix.py).

Each report is for the capacities DOMAIN.md's "Who may do what" lets see its figures:
presence, supervision and diversity for co-production leads and administrators; incidents
for co-production and safeguarding leads (never finance or administrators); payments for
leads, administrators and finance. Others are refused (403). The outsider leads another
organisation, so opens the reports, which then show only that organisation (the scoping
tests in this folder prove it).
"""

ANON = "anonymous"
PERSONAS = ["lead", "supervisor", "peer", "peer2", "safeguarding", "finance", "admin", "outsider"]


def _row(*allowed: str) -> dict:
    row = {who: 200 if who in allowed else 403 for who in PERSONAS}
    row[ANON] = 302
    return row


_LEADS = ("lead", "admin", "outsider")
_BY_REPORT = {
    "presence": _row(*_LEADS),
    "supervision": _row(*_LEADS),
    "incidents": _row("lead", "safeguarding", "outsider"),
    "payments": _row(*_LEADS, "finance"),
    "diversity": _row(*_LEADS),
    # Who can see what: for those who manage logins (leads and administrators).
    "access-review": _row(*_LEADS),
}

REPORTS_MATRIX = {"reports:index": (_row(*_LEADS, "safeguarding", "finance"), None)}
for _slug, _expected in _BY_REPORT.items():
    REPORTS_MATRIX[f"reports:{_slug}"] = (_expected, None)
    REPORTS_MATRIX[f"reports:{_slug}_csv"] = (_expected, None)
