from workforce.organisations import access
from workforce.reports import navigation as nav


def navigation(request):
    """The menu for this user: only what their capacities let them use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav.entries_for(user, access.all_capacities(user))}
