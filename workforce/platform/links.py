"""Links for emails: absolute, and on the site's own address (settings.SITE_URL)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LOCAL_SITE_URL = "http://127.0.0.1:8000"


def site_url_setting(value: str, *, debug: bool) -> str:
    """SITE_URL as settings keep it (no trailing slash), or why the app will not start:
    required with debug off, https there, always a plain address with a host."""
    value = value.strip().rstrip("/")
    if not value:
        if not debug:
            raise ImproperlyConfigured(
                "SITE_URL is not set. With DJANGO_DEBUG off (production) the app will not "
                "start without it: set it to the address people open the site at, e.g. "
                "SITE_URL=https://workforce.example.nhs.uk (links in emails are built from it)."
            )
        return LOCAL_SITE_URL
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            "SITE_URL must be an http or https address with a host name, such as "
            f"https://workforce.example.nhs.uk; it is {value!r}."
        )
    if not debug and parts.scheme != "https":
        raise ImproperlyConfigured(
            f"SITE_URL must start with https:// with DJANGO_DEBUG off; it is {value!r}."
        )
    return value


def site_link(path: str, *, base: str = "") -> str:
    """The absolute address of `path` (as reverse() gives it) on this site, or on `base` when
    a command is told another (send_reminders --base-url). Never from a request's Host
    header: whoever sends the request chooses that, and the link would go to them."""
    return (base.rstrip("/") or settings.SITE_URL) + path
