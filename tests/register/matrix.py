"""The workforce register's rows of the access matrix (merged into tests/test_access_matrix.py).

The object rows are about `peer`, who is supervised by `supervisor` through a current
assignment: so peer sees themselves, supervisor sees their supervisee, peer2 does not, and
the outsider (a lead in another organisation) gets 404, never 403.
"""

from tests.factories import make_peer_assignment
from tests.matrix import row


def _peer(f):
    return {"pk": make_peer_assignment(f["fixture"]).person_id}


def _peer_membership(f):
    from workforce.models import Membership

    peer = f["fixture"]("peer")
    return {"pk": f["org"].pk, "membership_pk": Membership.objects.filter(user=peer).first().pk}


def _assignment(f):
    return {"pk": make_peer_assignment(f["fixture"]).pk}


# Leads and admins write the register; an outsider leads elsewhere, so capacity-wise they
# pass and then find no such person (404). Everyone else lacks the capacity (403).
_WRITER_PAGE = row(403, lead=200, admin=200, outsider=200)
_WRITER_OBJECT = row(403, lead=200, admin=200, outsider=404)

WORKFORCE_MATRIX = {
    # Everyone has the list; it shows each only whom they may see (peer: themselves).
    "workforce:people": (row(200), None),
    "workforce:people_export": (row(200), None),
    "workforce:person_create": (_WRITER_PAGE, None),
    "workforce:people_import": (_WRITER_PAGE, None),
    "workforce:people_template": (_WRITER_PAGE, None),
    # Finance sees the payee part of the page; peer2 and the outsider see nothing.
    "workforce:person": (row(200, peer2=404, outsider=404), _peer),
    "workforce:person_edit": (_WRITER_OBJECT, _peer),
    "workforce:person_leave": (_WRITER_OBJECT, _peer),
    "workforce:person_invite": (_WRITER_OBJECT, _peer),
    "workforce:assignment_create": (_WRITER_OBJECT, _peer),
    "workforce:assignment_change": (_WRITER_OBJECT, _assignment),
    "workforce:assignment_end": (_WRITER_OBJECT, _assignment),
    "workforce:assignment_move": (_WRITER_OBJECT, _assignment),
    # The person, their supervisor and co-production leads: not safeguarding, finance or
    # even administrators.
    "workforce:wellbeing": (row(404, lead=200, supervisor=200, peer=200), _peer),
    "workforce:wellbeing_edit": (row(404, lead=200, supervisor=200, peer=200), _peer),
    # Supervisors and register writers record training.
    "workforce:training_create": (row(404, lead=200, supervisor=200, admin=200), _peer),
    "workforce:training": (row(200), None),
    "workforce:my_profile": (row(302), None),
    # Only ever one's own answers.
    "workforce:my_diversity": (row(200), None),
    "workforce:diversity_report": (_WRITER_PAGE, None),
    # Capacities change only on this page, by the organisation's administrators.
    "workforce:capacities": (row(403, admin=200), lambda f: {"pk": f["org"].pk}),
    "workforce:capacity_end": (row(405, anon=405), _peer_membership),
    # The nation it works in: its administrators, like capacities.
    "workforce:organisation_nation": (row(403, admin=200), lambda f: {"pk": f["org"].pk}),
}
