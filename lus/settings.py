"""Settings for LUS, configured from the environment (12-factor, django-environ).

With no environment at all the app runs on a SQLite file in the repository with the console
e-mail backend. Production sets DEBUG=False, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is convenient in development; production uses real environment variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The fallback key is only fit for development; `check --deploy` flags it (security.W009).
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-lus-development-key-do-not-use-in-production"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "lus.tenants",
    "lus.accounts",
    "lus.frameworks",
    "lus.audit",
    "lus.conversations",
    "lus.inputs",
    "lus.plans",
    "lus.statustalks",
    "lus.sharing",
    "lus.rounds",
    "lus.documents",
    "lus.sso",
    "lus.orchestration",
    # Before lus.core, whose admin module takes the task results out of HR's admin.
    "django_tasks",
    "django_tasks_db",
    "lus.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
]

# Background and periodic work (lus.orchestration.tasks, lus.orchestration.schedule): tasks are
# rows in PostgreSQL, run by `manage.py db_worker` on any app server (docs/deployment.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "lus.accounts.middleware.AuthenticationMiddleware",
    # Activates the tenant scope of the logged-in user for the rest of the request,
    # including template rendering. Must come after authentication.
    "lus.tenants.middleware.TenantScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Session idle + absolute timeout, no-store for logged-in pages, CSP (docs/security.md).
    "lus.core.middleware.SessionTimeoutMiddleware",
    "lus.core.middleware.NoStoreForAuthenticatedMiddleware",
    "lus.core.middleware.CSPMiddleware",
    # django-axes must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lus.urls"
WSGI_APPLICATION = "lus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lus.tenants.context_processors.municipality",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # The same backend with a health check that needs no round trip (lus/core/postgresql).
    DATABASES["default"]["ENGINE"] = "lus.core.postgresql"
    # .iterator() (ModelChoiceField, CSV export) would open a server-side cursor: three round
    # trips instead of one, and broken behind PgBouncer in transaction mode (docs/deployment.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Fail fast when the database is gone (libpq waits forever by default): /readyz then
    # answers 503 within seconds and the load balancer takes the node out.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3)
    )
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        # PostgreSQL plans a query once per connection instead of on every execution:
        # planning was most of the database's time on the key pages (the conversation view's
        # main query: 3.5-4.8 ms to plan, 0.4-0.6 ms to run). psycopg prepares a query after
        # its second use on a connection (server-side binding is what lets it).
        # PgBouncer in transaction mode supports this from 1.21 (max_prepared_statements);
        # behind an older pooler set DB_PREPARED_STATEMENTS=False (docs/deployment.md).
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite in the demo: wait for a concurrent writer instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# The role that owns the tables, used by `manage.py migrate` only (same database; only the
# credentials differ). The app itself runs as DATABASE_URL's role, which may not rewrite the
# audit log or filed records (lus/core/db_roles.py, docs/deployment.md).
MIGRATE_DATABASE_URL = env.str("MIGRATE_DATABASE_URL", default="")
LUS_DB_APP_ROLE = env.str("LUS_DB_APP_ROLE", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- State shared by every app server (docs/deployment.md) ---------------------------------
# LUS runs as N stateless gunicorn nodes behind a load balancer: nothing a later request
# depends on may live in one process. Sessions are rows in the database; the cache (SSO replay
# checks, anything shared) defaults to a table in the same database, created by `migrate`
# (lus/core/migrations). CACHE_URL may point at Redis/Memcached instead (django-environ syntax,
# e.g. redis://cache.internal:6379/1). "local" is a per-process cache for immutable data only
# (a published framework version's structure); it never needs to agree between nodes.
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://lus_cache"),
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lus-local"},
}
# Database sessions that are read together with their user (one query per request).
SESSION_ENGINE = "lus.accounts.sessions"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/IP before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Refuses passwords for people of a municipality that logs in through its IdP only.
    "lus.sso.backends.PasswordPolicyBackend",
    "rules.permissions.ObjectPermissionBackend",
    "lus.accounts.backends.TenantAwareModelBackend",
    # OpenID Connect callbacks of a municipality (lus.sso); ignores everything else.
    "lus.sso.oidc.MunicipalityOIDCBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A link to set one's password (lus.sso.passwords) works once, for this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=48 * 3600)

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Filed LUS PDFs (lus.documents): outside MEDIA_ROOT, never served directly (only through
# the audited download view). Any Django storage backend works here.
ARCHIVE_ROOT = env.path("ARCHIVE_ROOT", default=BASE_DIR / "archive")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "archive": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(ARCHIVE_ROOT)},
    },
    "staticfiles": {
        # Production runs `collectstatic` and may switch to the manifest storage;
        # the default needs no build step so `make demo` and the tests just work.
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
# Several app servers: the archive in an S3-compatible object store (django-storages,
# `pip install ".[s3]"`), shared by every node. Credentials come from the environment
# (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or the instance role. docs/deployment.md.
if env.str("ARCHIVE_S3_BUCKET", default=""):
    STORAGES["archive"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("ARCHIVE_S3_BUCKET"),
            "location": env.str("ARCHIVE_S3_PREFIX", default="archive"),
            "endpoint_url": env.str("ARCHIVE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("ARCHIVE_S3_REGION", default="") or None,
            # Private objects, never overwritten; downloads go through the audited view only.
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LUS <lus@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address LUS is reached at, for links in e-mails sent outside a request (reminders).
LUS_BASE_URL = env.str("LUS_BASE_URL", default="http://127.0.0.1:8000")
# People import (admin): a file with at least this many data rows is checked and applied by a
# task worker (`manage.py db_worker`), with progress on the page; shorter files in the request.
LUS_PEOPLE_IMPORT_BACKGROUND_ROWS = env.int("LUS_PEOPLE_IMPORT_BACKGROUND_ROWS", default=2_000)
# SAML (lus.sso): the SP key pair that signs AuthnRequests/logout and decrypts encrypted
# assertions (PEM files; optional, but KOMBIT's Context Handler requires it). See docs/sso.md.
LUS_SAML_KEY_FILE = env.str("LUS_SAML_KEY_FILE", default="")
LUS_SAML_CERT_FILE = env.str("LUS_SAML_CERT_FILE", default="")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -----------------------------------------------------------------------------
# Behind a TLS-terminating proxy (the documented production setup) the proxy sets this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of our own append to X-Forwarded-For (1 behind the documented TLS proxy).
# Only their entries are believed; 0 ignores the header (a client can write anything in it).
LUS_TRUSTED_PROXY_COUNT = env.int("LUS_TRUSTED_PROXY_COUNT", default=0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Absolute session lifetime (seconds after login) and idle timeout (lus.core.middleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_IDLE_TIMEOUT = 60 * env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=60)
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4): no inline scripts or styles anywhere, the admin
# included (Django 5.2's admin needs none). Bootstrap's icons are data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): 5 failures for one username from one address locks that
# combination for 15 minutes (not the username alone, so nobody can lock a colleague out).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ADMIN = False  # platform admins use `manage.py axes_reset_username`
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "lus.accounts.backends.axes_username"
# Lockouts by address use the same trusted-proxy rule as the audit log.
AXES_CLIENT_IP_CALLABLE = "lus.audit.services.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs every login at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
        # Chatty libraries: WeasyPrint logs every layout step, pysaml2's schema loader and
        # fontTools every file at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},
    },
}
