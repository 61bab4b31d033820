"""The GET parameters each view reads, for tests/fuzz/test_get_params.py.

The fuzzer also finds parameters on the page itself (the fields of its GET forms and the
query strings of its links back to itself), and always sends `page` and a name nobody reads.
This list names what a page does not show: a parameter read by code but never offered in a
form or link (an organisation chosen on an earlier page, `next`, a comparison's versions).
A view whose code reads `request.GET` without a row here fails
test_every_view_reading_get_is_listed.

Values are parameter names or form classes (all the form's fields, with their kinds).
"""

from __future__ import annotations

from payments.forms import BatchForm, ClaimForm
from supervision.forms import RecordRangeForm, SessionFilterForm
from supervision.incidents.forms import FilterForm, FindPersonForm
from workforce.history.forms import AuditFilterForm
from workforce.register.forms import PeopleFilterForm

_REPORT = ("start", "end", "organisation", "team", "family")

GET_PARAMS: dict[str, tuple] = {
    "workforce:people": (PeopleFilterForm, "page"),
    "workforce:people_export": (PeopleFilterForm,),
    "workforce:training": ("show", "page"),
    "workforce:diversity_report": ("organisation",),
    "roles:list": ("family", "status", "sort", "q", "organisation", "page"),
    "roles:create": ("organisation",),
    "roles:diff": ("from", "to"),
    "supervision:mine": ("page",),
    "supervision:supervisees": ("page",),
    "supervision:sessions": (SessionFilterForm, "sort", "page"),
    "supervision:record": (RecordRangeForm,),
    "supervision:team_compliance": ("status", "page"),
    "payments:my_claims": ("state", "page"),
    "payments:tier_suggestion": (ClaimForm,),
    "payments:approvals": ("team", "page"),
    "payments:batch_new": (BatchForm,),
    "payments:batch": ("page",),
    "payments:totals": ("year",),
    "incidents:list": (FilterForm, "page"),
    "incidents:report": (FindPersonForm, "person"),
    "two_factor_setup": ("next",),
    "two_factor_verify": ("next",),
    "history:audit": (AuditFilterForm, "page"),
    "history:audit_export": (AuditFilterForm,),
    **{
        f"reports:{slug}{suffix}": _REPORT
        for slug in ("presence", "supervision", "incidents", "payments", "diversity")
        for suffix in ("", "_csv")
    },
    "reports:access-review": _REPORT,
    "reports:access-review_csv": _REPORT,
}

# GET answers nothing here worth fuzzing.
SKIPPED = {
    "logout": "POST only; a GET is refused (405) before anything is read",
}
