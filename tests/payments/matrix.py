"""Payments rows of the access matrix (merged in tests/test_access_matrix.py).

Pages are refused (403) to capacities that never use them, and objects another person or
organisation owns are not found (404). POST-only actions answer a GET with 405 once the
capacity check has passed. The claims are peer's, in this organisation.
"""

from tests.matrix import row


def _pk(fixture_name):
    return lambda f: {"pk": f["fixture"](fixture_name).pk}


def _person(f):
    return {"pk": f["fixture"]("personas")["peer"].person.pk}


def _download(f):
    return {"pk": f["fixture"]("batch").pk, "fmt": "csv"}


CLAIMANT = row(peer=200, peer2=200)
CLAIMANT_POST = row(peer=405, peer2=405)
OWN_DRAFT = row(peer=200, peer2=404)
# Leads and admins; the outsider leads elsewhere, so passes the capacity check.
LEAD_PAGE = row(lead=200, admin=200, outsider=200)
LEAD_POST = row(lead=405, admin=405, outsider=405)
LEAD_OBJECT = row(lead=200, admin=200, outsider=404)
FINANCE_PAGE = row(finance=200, admin=200)

PAYMENTS_MATRIX = {
    "payments:my_claims": (CLAIMANT, None),
    "payments:claim_create": (CLAIMANT, None),
    "payments:tier_suggestion": (CLAIMANT, None),
    "payments:my_preferences": (CLAIMANT, None),
    "payments:claim_edit": (OWN_DRAFT, _pk("draft_claim")),
    "payments:claim_submit": (CLAIMANT_POST, _pk("draft_claim")),
    "payments:expense_add": (CLAIMANT_POST, _pk("draft_claim")),
    "payments:expense_remove": (OWN_DRAFT, _pk("receipt_line")),
    # An approved claim: its claimant, the leads and finance of its organisation.
    "payments:claim": (
        row(peer=200, peer2=404, lead=200, finance=200, admin=200, outsider=404),
        _pk("approved_claim"),
    ),
    # A receipt on a draft: only the claimant (drafts are theirs alone).
    "payments:receipt": (
        row(peer=200, peer2=404, lead=404, finance=404, admin=404, outsider=404),
        _pk("receipt_line"),
    ),
    "payments:approvals": (LEAD_PAGE, None),
    "payments:claim_approve": (LEAD_POST, _pk("submitted_claim")),
    "payments:claim_reject": (LEAD_POST, _pk("submitted_claim")),
    "payments:claim_adjust": (LEAD_OBJECT, _pk("exported_claim")),
    "payments:activities": (LEAD_PAGE, None),
    "payments:thresholds": (LEAD_PAGE, None),
    "payments:threshold_end": (LEAD_POST, _pk("threshold")),
    "payments:person": (LEAD_OBJECT, _person),
    "payments:discussion_create": (LEAD_POST, _person),
    "payments:person_preference": (LEAD_POST, _person),
    "payments:batches": (FINANCE_PAGE, None),
    "payments:batch_new": (FINANCE_PAGE, None),
    "payments:batch": (FINANCE_PAGE, _pk("batch")),
    "payments:batch_download": (FINANCE_PAGE, _download),
    "payments:batch_paid": (FINANCE_PAGE, _pk("batch")),
    "payments:claim_paid": (FINANCE_PAGE, _pk("exported_claim")),
    "payments:totals": (row(lead=200, finance=200, admin=200, outsider=200), None),
    "payments:rate_cards": (
        row(peer=200, peer2=200, lead=200, finance=200, admin=200, outsider=200),
        None,
    ),
    "payments:rate_card_create": (FINANCE_PAGE, None),
    # The organisation's payments policy: its finance and administrators (another
    # organisation's finance gets 404: tests/payments/test_payment_policy.py).
    "payments:policy": (FINANCE_PAGE, lambda f: {"pk": f["org"].pk}),
}
