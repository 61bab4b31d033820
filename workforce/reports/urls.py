from django.urls import path

from workforce.reports import registry, views

app_name = "reports"

urlpatterns = [path("", views.index, name="index")]
for _report in registry.REPORTS:
    urlpatterns += [
        path(f"{_report.slug}/", views.page_view(_report.slug), name=_report.slug),
        path(f"{_report.slug}.csv", views.csv_view(_report.slug), name=f"{_report.slug}_csv"),
    ]
