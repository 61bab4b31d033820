"""Every view that accepts POST: how to fuzz it, or why there is nothing to fuzz.

A new POST view without a row here fails tests/fuzz/test_coverage.py.

Each entry names a persona allowed to use the form and the form classes whose fields it
posts. The object in the URL comes from the access matrix's own factory for that URL (the
same real objects the matrix uses) unless the entry gives one. `page` is where the form is
served when that is not the URL itself (POST-only views): its HTML gives the fields a form
adds at run time, their options and the values a browser would send unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import forms as auth_forms

from payments import forms as payment_forms
from roles import forms as role_forms
from roles.views.edit import RetireForm
from supervision import forms as supervision_forms
from supervision.incidents import forms as incident_forms
from tests.factories import PASSWORD
from workforce.accounts import forms as account_forms
from workforce.accounts import twofactor
from workforce.organisations import forms as organisation_forms
from workforce.register import forms as workforce_forms


@dataclass(frozen=True)
class Entry:
    persona: str | None  # None: signed out
    forms: tuple = ()  # form classes, or (form class, formset prefix)
    page: Callable | None = None  # ctx -> URL of the page that serves the form
    kwargs: Callable | None = None  # ctx -> URL kwargs; default: the access matrix's
    files: dict = field(default_factory=dict)  # field -> "upload" or "csv"
    query: str = ""  # appended to the URL (a choice made on an earlier step)
    prepare: Callable | None = None  # (client, ctx) -> URL, for flows with a set-up step
    ignored_tables: tuple = ()  # tables a refused submission may still write, and why
    hints: dict = field(default_factory=dict)  # field -> values known to be right (secrets)


def _same(url_name):
    """The form lives on another page of the same object (a POST-only action)."""
    from django.urls import reverse

    return lambda ctx: reverse(url_name, kwargs=ctx["kwargs"])


def _page(url_name):
    """The form lives on a list page with no object in its URL."""
    from django.urls import reverse

    return lambda ctx: reverse(url_name)


def _role_lists():
    return tuple((spec.form, spec.prefix) for spec in role_forms.LISTS)


def _reset_confirm(client, ctx):
    """A real reset link opened first, as Django wants: it puts the token in the session and
    sends the browser to .../set-password/, the URL the form posts to."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = ctx["personas"]["peer"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = client.get(reverse("password_reset_confirm", args=[uid, token]))
    assert response.status_code == 302, response.status_code
    return response.url


_NEW = "Another-long-passphrase-2026"
_SIGN_IN = {"username": ["peer", "lead", "outsider"], "password": [PASSWORD]}
_NEW_PASSWORD = {"new_password1": [_NEW], "new_password2": [_NEW]}

