"""Account settings a signed-in person manages themselves (mounted under /accounts/)."""

from django.urls import path

from workforce.views import account

urlpatterns = [
    path("email/", account.email_change, name="email_change"),
]
