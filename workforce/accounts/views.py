"""Account settings a signed-in person changes for themselves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from workforce.accounts import twofactor
from workforce.accounts.forms import MAX_REAUTH_FAILURES, EmailChangeForm
from workforce.platform.forms import form_error
from workforce.register.services import WorkforceError
from workforce.register.services.logins import login_email_change

FAILURES = "_wf_reauth_failures"


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request):
    device = twofactor.confirmed_device(request.user)
    form = EmailChangeForm(request.POST or None, user=request.user, device=device)
    if request.method == "POST":
        if form.is_valid():
            request.session.pop(FAILURES, None)
            try:
                login_email_change(user=request.user, new_email=form.cleaned_data["new_email"])
            except WorkforceError as error:
                form_error(form, error)
            else:
                messages.success(
                    request,
                    "Your email address is changed. We have told your old address, in case it "
                    "was not you.",
                )
                return redirect("email_change")
        elif form.password_failed:
            failures = request.session.get(FAILURES, 0) + 1
            request.session[FAILURES] = failures
            if failures >= MAX_REAUTH_FAILURES:
                logout(request)
                messages.error(
                    request,
                    "You were signed out because the password was wrong too many times. "
                    "Sign in again to continue.",
                )
                return redirect("login")
    return render(
        request,
        "registration/email_change_form.html",
        {"form": form, "current_email": request.user.email, "has_device": device is not None},
    )
