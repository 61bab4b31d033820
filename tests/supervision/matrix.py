"""Supervision rows of the access matrix (merged into tests/test_access_matrix.py with
MATRIX.update(SUPERVISION_MATRIX)).

From the spec's table: peers log and confirm their own, supervisors their supervisees',
co-production leads and admins see metadata, safeguarding and finance see nothing. Pages
are refused (403) to capacities that never use them; sessions and people someone may not
see are not found (404), never forbidden. The session is one `peer` logged with
`supervisor` (peer2 is supervised by `supervisor` too, but was not in it).
"""

from tests import factories
from tests.matrix import row


def _with(builder):
    return lambda f: builder(f["fixture"])


# Supervised people: peer workers, supervisors and leads (the outsider leads elsewhere).
_SUPERVISED = row(200, safeguarding=403, finance=403, admin=403)
_SUPERVISING = row(403, lead=200, supervisor=200, outsider=200)
_METADATA = row(403, lead=200, admin=200, outsider=200)
_METADATA_OBJECT = row(403, lead=200, admin=200, outsider=404)
# POST only: a GET changes nothing, for anyone.
_POST_ONLY = row(405, anon=405)

SUPERVISION_MATRIX = {
    "supervision:mine": (_SUPERVISED, None),
    "supervision:log": (_SUPERVISED, None),
    "supervision:supervisees": (_SUPERVISING, None),
    "supervision:log_given": (_SUPERVISING, None),
    "supervision:sessions": (row(200, safeguarding=403, finance=403), None),
    # The parties, and leads and admins (metadata only); nobody else knows it exists.
    "supervision:session": (
        row(404, lead=200, supervisor=200, peer=200, admin=200),
        _with(factories.matrix_session),
    ),
    "supervision:confirm": (_POST_ONLY, _with(factories.matrix_session)),
    "supervision:dispute": (_POST_ONLY, _with(factories.matrix_session)),
    # Peer logged it: only they may correct it.
    "supervision:correct": (row(404, peer=200), _with(factories.matrix_session)),
    "supervision:withdraw": (_POST_ONLY, _with(factories.matrix_session)),
    "supervision:action_add": (_POST_ONLY, _with(factories.matrix_session)),
    "supervision:action_complete": (_POST_ONLY, _with(factories.matrix_action)),
    # Peer's own record: peer, their supervisor, leads and admins.
    "supervision:record": (
        row(404, lead=200, supervisor=200, peer=200, admin=200),
        _with(factories.matrix_person),
    ),
    "supervision:compliance": (_METADATA, None),
    "supervision:team_compliance": (_METADATA_OBJECT, _with(factories.matrix_team)),
    "supervision:compliance_export": (_METADATA_OBJECT, _with(factories.matrix_organisation)),
}
