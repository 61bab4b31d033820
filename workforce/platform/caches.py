"""Where the kept figures live (settings.CACHES), chosen by CACHE_URL.

Without CACHE_URL each server process keeps its own, in local memory: right for one server.
With several, CACHE_URL names one store they all share, so each figure is counted once
rather than once per process: Redis (`redis://` or `rediss://`, Django's own backend,
which needs `pip install redis`) or a table in the app's own database (`dbcache://TABLE`,
made by `migrate`). Shared or not, a kept figure is right on every server: it is kept
under a version read from the database (figures.py). Nothing else the app keeps between
requests lives in a process: sessions, sign-in lockouts and two-step throttling are rows
in the database.

A shared store outlives a deployment, and kept fragments are HTML drawn by the templates
of the release that kept them: so a shared store's keys carry a digest of the code, and
servers on different releases (half way through a rolling deployment) never read each
other's.
"""

from __future__ import annotations

import hashlib
import os
from importlib.util import find_spec
from pathlib import Path

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"
DATABASE = "django.core.cache.backends.db.DatabaseCache"
REDIS = "django.core.cache.backends.redis.RedisCache"
# Named here, not left to django-environ: it maps redis:// to django-redis whenever that
# package happens to be installed.
BACKENDS = {"redis": REDIS, "rediss": REDIS, "dbcache": DATABASE, "locmemcache": LOCAL_MEMORY}
# Everything a kept figure or fragment is drawn by: the code, templates and static files,
# not what a checkout may also hold (local data, compiled bytecode).
CODE = ("workforce", "roles", "supervision", "payments", "templates", "static")
CODE_SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".svg", ".json"}
NOT_CODE = {"__pycache__", "var"}


def caches_setting(url: str, *, max_entries: int, root: Path) -> dict:
    """settings.CACHES for CACHE_URL `url` (empty: local memory), or why the app will not
    start. `max_entries` bounds a local or database store; `root` holds the code."""
    local = {
        "default": {
            "BACKEND": LOCAL_MEMORY,
            "LOCATION": "workforce-figures",
            "OPTIONS": {"MAX_ENTRIES": max_entries},
        }
    }
    if not url:
        return local
    scheme = url.partition("://")[0]
    backend = BACKENDS.get(scheme)
    if backend is None:
        raise ImproperlyConfigured(
            f"CACHE_URL must start with redis://, rediss:// or dbcache:// (a store several "
            f"servers share), or be unset for each process's own memory; it starts {scheme}://."
        )
    if backend == LOCAL_MEMORY:
        return local
    if backend == REDIS and find_spec("redis") is None:
        raise ImproperlyConfigured(
            "CACHE_URL is a Redis address but the redis package is not installed: "
            "pip install redis (or pip install -e '.[redis]')."
        )
    config = environ.Env.cache_url_config(url, backend=backend)
    if backend == DATABASE:
        if not config["LOCATION"]:
            raise ImproperlyConfigured(
                "CACHE_URL=dbcache:// needs the table's name, e.g. dbcache://workforce_cache."
            )
        config.setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", max_entries)
    # django-environ lower-cases every option for Django's Redis backend, these too.
    for name in ("TIMEOUT", "KEY_PREFIX", "VERSION"):
        if name.lower() in config:
            config[name] = config.pop(name.lower())
    release = f"release-{code_digest(root)}"
    config["KEY_PREFIX"] = ":".join(filter(None, [config.get("KEY_PREFIX", ""), release]))
    return {"default": config}


def code_digest(root: Path) -> str:
    """A digest of the code under `root` that kept figures are drawn by: the same on every
    server running one release, different from any other release's."""
    digest = hashlib.sha256()
    for folder in CODE:
        for top, folders, files in os.walk(root / folder):
            folders[:] = sorted(f for f in folders if f not in NOT_CODE and f[0] != ".")
            for name in sorted(files):
                path = Path(top, name)
                if path.suffix in CODE_SUFFIXES:
                    digest.update(f"{path.relative_to(root)}\0".encode())
                    digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def create_cache_table(sender, *, using: str, verbosity: int = 1, **kwargs) -> None:
    """post_migrate: the database store's table, made by `migrate`, so no deployment needs
    a step of its own. Whoever migrates (the owner role) creates it like every other table,
    so the app role gets its rows' privileges the same way (docs/deployment.md)."""
    if any(cache["BACKEND"] == DATABASE for cache in settings.CACHES.values()):
        # Says nothing at migrate's usual verbosity, where "already exists" is every run.
        call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
