"""The username django-axes counts failed sign-ins against.

Axes stores it in a 255-character column; a longer value (typed, pasted or forged, and
Unicode normalisation can lengthen it) made the failed sign-in a server error. Usernames
are at most 150 characters (Django's User), so nothing real is cut; two forged long names
sharing a counter locks out nobody real.
"""

MAX_LENGTH = 150


def axes_username(request, credentials=None):
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    return username[:MAX_LENGTH] if isinstance(username, str) else username
