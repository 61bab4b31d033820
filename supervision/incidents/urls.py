from django.urls import path

from supervision.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("report/", views.report, name="report"),
    path("mine/", views.my_reports, name="mine"),
    path("triage/", views.triage_queue, name="triage_queue"),
    path("escalations/", views.escalations, name="escalations"),
    path("people/<int:pk>/", views.person_chronology, name="person"),
    path("deadlines/<int:pk>/", views.policy, name="policy"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/triage/", views.triage, name="triage"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/referral/", views.referral, name="referral"),
    path("<int:pk>/actions/add/", views.action_add, name="action_add"),
    path(
        "<int:pk>/actions/<int:action_pk>/complete/",
        views.action_complete,
        name="action_complete",
    ),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/visibility/", views.visibility, name="visibility"),
    path("<int:pk>/leads-only/", views.leads_only, name="leads_only"),
    path("<int:pk>/abuse-types/", views.abuse_types, name="abuse_types"),
    path("<int:pk>/personal/", views.personal, name="personal"),
    path("<int:pk>/dbs/", views.dbs, name="dbs"),
]
