"""Settings for the lived experience workforce app.

Everything that differs between a laptop and production comes from the environment
(django-environ). README.md lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
import pghistory
import pgtrigger
from django.core.exceptions import ImproperlyConfigured

from workforce.platform.caches import caches_setting
from workforce.platform.links import site_url_setting

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# With no DATABASE_URL this is a local checkout on the embedded database, where debug is on
# unless turned off; against a real server debug is off unless turned on.
USING_EMBEDDED_DB = not env.str("DATABASE_URL", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=USING_EMBEDDED_DB)

_INSECURE_LOCAL_KEY = "django-insecure-local-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DJANGO_DEBUG off (production) the app will not start "
            "without it. Generate one with:\n"
            "  python -c 'import secrets; print(secrets.token_urlsafe(50))'\n"
            "and set it in the environment as SECRET_KEY."
        )
    SECRET_KEY = _INSECURE_LOCAL_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. With DJANGO_DEBUG off (production) the app will not "
            "start without it: set it to the comma-separated host names the site is served "
            "on, e.g. ALLOWED_HOSTS=workforce.example.nhs.uk"
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The site's own address: every link in an email is built from it, never from a request's
# Host header (which a sender controls) and never left relative (useless in a mail client).
SITE_URL = site_url_setting(env.str("SITE_URL", default=""), debug=DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pgtrigger",
    "pghistory",
    "procrastinate.contrib.django",
    "workforce",
    "workforce.history",
    "roles",
    "supervision",
    "supervision.incidents",
    "payments",
]

# The modules holding each app's access rules (functions marked with access.register_scope
# and access.register_rule), read by the access layer when first asked: one list, so no
# module has to register itself with another as a side effect of being imported.
ACCESS_RULES = [
    "workforce.register.rules",
    "roles.rules",
    "supervision.rules",
    "supervision.incidents.rules",
    "payments.rules",
    "workforce.history.rules",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Row history: every write in a request carries the acting user's id and the URL.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "workforce.platform.sessions.SessionTimeoutMiddleware",
    "workforce.accounts.twofactor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "workforce.platform.middleware.NoStoreMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Row history (django-pghistory on django-pgtrigger): the tracking triggers are installed after
# every `migrate` rather than through each tracked app's migrations; the event models and
# their migrations all live in workforce.history. Context (user, URL) is kept in each event
# row itself, so an append-only row is the whole record.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
# The moment of each change, not the start of its transaction: keeps a request's events in order.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"
PGHISTORY_DEFAULT_TRACKERS = (
    pghistory.InsertEvent(),
    # Any change to the row, even to free text the snapshot leaves out.
    pghistory.UpdateEvent(condition=pgtrigger.Condition("OLD.* IS DISTINCT FROM NEW.*")),
    pghistory.DeleteEvent(),
)

ROOT_URLCONF = "workforce.urls"
WSGI_APPLICATION = "workforce.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workforce.reports.context_processors.navigation",
            ],
        },
    },
]

# --- Database: a real server from DATABASE_URL, otherwise the embedded one. Never SQLite.
if USING_EMBEDDED_DB:
    from workforce.platform import pgembed

    # Only where the server listens: manage.py, the WSGI/ASGI entries and the test runner
    # start it, so importing settings starts nothing (and works with no PostgreSQL at all).
    DATABASES = {"default": env.db_url_config(pgembed.database_url())}
    # django-environ puts ?host=<socket dir> into OPTIONS; HOST says it plainly.
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
else:
    DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL (postgresql://...); other databases are not "
        "supported."
    )
# With a real server (DATABASE_URL), keep each server process's connection for a minute
# rather than opening one per request (bench/README.md); the health check replaces a
# connection the server has dropped before it is used. On the embedded server (make run,
# make test) nothing needs the speed, so they keep a connection per request as they
# always have.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "DB_CONN_MAX_AGE", default=0 if USING_EMBEDDED_DB else 60
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The cache holds only figures that are costly to count, each kept under a version the
# database raises when what it counts changes (workforce/platform/figures.py), so no server
# serves a figure older than the data. Without CACHE_URL each server process keeps its own
# (local memory); with several servers CACHE_URL (redis://, rediss://, dbcache://TABLE)
# gives them one store, so each figure is counted once (workforce/platform/caches.py).
CACHES = caches_setting(
    env.str("CACHE_URL", default=""),
    max_entries=env.int("FIGURES_CACHE_ENTRIES", default=5000),
    root=BASE_DIR,
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id first (OWASP ASVS 6.2/11.4); older hashes still verify and are upgraded at sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling (django-axes): 5 failures for one username from one address locks that
# pair for 15 minutes. Keyed on both, so nobody can lock someone else out everywhere, and
# the lock lifts by itself: no permanent lockout that anyone can trigger.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "workforce.platform.login_limits.axes_username"
# How many reverse proxies sit in front of the app (their X-Forwarded-For is trusted).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Two-step sign-in (django-otp TOTP): required for leads, safeguarding, finance, admins and
# staff; TWO_FACTOR_FOR_EVERYONE makes it required for every user. No drift learning, so the
# accepted window stays one 30-second step either side.
TWO_FACTOR_FOR_EVERYONE = env.bool("TWO_FACTOR_FOR_EVERYONE", default=False)
OTP_TOTP_ISSUER = "Lived experience workforce"
OTP_TOTP_SYNC = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Breached passwords (ASVS 6.2.12): Have I Been Pwned's k-anonymity range API, which is sent
# only the first 5 characters of the password's SHA-1. If the API cannot be reached the
# validator falls back to Django's common-password list (built from the same breach data).
# On by default in production; PASSWORD_BREACH_CHECK=false where servers have no way out.
PASSWORD_BREACH_CHECK = env.bool("PASSWORD_BREACH_CHECK", default=not DEBUG)
PWNED_PASSWORDS_API_TIMEOUT = env.float("PWNED_PASSWORDS_API_TIMEOUT", default=1.5)
if PASSWORD_BREACH_CHECK:
    AUTH_PASSWORD_VALIDATORS.append(
        {
            "NAME": "pwned_passwords_django.validators.PwnedPasswordsValidator",
            "OPTIONS": {
                "error_message": (
                    "This password has appeared in a known data breach, so other people may "
                    "know it. Choose a different password."
                )
            },
        }
    )
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in the database, so app servers are stateless. Idle and absolute limits
# are enforced by workforce.platform.sessions.SessionTimeoutMiddleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

# --- Locale: UK English, London time, UK date formats.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Dates render and parse the UK way (e.g. 23/11/2026) through the en-gb locale formats.

# --- Static files: served by the app itself (whitenoise); no CDN anywhere.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG:
    # whitenoise warns about a missing STATIC_ROOT; locally it serves from the finders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email: EMAIL_URL (e.g. smtp+tls://user:pass@smtp.example.org:587); console locally.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="workforce@localhost")

# --- Background work: procrastinate's jobs table in this database; `manage.py procrastinate
# worker` runs them (make run starts one beside the server; docs/deployment.md, "The worker").
# The modules that define tasks, named once here rather than found by import side effects.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = ""
PROCRASTINATE_IMPORT_PATHS = [
    "workforce.platform.queue",
    "workforce.platform.mail",
    "workforce.register.services.training_reminders",
    "supervision.incidents.services.notify",
    "supervision.incidents.jobs",
]
# An email that fails is tried again after EMAIL_RETRY_WAIT, its square, its cube, ... seconds,
# EMAIL_RETRY_ATTEMPTS times in all; after that the scheduled sweep keeps trying.
EMAIL_RETRY_WAIT = env.int("EMAIL_RETRY_WAIT", default=2)
EMAIL_RETRY_ATTEMPTS = env.int("EMAIL_RETRY_ATTEMPTS", default=12)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security. Production values follow the Django deployment checklist.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: HTTPS only, this exact host, path /; no subdomain can set or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): only this site's own files; the one place that
# needs inline script gets a per-request nonce. Nothing may frame the site.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Bootstrap draws a few icons (e.g. the menu button) as data: SVG.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Every `migrate` reinstalls the row-history triggers; one line per trigger is noise.
    "loggers": {"pgtrigger": {"level": "WARNING"}},
}
