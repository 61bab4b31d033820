from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from workforce.accounts import twofactor
from workforce.organisations import views as organisations
from workforce.register import views
from workforce.reports import views as report_views

app_patterns = (
    [
        path("organisations/", organisations.organisation_list, name="organisations"),
        path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation"),
        path("organisations/<int:pk>/capacities/", views.capacities, name="capacities"),
        path(
            "organisations/<int:pk>/nation/",
            organisations.organisation_nation,
            name="organisation_nation",
        ),
        path(
            "organisations/<int:pk>/capacities/<int:membership_pk>/end/",
            views.capacity_end,
            name="capacity_end",
        ),
        path("", include("workforce.register.urls")),
    ],
    "workforce",
)

urlpatterns = [
    path("", report_views.home, name="home"),
    path("", include(app_patterns)),
    path("roles/", include("roles.urls")),
    path("supervision/", include("supervision.urls")),
    path("payments/", include("payments.urls")),
    path("incidents/", include("supervision.incidents.urls")),
    path("reports/", include("workforce.reports.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/two-factor/", twofactor.manage, name="two_factor_manage"),
    path("accounts/two-factor/setup/", twofactor.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", twofactor.verify, name="two_factor_verify"),
    path("accounts/two-factor/cancel/", twofactor.cancel, name="two_factor_cancel"),
    path("accounts/", include("workforce.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("audit/", include("workforce.history.urls")),
    path("admin/", admin.site.urls),
]
