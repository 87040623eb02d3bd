"""Django settings: every value comes from the environment (documented in docs/configuration.md).

A bad value fails loudly with ImproperlyConfigured naming the variable; nothing silently falls
back to an insecure default. With no configuration at all, Leadline runs on SQLite in
``LEADLINE_HOME`` with background jobs on a database-backed worker.
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from leadline.connectors import outbound as _outbound
from leadline.filemodes import FILE_MODE, FOLDER_MODE, private_folder, private_sqlite

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    """Return the variable's value, or ``default`` when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Parse a boolean variable strictly (true/false/1/0/yes/no/on/off); anything else fails."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Parse an integer variable; a non-number or a value below ``minimum`` fails."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Parse a comma-separated list variable, dropping empty entries."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def _secret_file(path: Path, make: str) -> str:
    """Read a generated secret from the data folder, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(make)
    return make


HOME = Path(env_str("LEADLINE_HOME", ".leadline")).expanduser().resolve()
private_folder(HOME, tighten_existing=False)  # a new data folder is the owner's alone

DEBUG = env_bool("LEADLINE_DEBUG", False)

SECRET_KEY = os.environ.get("LEADLINE_SECRET_KEY") or _secret_file(
    HOME / "secret_key", secrets.token_urlsafe(50)
)
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("LEADLINE_SECRET_KEY must be at least 32 characters long")

# Fernet keys for secrets at rest (connection credentials). Comma-separated: the first encrypts,
# all decrypt, so keys can be rotated.
ENCRYPTION_KEYS = env_list("LEADLINE_ENCRYPTION_KEYS", []) or [
    _secret_file(HOME / "encryption_key", base64.urlsafe_b64encode(os.urandom(32)).decode())
]
for _key in ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "LEADLINE_ENCRYPTION_KEYS holds a key that is not a Fernet key "
            "(32 url-safe base64-encoded bytes; make one with `leadline keygen`)"
        ) from None

ALLOWED_HOSTS = env_list("LEADLINE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("LEADLINE_CSRF_TRUSTED_ORIGINS", [])
BASE_URL = env_str("LEADLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlparse(BASE_URL).scheme not in {"http", "https"}:
    raise ImproperlyConfigured(
        f"LEADLINE_BASE_URL={BASE_URL!r} must start with http:// or https://"
    )

# Also decides where a client's address comes from (sign-in throttling): X-Forwarded-For is read
# only behind a proxy, since anyone can send that header to a server that faces the internet.
BEHIND_PROXY = env_bool("LEADLINE_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("LEADLINE_SECURE_COOKIES", False)
# HSTS only once the operator says the site is HTTPS-only (secure cookies): sent over plain HTTP
# it would do nothing, and a browser that saw it keeps refusing HTTP for the whole period.
# Subdomains are left alone: they may be other services of the same organisation.
if SESSION_COOKIE_SECURE:
    SECURE_HSTS_SECONDS = env_int("LEADLINE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
elif "LEADLINE_HSTS_SECONDS" in os.environ:
    raise ImproperlyConfigured(
        "LEADLINE_HSTS_SECONDS is set but LEADLINE_SECURE_COOKIES is off: HSTS is only sent "
        "when the site is served over HTTPS only (set LEADLINE_SECURE_COOKIES=true)"
    )
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy on every response (django-csp); docs/security.md says why
# each source is allowed. Scripts: only Leadline's own static files (no inline script, no eval:
# Vega runs with its CSP-safe expression interpreter). Style elements need the per-response
# nonce; style attributes stay allowed (they cannot run script).
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "axes",
    "csp",
    "leadline.web",
    "leadline.workspaces",
    "leadline.jobs",
    "leadline.governance",
    "leadline.raid",
    "leadline.decisions",
    "leadline.agreements",
    "leadline.changes",
    "leadline.notify",
    "leadline.alignment",
    "leadline.clauses",
    "leadline.delivery",
    "leadline.dashboards",
    "leadline.radar",
    "leadline.pulse",
    "leadline.retro",
    "leadline.impact",
    "leadline.outcomes",
    "leadline.concentration",
    "leadline.competency",
    "leadline.cadence",
    "leadline.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but security: its header is on every response, errors from the others too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "leadline.web.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "leadline.web.middleware.display_time_zone",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leadline.urls"
WSGI_APPLICATION = "leadline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leadline.web.context.shell",
                "leadline.web.context.limits",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{HOME / 'leadline.sqlite3'}")
_scheme = urlparse(DATABASE_URL).scheme
if _scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {_scheme!r} is not supported (use sqlite:/// or postgres://)"
    )
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0 if _scheme == "sqlite" else 60)
if _scheme == "sqlite":
    _db["OPTIONS"] = {
        # WAL lets pages read while a worker writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("LEADLINE_SQLITE_TIMEOUT", 30, minimum=1),
    }
    # Tests use a file, not memory, so worker processes started by a test see the same data.
    _db["TEST"] = {"NAME": str(HOME / "test-db.sqlite3")}
    if _db["NAME"] and _db["NAME"] != ":memory:":
        private_sqlite(_db["NAME"])  # before SQLite creates it world-readable
else:
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs ------------------------------------------------------------------------
QUEUE_URL = env_str("LEADLINE_QUEUE", "database")
if QUEUE_URL == "database":
    TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif urlparse(QUEUE_URL).scheme in {"redis", "rediss"}:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": QUEUE_URL, "DEFAULT_TIMEOUT": 6 * 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured(f"LEADLINE_QUEUE={QUEUE_URL!r}: use 'database' or a redis:// URL")
# A running job that has not reported progress for this long is taken to have lost its worker
# and is re-queued (it resumes from its last checkpoint).
JOB_STALE_SECONDS = env_int("LEADLINE_JOB_STALE_SECONDS", 120, minimum=2)
JOB_MAX_ATTEMPTS = env_int("LEADLINE_JOB_MAX_ATTEMPTS", 3, minimum=1)
# A job worker that has not reported itself alive for this long counts as down (/healthz, the
# jobs page); workers report every sixth of it.
WORKER_STALE_SECONDS = env_int("LEADLINE_WORKER_STALE_SECONDS", 60, minimum=2)
# Largest file accepted by the delivery data upload (page and API), in megabytes.
UPLOAD_MAX_MB = env_int("LEADLINE_UPLOAD_MAX_MB", 100, minimum=1)
# Any file saved through Django's storage is the owner's alone, like the uploads Leadline keeps.
FILE_UPLOAD_PERMISSIONS = FILE_MODE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = FOLDER_MODE

# --- Outbound calls -------------------------------------------------------------------------
# Connections and notification channels reach public https addresses only, plus these internal
# hosts, addresses or networks (a self-hosted Jira or GitLab). leadline.connectors.outbound reads
# the variable itself (connectors use no Django); a malformed value stops the start here.
try:
    ALLOWED_INTERNAL_HOSTS = _outbound.Policy.parse(env_str(_outbound.SETTING, ""))
except ValueError as _error:
    raise ImproperlyConfigured(str(_error)) from None

# --- Accounts -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes, failures kept in the database so every web process and host
# sees the same count). An account that failed LEADLINE_LOGIN_FAILURE_LIMIT times, and a client
# address that failed LEADLINE_LOGIN_ADDRESS_FAILURE_LIMIT times, is locked for
# LEADLINE_LOCKOUT_MINUTES after its last failure, even with the right password; owners unlock
# their members (Members page, `leadline unlock`).
LOGIN_FAILURE_LIMIT = env_int("LEADLINE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
if LOGIN_FAILURE_LIMIT > 100:
    raise ImproperlyConfigured(
        f"LEADLINE_LOGIN_FAILURE_LIMIT={LOGIN_FAILURE_LIMIT} is too high to stop password "
        "guessing: use at most 100"
    )
# Many people may share one client address (an office behind NAT), so it has its own, higher
# limit: one person's typos should not lock out everyone in the building.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LEADLINE_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
if LOGIN_ADDRESS_FAILURE_LIMIT > 1000:
    raise ImproperlyConfigured(
        f"LEADLINE_LOGIN_ADDRESS_FAILURE_LIMIT={LOGIN_ADDRESS_FAILURE_LIMIT} is too high to stop "
        "password guessing: use at most 1000"
    )
LOCKOUT_MINUTES = env_int("LEADLINE_LOCKOUT_MINUTES", 15, minimum=1)
if LOCKOUT_MINUTES > 7 * 24 * 60:
    raise ImproperlyConfigured(
        f"LEADLINE_LOCKOUT_MINUTES={LOCKOUT_MINUTES} is longer than a week (10080 minutes)"
    )
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOCKOUT_MINUTES)
# In this order: the handler weighs the address's failures against its own limit.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "leadline.workspaces.throttle.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "leadline.web.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "leadline.web.signin.locked_out"
# A locked-out attempt does not restart the wait, so the time shown on the page holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success must not wipe failures: they are matched by address too, so one valid account
# would clear the count of every account tried from the same address.
AXES_RESET_ON_SUCCESS = False
# No log of every successful sign-in with its address: failures are all throttling needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False  # no start-up banner on every command; failures are still logged
# Password-reset emails: at most this many per email address, and reset requests per client
# address, in an hour; over it the page answers the same, and no email is sent.
PASSWORD_RESET_LIMIT = env_int("LEADLINE_PASSWORD_RESET_LIMIT", 3, minimum=1)
PASSWORD_RESET_CLIENT_LIMIT = env_int("LEADLINE_PASSWORD_RESET_CLIENT_LIMIT", 10, minimum=1)

# Links for people without an account (stakeholders): valid this many days unless the person
# making one picks another duration, which may not exceed the maximum.
LINK_DAYS = env_int("LEADLINE_LINK_DAYS", 30, minimum=1)
LINK_MAX_DAYS = env_int("LEADLINE_LINK_MAX_DAYS", 90, minimum=1)
if LINK_DAYS > LINK_MAX_DAYS:
    raise ImproperlyConfigured(
        f"LEADLINE_LINK_DAYS={LINK_DAYS} is longer than LEADLINE_LINK_MAX_DAYS={LINK_MAX_DAYS}"
    )
if LINK_MAX_DAYS > 366:
    raise ImproperlyConfigured(
        f"LEADLINE_LINK_MAX_DAYS={LINK_MAX_DAYS}: a link may live at most a year (366 days)"
    )

# --- Email ----------------------------------------------------------------------------------
EMAIL_URL = env_str("LEADLINE_EMAIL_URL", "console:")
_email = urlparse(EMAIL_URL)
if _email.scheme == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email.scheme in {"smtp", "smtps"}:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 25)
    EMAIL_HOST_USER = _email.username or ""
    EMAIL_HOST_PASSWORD = _email.password or ""
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = env_bool("LEADLINE_EMAIL_STARTTLS", False)
else:
    raise ImproperlyConfigured(
        f"LEADLINE_EMAIL_URL scheme {_email.scheme!r}: use console: or smtp://user:pass@host:port"
    )
DEFAULT_FROM_EMAIL = env_str("LEADLINE_FROM_EMAIL", "leadline@localhost")

# --- Misc -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("LEADLINE_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
# Files served at the site's root: the icon browsers ask for on pages that name none (JSON).
WHITENOISE_ROOT = Path(__file__).resolve().parent / "web" / "root"
WHITENOISE_AUTOREFRESH = DEBUG

LOG_LEVEL = env_str("LEADLINE_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LEADLINE_LOG_LEVEL={LOG_LEVEL!r} is not a log level")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx logs full URLs (query strings included) at INFO; keep secrets out of logs.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
