"""attune's one settings module. Every variable is documented in docs/configuration.md.

SQLite (WAL, IMMEDIATE transactions) is the embedded default; ATTUNE_DATABASE_URL switches to
PostgreSQL and ATTUNE_REDIS_URL switches the channel layer, the cache and the job queue to Redis.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from attune.web.env import env_bool, env_int, env_list, env_public_url, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent  # attune/web
REPO_DIR = PACKAGE_DIR.parent.parent

DATA_DIR = Path(env_str("ATTUNE_DATA_DIR", str(REPO_DIR / "var"))).resolve()
# The data folder holds the database, the secret key and the journal keys: only attune's own user may
# enter it, from the moment it exists (an existing looser folder earns the check attune.W004).
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _create_private_file(path: Path, text: str = "") -> bool:
    """Create ``path`` readable by its owner only (0600 from the start); False if it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return True


CONTENT_DIR = Path(env_str("ATTUNE_CONTENT_DIR", str(REPO_DIR / "content"))).resolve()

DEBUG = env_bool("ATTUNE_DEBUG", False)
SITE_NAME = env_str("ATTUNE_SITE_NAME", "attune")


def _secret_key() -> str:
    key = env_secret("ATTUNE_SECRET_KEY")
    if key:
        return key
    # First run on a single machine: make a key once and keep it beside the data.
    path = DATA_DIR / "secret_key"
    key = secrets.token_urlsafe(50)
    if _create_private_file(path, key):
        return key
    return path.read_text(encoding="utf-8").strip()  # made before, or by another process just now


SECRET_KEY = _secret_key()
# Deployment mode (docs/deploy.md): ATTUNE_PUBLIC_URL, the https origin members use, says attune is
# served over HTTPS by a reverse proxy in front of it. It answers to that host only, sends HSTS, keeps
# its cookies to HTTPS and trusts the proxy's X-Forwarded-Proto. Unset, nothing below changes.
PUBLIC_URL = env_public_url("ATTUNE_PUBLIC_URL")
DEPLOYED = bool(PUBLIC_URL)
_PUBLIC_HOST = urlparse(PUBLIC_URL).hostname or ""
ALLOWED_HOSTS = env_list(
    "ATTUNE_ALLOWED_HOSTS",
    [f"[{_PUBLIC_HOST}]" if ":" in _PUBLIC_HOST else _PUBLIC_HOST] if DEPLOYED else ["127.0.0.1", "localhost", "[::1]"],
)
CSRF_TRUSTED_ORIGINS = env_list("ATTUNE_CSRF_TRUSTED_ORIGINS", [PUBLIC_URL] if DEPLOYED else [])
SERVER_PROCESSES = env_int("ATTUNE_SERVER_PROCESSES", 1, minimum=1)

