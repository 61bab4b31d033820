"""Account settings a signed-in person manages themselves (mounted under /accounts/).

Django's own password views, given forms that record and announce the change and limit
reset emails; these come before django.contrib.auth.urls, so they answer those paths.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from workforce.accounts import forms as account_forms
from workforce.accounts import views as account

urlpatterns = [
    path("email/", account.email_change, name="email_change"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=account_forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=account_forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=account_forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
]
