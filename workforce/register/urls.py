"""The register's pages (people, assignments, training, wellbeing, diversity), included
into the `workforce` namespace by workforce/urls.py."""

from django.urls import path

from workforce.register import views

urlpatterns = [
    path("people/", views.person_list, name="people"),
    path("people/export.csv", views.people_export, name="people_export"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/import/", views.people_import, name="people_import"),
    path("people/import/template.csv", views.people_import_template, name="people_template"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/leave/", views.person_leave, name="person_leave"),
    path("people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/wellbeing/", views.wellbeing, name="wellbeing"),
    path("people/<int:pk>/wellbeing/edit/", views.wellbeing_edit, name="wellbeing_edit"),
    path("people/<int:pk>/assign/", views.assignment_create, name="assignment_create"),
    path("people/<int:pk>/training/new/", views.training_create, name="training_create"),
    path("assignments/<int:pk>/change/", views.assignment_change, name="assignment_change"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("assignments/<int:pk>/move/", views.assignment_move, name="assignment_move"),
    path("training/", views.training_list, name="training"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/diversity/", views.my_diversity, name="my_diversity"),
    path("diversity/", views.diversity_report, name="diversity_report"),
]
