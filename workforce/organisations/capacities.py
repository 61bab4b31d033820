"""Every group of capacities the app's rules use, named once.

A capacity is what a login may do in one organisation (Membership). Rules, pages, services
and the menu ask "does this user hold one of these here?"; the groups they ask about are
defined here and nowhere else, so a group changes in one place and a newcomer can read who
may do what on one page. A rule that needs a single capacity names it directly.
"""

from workforce.organisations.models import Capacity as C

# Co-production leads and administrators: they run an organisation's register, roles and
# reports, approve claims, and see supervision and incident metadata.
LEADS_AND_ADMINS = (C.COPRODUCTION_LEAD, C.ADMIN)

# Everyone in the organisation's register, seen whole (not finance, who see payees only).
ORGANISATION_WIDE = (C.COPRODUCTION_LEAD, C.SAFEGUARDING_LEAD, C.ADMIN)

# Finance and administrators: payment batches, rate cards and the payments policy.
FINANCE_AND_ADMINS = (C.FINANCE, C.ADMIN)

# Logins that must use two-step sign-in: they can see or change other people's records.
TWO_STEP_REQUIRED = (C.COPRODUCTION_LEAD, C.SAFEGUARDING_LEAD, C.FINANCE, C.ADMIN)

# Supervision: who supervises (and may record a session), and who is supervised.
SUPERVISING = (C.SUPERVISOR, C.COPRODUCTION_LEAD)
SUPERVISED = (C.PEER_WORKER, C.SUPERVISOR, C.COPRODUCTION_LEAD)

# Boundary incidents: never finance or administrators, who see the audit trail only.
INCIDENT_USERS = (C.PEER_WORKER, C.SUPERVISOR, C.COPRODUCTION_LEAD, C.SAFEGUARDING_LEAD)
INCIDENT_LEADS = (C.COPRODUCTION_LEAD, C.SAFEGUARDING_LEAD)
TRIAGERS = (C.SUPERVISOR, C.COPRODUCTION_LEAD, C.SAFEGUARDING_LEAD)

# Payments: who claims, who reads claims and rate cards, who reads the totals.
CLAIMANTS = (C.PEER_WORKER,)
CLAIM_READERS = (C.PEER_WORKER, C.COPRODUCTION_LEAD, C.FINANCE, C.ADMIN)
TOTALS_READERS = (C.COPRODUCTION_LEAD, C.FINANCE, C.ADMIN)

# The audit page: administrators.
AUDITORS = (C.ADMIN,)

# Who may open the people list (peers see only themselves, from "My profile").
PEOPLE_LIST_READERS = (
    C.SUPERVISOR,
    C.COPRODUCTION_LEAD,
    C.SAFEGUARDING_LEAD,
    C.FINANCE,
    C.ADMIN,
)
# The training list: supervisors (their supervisees), leads and administrators.
TRAINING_READERS = (C.SUPERVISOR, C.COPRODUCTION_LEAD, C.ADMIN)
# The reports: leads and administrators; safeguarding leads (incidents) and finance
# (payments) each have the one report their capacity allows.
REPORT_READERS = (C.COPRODUCTION_LEAD, C.ADMIN, C.SAFEGUARDING_LEAD, C.FINANCE)
# Their own profile page in the menu: the lived experience workforce and their supervisors.
OWN_PROFILE = (C.PEER_WORKER, C.SUPERVISOR)
