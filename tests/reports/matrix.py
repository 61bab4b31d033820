"""Reports rows of the access matrix (merged in tests/test_access_matrix.py).

Each report is for the capacities DOMAIN.md's "Who may do what" lets see its figures:
presence, supervision and diversity for co-production leads and administrators; incidents
for co-production and safeguarding leads (never finance or administrators); payments for
leads, administrators and finance. Others are refused (403). The outsider leads another
organisation, so opens the reports, which then show only that organisation (the scoping
tests in this folder prove it).
"""

from tests.matrix import allowed

_LEADS = ("lead", "admin", "outsider")
_BY_REPORT = {
    "presence": allowed(*_LEADS),
    "supervision": allowed(*_LEADS),
    "incidents": allowed("lead", "safeguarding", "outsider"),
    "payments": allowed(*_LEADS, "finance"),
    "diversity": allowed(*_LEADS),
    # Who can see what: for those who manage logins (leads and administrators).
    "access-review": allowed(*_LEADS),
}

REPORTS_MATRIX = {"reports:index": (allowed(*_LEADS, "safeguarding", "finance"), None)}
for _slug, _expected in _BY_REPORT.items():
    REPORTS_MATRIX[f"reports:{_slug}"] = (_expected, None)
    REPORTS_MATRIX[f"reports:{_slug}_csv"] = (_expected, None)
