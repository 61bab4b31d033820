"""WSGI entry point: `gunicorn workforce.wsgi`.

With no DATABASE_URL the embedded PostgreSQL is started here, before Django loads: settings
only name it. Under `make serve` the supervisor (`pgembed run`) already holds it.
"""

import os

from django.core.wsgi import get_wsgi_application

from workforce.platform import pgembed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
pgembed.start_unless_configured()

application = get_wsgi_application()
