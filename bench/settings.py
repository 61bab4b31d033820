"""Settings for benchmark servers only: the production settings, plus the floor URL.

bench/harness.py starts gunicorn with DJANGO_SETTINGS_MODULE=bench.settings. Production
never loads this module, so the benchmark's bare page exists nowhere else. Nothing here
changes how the app itself behaves: debug, cookies, SSL redirect, HSTS and CSP stay as
workforce.settings sets them from the environment.
"""

import os
from pathlib import Path

from workforce.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Collected static files go in the benchmark's own var dir, not the checkout's shared var/.
if os.environ.get("WORKFORCE_VAR_DIR"):
    STATIC_ROOT = Path(os.environ["WORKFORCE_VAR_DIR"]) / "staticfiles"