INSTALLED_APPS = [
    "attune.web.accounts.admin_site.AttuneAdminConfig",  # Django's admin behind attune's sign-in and second step
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "template_partials",
    "huey.contrib.djhuey",
    "axes",
    "attune.web.accounts",
    "attune.web.audit",
    "attune.web.jobs",
    "attune.web.checkins",
    "attune.web.practices",
    "attune.web.today",
    "attune.web.physio",
    "attune.web.live",
    "attune.web.journal",
    "attune.web.workbooks",
    "attune.web.rooms",
    "attune.web.imports",
    "attune.web.retreats",
    "attune.web.reminders",
    "attune.web.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "attune.web.middleware.RefuseUnreadableCharsetMiddleware",
    "attune.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface's language: the one chosen in settings (a cookie), else the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "attune.web.accounts.sessions.SessionActivityMiddleware",
    "attune.web.middleware.MemberTimezoneMiddleware",
    # Guides and staff pass a second step (or set one up) before any other page or the admin.
    "attune.web.accounts.mfa_middleware.TwoStepRequiredMiddleware",
    "attune.web.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a login that django-axes refused into attune's "too many tries" page (last, as axes asks).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "attune.web.urls"
ASGI_APPLICATION = "attune.web.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "today:today"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Every page speaks through {% translate %}, most link static files and some use partials:
            # these tag libraries are built in, so templates carry no {% load %} for them.
            "builtins": [
                "django.templatetags.i18n",
                "django.templatetags.static",
                "template_partials.templatetags.partials",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "attune.web.context_processors.site",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    if not url or url.startswith("sqlite"):
        path = Path(urlparse(url).path) if url.startswith("sqlite:///") else DATA_DIR / "attune.sqlite3"
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # SQLite makes its -wal and -shm files with the database file's mode, so 0600 here covers them.
        _create_private_file(path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"ATTUNE_DATABASE_URL must start with postgres:// or sqlite:///, not {parts.scheme!r}"
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "attune",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or env_secret("ATTUNE_DATABASE_PASSWORD")),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": _conn_max_age(),
        "CONN_HEALTH_CHECKS": True,
    }


def _conn_max_age() -> int:
    """0, always: attune is served over ASGI, where each request runs in a thread of its own and a
    kept connection stays behind with it, so PostgreSQL soon refuses new clients ("too many clients
    already"; Django's docs: "When using ASGI, persistent connections should be disabled"). The live
    writer keeps its one connection by itself (live/writer.py)."""
    value = env_int("ATTUNE_DATABASE_CONN_MAX_AGE", 0, minimum=0)
    if value:
        raise ImproperlyConfigured(
            f"ATTUNE_DATABASE_CONN_MAX_AGE must be 0, not {value}: attune is served over ASGI, where kept "
            "connections pile up, one per request, until PostgreSQL refuses new clients. Leave it unset."
        )
    return 0


DATABASES = {"default": _database(env_secret("ATTUNE_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_secret("ATTUNE_REDIS_URL")
# Several attune servers (or test runs) can share one Redis by giving each its own prefix.
REDIS_KEY_PREFIX = env_str("ATTUNE_REDIS_KEY_PREFIX", "attune")
# channels-redis waits for messages with BZPOPMIN for 5 s; redis-py 8 reads with a 5 s socket
# timeout by default, so a quiet channel raced the two and closed its websocket with
# "Timeout reading from Redis" (redis-py issue 4091). The read must outlast the wait.
CHANNEL_LAYER_SOCKET_TIMEOUT_S = 30
# Each join, leave and broadcast holds a pooled connection while it waits; redis-py's pool refuses
# (rather than queues) past its size, 100 by default, and a workshop's 300 screens closing at once
# crashed their consumers with "Too many connections". Redis itself accepts 10000 clients.
CHANNEL_LAYER_MAX_CONNECTIONS = 1000


def redis_channel_layer(url: str, prefix: str) -> dict[str, Any]:
    host = {
        "address": url,
        "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT_S,
        "max_connections": CHANNEL_LAYER_MAX_CONNECTIONS,
    }
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [host], "capacity": 1500, "expiry": 30, "prefix": f"{prefix}:asgi"},
    }


if REDIS_URL:
    CHANNEL_LAYERS: dict[str, Any] = {"default": redis_channel_layer(REDIS_URL, REDIS_KEY_PREFIX)}
    CACHES: dict[str, Any] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "attune.web.common.memory_layer.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "attune"}}


def _private_file(path: Path) -> Path:
    """Create ``path`` readable by this user only, if it is missing (SQLite gives its WAL the same mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return path


# Background jobs (Huey, see docs/configuration.md): a SQLite queue beside the database on one
# machine, Redis under the same key prefix when scaled out. `attune serve` starts one worker.
TASKS_THREADS = env_int("ATTUNE_TASKS_THREADS", 2, minimum=1)
HUEY: dict[str, Any] = {
    "name": "attune",
    "immediate": False,  # a server never runs jobs inside a request; the tests switch this on
    "results": False,  # progress and outcome live in the Job record; nobody reads Huey's result store
    **(
        {"huey_class": "attune.web.jobs.storage.RedisHuey", "url": REDIS_URL, "key_prefix": REDIS_KEY_PREFIX}
        if REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(_private_file(DATA_DIR / "tasks.sqlite3"))}
    ),
    # A SQLite queue is polled: an idle worker looks at most once a second. Redis blocks instead.
    "consumer": {"workers": TASKS_THREADS, "worker_type": "thread", "max_delay": 1.0},
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    # Django's 20,000 common passwords and attune's list of longer leaked ones (no network call).
    {"NAME": "attune.web.accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "attune.web.accounts.passwords.MaximumLengthValidator"},
]
# Failed logins (attune's and the admin's) are counted by django-axes in the database, so every
# server process and a restart see the same counts. A lock holds one account from one address: an
# attacker cannot lock the owner out from elsewhere, nor everyone behind one address. It lifts after
# the cool-off (ATTUNE_LOGIN_LOCKOUT_SECONDS) or at once with a password reset.
AUTHENTICATION_BACKENDS = ["attune.web.accounts.lockout.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("ATTUNE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(seconds=env_int("ATTUNE_LOGIN_LOCKOUT_SECONDS", 900, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # hammering a lock does not make it longer
AXES_LOCKOUT_CALLABLE = "attune.web.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "attune.web.accounts.lockout.client_ip"
AXES_CLIENT_STR_CALLABLE = "attune.web.accounts.lockout.client_str"  # a keyed hash in log lines, never a name
AXES_DISABLE_ACCESS_LOG = True  # axes keeps no second log of every successful login and its address
AXES_VERBOSE = False
# Behind a proxy you run, the header that carries the client's address (e.g. HTTP_X_FORWARDED_FOR).
LOGIN_CLIENT_ADDRESS_HEADER = env_str("ATTUNE_LOGIN_CLIENT_ADDRESS_HEADER", "")
# Passkeys belong to this host name unless this names a parent domain it shares (docs/security.md).
WEBAUTHN_RP_ID = env_str("ATTUNE_WEBAUTHN_RP_ID", "")
ALLOW_SIGNUP = env_bool("ATTUNE_ALLOW_SIGNUP", True)
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("ATTUNE_PASSWORD_RESET_LIMIT_PER_EMAIL", 3, minimum=1)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("ATTUNE_PASSWORD_RESET_LIMIT_PER_ADDRESS", 20, minimum=1)
PASSWORD_RESET_WINDOW_SECONDS = env_int("ATTUNE_PASSWORD_RESET_WINDOW_SECONDS", 3600, minimum=1)

# With no mail server, e-mail is printed to the console, which is the server's log: attune's console
# backend prints no link, token or address unless ATTUNE_EMAIL_CONSOLE_SHOW_CONTENT asks for it (for
# development only). Django's own console backend, if named, is replaced by it.
EMAIL_BACKEND = env_str("ATTUNE_EMAIL_BACKEND", "attune.web.common.mail.ConsoleEmailBackend")
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    EMAIL_BACKEND = "attune.web.common.mail.ConsoleEmailBackend"
EMAIL_CONSOLE_SHOW_CONTENT = env_bool("ATTUNE_EMAIL_CONSOLE_SHOW_CONTENT", False)
EMAIL_HOST = env_str("ATTUNE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ATTUNE_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("ATTUNE_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("ATTUNE_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("ATTUNE_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("ATTUNE_DEFAULT_FROM_EMAIL", "attune <attune@localhost>")
# Where members reach this server, for links in e-mails sent by the worker (which has no request).
SITE_URL = env_str("ATTUNE_SITE_URL", PUBLIC_URL or "http://127.0.0.1:8000").rstrip("/")
# Reminders by Web Push (docs/offline.md): the contact the push services see in each VAPID signature,
# and the push services the worker may post to (host names; their subdomains count too). Plain http
# and IP addresses only when ATTUNE_PUSH_ALLOW_HTTP is set, which is for tests on this machine.
ATTUNE_PUSH_CONTACT = env_str("ATTUNE_PUSH_CONTACT", "mailto:attune@localhost")
ATTUNE_PUSH_HOSTS = env_list(
    "ATTUNE_PUSH_HOSTS",
    ["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"],
)
ATTUNE_PUSH_ALLOW_HTTP = env_bool("ATTUNE_PUSH_ALLOW_HTTP", False)
# How long before a workshop begins its reminder goes out (the periodic job looks every minute).
WORKSHOP_REMINDER_MINUTES = env_int("ATTUNE_WORKSHOP_REMINDER_MINUTES", 60, minimum=1)

# Workbook uploads: the most a zip may unpack to, and how many files it may hold.
ATTUNE_WORKBOOK_MAX_UNPACKED_BYTES = env_int("ATTUNE_WORKBOOK_MAX_UNPACKED_BYTES", 5 * 1024 * 1024, minimum=1024)
ATTUNE_WORKBOOK_MAX_FILES = env_int("ATTUNE_WORKBOOK_MAX_FILES", 200, minimum=2)
# Imports of exports from watches, rings and straps (docs/imports.md): the largest file accepted,
# where uploads wait on disk until their job has read them, and how long a running import may go
# without reporting progress before it is taken to have died with its worker and is run again.
IMPORT_MAX_BYTES = env_int("ATTUNE_IMPORT_MAX_BYTES", 2 * 1024**3, minimum=1024)
IMPORT_UPLOAD_DIR = DATA_DIR / "imports"
# Request bodies and uploads spooled to disk go to the data folder, not the system's /tmp.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
IMPORT_STALL_SECONDS = env_int("ATTUNE_IMPORT_STALL_SECONDS", 300, minimum=5)
# Retreats: days after the departure day when intake answers are deleted.
ATTUNE_RETREAT_INTAKE_DAYS = env_int("ATTUNE_RETREAT_INTAKE_DAYS", 90, minimum=1)
# The audit log: days an event is kept before the daily `audit.expire` job removes it.
AUDIT_RETENTION_DAYS = env_int("ATTUNE_AUDIT_RETENTION_DAYS", 365, minimum=1)
# For tests and demos only: pretend today is this ISO date when pacing workbook days.
ATTUNE_FAKE_TODAY = env_str("ATTUNE_FAKE_TODAY")

LANGUAGE_CODE = "en"
# The languages of the interface and the content (attune.content.practices.LANGUAGES). The
# translations live in attune/web/locale; docs/translating.md says which screens are done.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# English dates read "5 December 2026" wherever a template asks for DATE_FORMAT; German uses Django's.
FORMAT_MODULE_PATH = ["attune.web.formats"]
LANGUAGE_COOKIE_NAME = "attune_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even when serving from finders
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions live in the database, one row per signed-in browser, each knowing its account
# (attune.web.accounts.sessions): "sign out everywhere", and nothing left behind on deletion.
SESSION_ENGINE = "attune.web.accounts.sessions"
# A session ends after this long without a request (guides and admins: the shorter second value),
# and in any case this long after signing in. Its expiry moves forward at most once a minute.
SESSION_IDLE_SECONDS = env_int("ATTUNE_SESSION_IDLE_MINUTES", 14 * 24 * 60, minimum=5) * 60
SESSION_IDLE_SECONDS_GUIDES = env_int("ATTUNE_SESSION_IDLE_MINUTES_GUIDES", 12 * 60, minimum=5) * 60
SESSION_MAX_AGE_SECONDS = env_int("ATTUNE_SESSION_MAX_AGE_DAYS", 90, minimum=1) * 24 * 3600
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
# Export, email change, two-step sign-in changes: the password is asked again if it was last
# entered longer ago than this (attune.web.accounts.reauth).
REAUTH_SECONDS = env_int("ATTUNE_REAUTH_MINUTES", 10, minimum=1) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("ATTUNE_SECURE_COOKIES", DEPLOYED)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if DEPLOYED:
    # The proxy ends TLS and says so in X-Forwarded-Proto (it must set the header itself, overwriting
    # any a visitor sent; attune listens on loopback or a private network only). A plain http request
    # that reaches attune anyway is sent to https.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
# HSTS: a browser that has seen attune over https refuses plain http to its host for this long.
SECURE_HSTS_SECONDS = env_int("ATTUNE_HSTS_SECONDS", 365 * 24 * 3600 if DEPLOYED else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = DEPLOYED
SECURE_HSTS_PRELOAD = env_bool("ATTUNE_HSTS_PRELOAD", False)
# security.W021 asks for the HSTS preload flag. Preloading is the domain owner's decision, not attune's:
# it consents to the browsers' built-in list for the whole registered domain and its subdomains, and
# leaving that list takes months. So it is off unless ATTUNE_HSTS_PRELOAD=true (docs/deploy.md).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# A stale or missing token gets an attune page with a way back, not Django's debugging page.
CSRF_FAILURE_VIEW = "attune.web.common.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Request bodies are capped before Django reads them (attune.web.common.body_limit): a small limit
# for every form and JSON request, a larger one for the upload endpoints (the workbook zip).
ATTUNE_MAX_BODY_BYTES = env_int("ATTUNE_MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
ATTUNE_MAX_UPLOAD_BYTES = env_int("ATTUNE_MAX_UPLOAD_BYTES", 5 * 1024 * 1024, minimum=1024)
# The guard holds each path to its own cap; Django's limits only need to let the larger one through
# (the workbook editor posts its files as form fields). Up to the cap a body stays in memory, so
# nothing a visitor sends is ever spooled to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(ATTUNE_MAX_BODY_BYTES, ATTUNE_MAX_UPLOAD_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Crisis resources shown when a member says they are not safe. Operators set their own, one per line
# as "Name | how to reach them". The default points to local emergency services only.
CRISIS_RESOURCES = env_str(
    "ATTUNE_CRISIS_RESOURCES",
    "Emergency services | call your local emergency number",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_private_text": {"()": "attune.web.logging.DropPrivateText"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_private_text"]}},
    "root": {"handlers": ["console"], "level": env_str("ATTUNE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # The worker logs every task it runs at INFO: once a minute for closing stale recordings.
        "huey": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"level": "WARNING"},  # not a line per login; lockouts are still logged (as keyed hashes)
    },
}

# End-to-end tests only: the clock follows the offset in this file (see attune.web.common.testclock).
TEST_CLOCK_FILE = env_str("ATTUNE_TEST_CLOCK_FILE", "")
if TEST_CLOCK_FILE:
    from attune.web.common.testclock import install as _install_test_clock

    _install_test_clock(TEST_CLOCK_FILE)