FUZZ: dict[str, Entry] = {
    # --- Signing in and account security
    "login": Entry(None, forms=(auth_forms.AuthenticationForm,), hints=_SIGN_IN),
    "password_change": Entry(
        "peer",
        forms=(account_forms.PasswordChangeForm,),
        hints={"old_password": [PASSWORD], **_NEW_PASSWORD},
    ),
    "password_reset": Entry(
        None, forms=(account_forms.PasswordResetForm,), hints={"email": ["peer@example.org"]}
    ),
    "password_reset_confirm": Entry(
        None, forms=(account_forms.SetPasswordForm,), prepare=_reset_confirm, hints=_NEW_PASSWORD
    ),
    # Peers need no second step, so may set one up; leads must, and already have one.
    # A wrong code counts towards django-otp's throttle on the device, on purpose.
    "two_factor_setup": Entry(
        "peer", forms=(twofactor.CodeForm,), ignored_tables=("otp_totp_totpdevice",)
    ),
    "two_factor_verify": Entry(
        "lead", forms=(twofactor.CodeForm,), ignored_tables=("otp_totp_totpdevice",)
    ),
    # Peer has no authenticator, so the password alone re-authenticates.
    "email_change": Entry(
        "peer", forms=(account_forms.EmailChangeForm,), hints={"password": [PASSWORD]}
    ),
    # A wrong code counts towards django-otp's throttle on the device, on purpose.
    "two_factor_manage": Entry(
        "lead",
        forms=(twofactor.ResetForm,),
        hints={"password": [PASSWORD]},
        ignored_tables=("otp_totp_totpdevice",),
    ),
    # --- The register
    "workforce:person_create": Entry("lead", forms=(workforce_forms.PersonForm,)),
    "workforce:person_edit": Entry("lead", forms=(workforce_forms.PersonForm,)),
    "workforce:person_leave": Entry("lead", forms=(workforce_forms.LeaveForm,)),
    "workforce:person_invite": Entry("lead", forms=(workforce_forms.InviteForm,)),
    "workforce:people_import": Entry(
        "lead", forms=(workforce_forms.ImportForm,), files={"file": "csv"}
    ),
    "workforce:wellbeing_edit": Entry("peer", forms=(workforce_forms.WellbeingPlanForm,)),
    "workforce:my_diversity": Entry("peer", forms=(workforce_forms.DiversityForm,)),
    "workforce:assignment_create": Entry("lead", forms=(workforce_forms.AssignmentForm,)),
    "workforce:assignment_change": Entry("lead", forms=(workforce_forms.AssignmentChangeForm,)),
    "workforce:assignment_end": Entry("lead", forms=(workforce_forms.AssignmentEndForm,)),
    "workforce:assignment_move": Entry("lead", forms=(workforce_forms.AssignmentMoveForm,)),
    "workforce:training_create": Entry("supervisor", forms=(workforce_forms.TrainingRecordForm,)),
    "workforce:capacities": Entry("admin", forms=(workforce_forms.CapacityGrantForm,)),
    "workforce:organisation_nation": Entry("admin", forms=(organisation_forms.NationForm,)),
    # --- Roles: the editor is one form and a formset per list
    "roles:create": Entry("lead", forms=(role_forms.RoleVersionForm, *_role_lists())),
    "roles:edit_draft": Entry("lead", forms=(role_forms.RoleVersionForm, *_role_lists())),
    "roles:retire": Entry("lead", forms=(RetireForm,)),
    # --- Supervision (the session was logged by peer: supervisor confirms or disputes)
    "supervision:log": Entry("peer", forms=(supervision_forms.SessionForm,)),
    "supervision:log_given": Entry("supervisor", forms=(supervision_forms.SessionForm,)),
    "supervision:dispute": Entry(
        "supervisor", forms=(supervision_forms.DisputeForm,), page=_same("supervision:session")
    ),
    "supervision:correct": Entry("peer", forms=(supervision_forms.CorrectForm,)),
    "supervision:action_add": Entry(
        "supervisor", forms=(supervision_forms.ActionForm,), page=_same("supervision:session")
    ),
    # Only `next` is read (where to go back to); fuzzed as the one field it is.
    "supervision:action_complete": Entry("supervisor"),
    # --- Payments
    "payments:claim_create": Entry("peer", forms=(payment_forms.ClaimForm,)),
    "payments:claim_edit": Entry("peer", forms=(payment_forms.ClaimForm,)),
    "payments:expense_add": Entry(
        "peer",
        forms=(payment_forms.ExpenseForm,),
        page=_same("payments:claim"),
        files={"receipt": "upload"},
    ),
    "payments:my_preferences": Entry("peer", forms=(payment_forms.PreferenceForm,)),
    "payments:claim_approve": Entry(
        "lead", forms=(payment_forms.ApproveForm,), page=_same("payments:claim")
    ),
    "payments:claim_reject": Entry(
        "lead", forms=(payment_forms.RejectForm,), page=_same("payments:claim")
    ),
    "payments:claim_adjust": Entry("lead", forms=(payment_forms.AdjustmentForm,)),
    "payments:activities": Entry("lead", forms=(payment_forms.ActivityForm,)),
    "payments:thresholds": Entry("lead", forms=(payment_forms.ThresholdForm,)),
    "payments:threshold_end": Entry(
        "lead", forms=(payment_forms.ThresholdEndForm,), page=_page("payments:thresholds")
    ),
    "payments:discussion_create": Entry(
        "lead", forms=(payment_forms.DiscussionForm,), page=_same("payments:person")
    ),
    "payments:person_preference": Entry(
        "lead", forms=(payment_forms.PreferenceForm,), page=_same("payments:person")
    ),
    "payments:batch_new": Entry(
        "finance", forms=(payment_forms.BatchForm, payment_forms.UnreferencedChoiceForm)
    ),
    "payments:batch_paid": Entry("finance", forms=(payment_forms.MarkPaidForm,)),
    "payments:claim_paid": Entry("finance", forms=(payment_forms.MarkPaidForm,)),
    "payments:rate_card_create": Entry(
        "finance",
        forms=(payment_forms.RateCardForm, (payment_forms.RateCardRowForm, "rows")),
    ),
    "payments:policy": Entry("finance", forms=(payment_forms.PaymentPolicyForm,)),
    # --- Boundary incidents
    "incidents:report": Entry(
        "supervisor", forms=(incident_forms.ChoosePersonForm, incident_forms.ReportForm)
    ),
    "incidents:policy": Entry("safeguarding", forms=(incident_forms.PolicyForm,)),
    "incidents:triage": Entry("supervisor", forms=(incident_forms.TriageForm,)),
    "incidents:escalate": Entry("supervisor", forms=(incident_forms.EscalateForm,)),
    "incidents:acknowledge": Entry("safeguarding", forms=(incident_forms.NoteForm,)),
    "incidents:referral": Entry("safeguarding", forms=(incident_forms.ReferralForm,)),
    "incidents:action_add": Entry("supervisor", forms=(incident_forms.ActionForm,)),
    "incidents:action_complete": Entry("supervisor", forms=(incident_forms.NoteForm,)),
    "incidents:review": Entry("supervisor", forms=(incident_forms.NoteForm,)),
    "incidents:close": Entry("supervisor", forms=(incident_forms.CloseForm,)),
    "incidents:correct": Entry("supervisor", forms=(incident_forms.CorrectionForm,)),
    "incidents:visibility": Entry("safeguarding", forms=(incident_forms.VisibilityForm,)),
    "incidents:leads_only": Entry("safeguarding", forms=(incident_forms.LeadsOnlyForm,)),
    "incidents:abuse_types": Entry("safeguarding", forms=(incident_forms.AbuseTypesForm,)),
    "incidents:personal": Entry("safeguarding", forms=(incident_forms.PersonalForm,)),
    "incidents:dbs": Entry("safeguarding", forms=(incident_forms.DbsForm,)),
}

# POST views with no input to fuzz: a bare button whose meaning is the URL itself. Each is
# covered for method and access by the access matrix and by its app's own tests.
EXCLUDED: dict[str, str] = {
    "logout": "a sign-out button: reads nothing from the body",
    "two_factor_cancel": "leaves the two-step page by signing out: reads nothing",
    "roles:new_draft": "starts a draft from the published version: reads nothing",
    "roles:publish": "the confirm button of the publish page: reads nothing",
    "roles:discard_draft": "the confirm button of the discard page: reads nothing",
    "supervision:confirm": "the other party's confirm button: reads nothing",
    "supervision:withdraw": "the logger's withdraw button: reads nothing",
    "payments:claim_submit": "the claimant's submit button: reads nothing",
    "payments:expense_remove": "the confirm button of the remove page: reads nothing",
    "workforce:capacity_end": "the end button beside one capacity: reads nothing",
}
