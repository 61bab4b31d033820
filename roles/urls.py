from django.urls import path

from roles import views

app_name = "roles"

urlpatterns = [
    path("", views.role_list, name="list"),
    path("new/", views.role_create, name="create"),
    path("<int:pk>/", views.role_detail, name="detail"),
    path("<int:pk>/history/", views.role_history, name="history"),
    path("<int:pk>/compare/", views.role_diff, name="diff"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/versions/<int:number>/print/", views.role_print, name="print"),
    path("<int:pk>/edit/", views.role_new_draft, name="new_draft"),
    path("<int:pk>/draft/", views.role_edit_draft, name="edit_draft"),
    path("<int:pk>/draft/publish/", views.role_publish, name="publish"),
    path("<int:pk>/draft/discard/", views.role_discard_draft, name="discard_draft"),
    path("<int:pk>/retire/", views.role_retire, name="retire"),
]
