"""Account settings a signed-in person manages themselves (mounted under /accounts/)."""

from django.urls import path  # noqa: F401

urlpatterns = []
