from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("supervisees/", views.supervisees, name="supervisees"),
    path("log/", views.log, name="log"),
    path("log/given/", views.log_given, name="log_given"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("sessions/<int:pk>/dispute/", views.dispute, name="dispute"),
    path("sessions/<int:pk>/correct/", views.correct, name="correct"),
    path("sessions/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("sessions/<int:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<int:pk>/done/", views.action_complete, name="action_complete"),
    path("people/<int:pk>/record/", views.record, name="record"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/teams/<int:pk>/", views.team_compliance, name="team_compliance"),
    path(
        "compliance/organisations/<int:pk>/export.csv",
        views.compliance_export,
        name="compliance_export",
    ),
]
