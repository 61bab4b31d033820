"""ASGI entry point.

With no DATABASE_URL the embedded PostgreSQL is started here, before Django loads: settings
only name it.
"""

import os

from django.core.asgi import get_asgi_application

from workforce.platform import pgembed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
pgembed.start_unless_configured()

application = get_asgi_application()
