"""The admins' audit page (mounted under /audit/)."""

app_name = "history"
urlpatterns = []
