"""Settings behaviour: which database, and refusing to start unsafely in production."""

import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default'], 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS, 'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE, "
    "'cookies': [s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY], 'hsts': s.SECURE_HSTS_SECONDS, "
    "'validators': [v['NAME'] for v in s.AUTH_PASSWORD_VALIDATORS], 'site_url': s.SITE_URL, "
    "'cache': s.CACHES['default']}, "
    "default=str))"
)
PROD = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "workforce.example.org",
    "SITE_URL": "https://workforce.example.org",
    "DATABASE_URL": "postgresql://app:secret@db.example.org:5433/workforce",
}


def _settings_in_subprocess(**env_vars):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"}
    }
    env.update(env_vars, DJANGO_SETTINGS_MODULE="workforce.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_database_url_selects_a_real_server():
    result = _settings_in_subprocess(**PROD)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    db = data["db"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.example.org",
        5433,
        "workforce",
        "app",
    )
    assert data["debug"] is False
    assert data["hosts"] == ["workforce.example.org"]
    assert (data["tz"], data["lang"]) == ("Europe/London", "en-gb")
    # Production cookies: __Host- prefixed, Secure, session cookie HttpOnly; HSTS a year.
    assert data["cookies"] == ["__Host-sessionid", "__Host-csrftoken", True, True, True]
    assert data["hsts"] >= 31536000
    # Production checks new passwords against breach data (and the common-password list).
    assert BREACH_VALIDATOR in data["validators"]
    assert "django.contrib.auth.password_validation.CommonPasswordValidator" in data["validators"]
    # A real server keeps each process's connection a minute, checked before use.
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (60, True)
    # Without CACHE_URL each process keeps its own figures.
    assert data["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert data["cache"]["OPTIONS"] == {"MAX_ENTRIES": 5000}


def test_connection_lifetime_can_be_set():
    result = _settings_in_subprocess(**PROD, DB_CONN_MAX_AGE="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["db"]["CONN_MAX_AGE"] == 0


def test_cache_url_dbcache_shares_a_table_of_the_database():
    result = _settings_in_subprocess(**PROD, CACHE_URL="dbcache://workforce_cache")
    assert result.returncode == 0, result.stderr
    cache = json.loads(result.stdout)["cache"]
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache["LOCATION"] == "workforce_cache"
    assert cache["OPTIONS"] == {"MAX_ENTRIES": 5000}
    assert cache["KEY_PREFIX"].startswith("release-")


def test_cache_url_redis_is_djangos_own_backend(tmp_path):
    # Stand-ins for packages this machine need not have: the settings only check that redis
    # can be imported, and django-environ would pick django-redis's backend were it there.
    for package in ("redis", "django_redis"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    result = _settings_in_subprocess(
        **PROD, CACHE_URL="redis://cache.internal:6379/0?key_prefix=trust", PYTHONPATH=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    cache = json.loads(result.stdout)["cache"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/0"
    assert cache["KEY_PREFIX"].startswith("trust:release-")


BREACH_VALIDATOR = "pwned_passwords_django.validators.PwnedPasswordsValidator"


def test_breach_check_can_be_switched_off_where_servers_have_no_way_out():
    result = _settings_in_subprocess(**PROD, PASSWORD_BREACH_CHECK="false")
    assert result.returncode == 0, result.stderr
    assert BREACH_VALIDATOR not in json.loads(result.stdout)["validators"]


def test_debug_defaults_off_against_a_real_server():
    env = {k: v for k, v in PROD.items() if k != "DJANGO_DEBUG"}
    result = _settings_in_subprocess(**env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_production_without_secret_key_refuses_to_start():
    env = {k: v for k, v in PROD.items() if k != "SECRET_KEY"}
    result = _settings_in_subprocess(**env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    env = {k: v for k, v in PROD.items() if k != "ALLOWED_HOSTS"}
    result = _settings_in_subprocess(**env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_without_site_url_refuses_to_start():
    env = {k: v for k, v in PROD.items() if k != "SITE_URL"}
    result = _settings_in_subprocess(**env)
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr


def test_site_url_is_kept_without_its_trailing_slash():
    result = _settings_in_subprocess(**{**PROD, "SITE_URL": "https://workforce.example.org/"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["site_url"] == "https://workforce.example.org"


def test_sqlite_is_refused():
    result = _settings_in_subprocess(**{**PROD, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "must point at PostgreSQL" in result.stderr


def test_embedded_socket_url_parses_with_django_environ(tmp_path):
    config = environ.Env.db_url_config(f"postgresql://postgres:@/app?host={tmp_path}")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"]) == ("app", "postgres")
    # The socket folder arrives as a connection option, which psycopg takes as its host.
    assert config["OPTIONS"] == {"host": str(tmp_path)}
    assert not config.get("PASSWORD")


def test_this_run_uses_the_database_it_was_given():
    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    if os.environ.get("DATABASE_URL"):
        assert db["HOST"] == environ.Env.db_url_config(os.environ["DATABASE_URL"])["HOST"]
    else:
        # Embedded: a Unix socket folder, no TCP host.
        assert db["HOST"].startswith("/")
        assert Path(db["HOST"]).is_dir()


@pytest.mark.django_db
def test_the_database_really_is_postgresql():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == "UTC"  # Django stores UTC; pages show Europe/London
