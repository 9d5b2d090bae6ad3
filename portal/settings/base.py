"""Settings of the portal, read from the environment (twelve-factor, as cookiecutter-django does).

Everything an operator sets is an environment variable; see README.md, "Configuration". With no
variables at all and DEBUG=1 the portal runs on an embedded SQLite file with eager Celery tasks.
Bad values fail at start with ImproperlyConfigured, never later in a request.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from django.conf import global_settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

from portal.storage import s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable; anything but a clear yes/no is a configuration error."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set unless DEBUG=1.")
    SECRET_KEY = "development-only-" + "x" * 50

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set unless DEBUG=1.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Keys for personal data (PIPL) --------------------------------------------------------------
# FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first (older ones only decrypt, which
# allows rotation). BLIND_INDEX_KEY: the HMAC key of the blind indexes used for exact lookups.


def _dev_key(label: str) -> str:
    digest = hashlib.sha256(f"{SECRET_KEY}:{label}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
if not FIELD_ENCRYPTION_KEYS or not BLIND_INDEX_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be set unless DEBUG=1.")
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [_dev_key("field-encryption")]
    BLIND_INDEX_KEY = BLIND_INDEX_KEY or _dev_key("blind-index")
try:
    from cryptography.fernet import Fernet

    for _key in FIELD_ENCRYPTION_KEYS:
        Fernet(_key)
except ValueError as exc:
    raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key: {exc}") from None
if len(BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured("BLIND_INDEX_KEY must be at least 32 characters long.")

# --- Applications --------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # Bootstrap 5 CSS/JS from the django-bootstrap-static package, served from static/
    "registry",
    "subsidies",
    "portal",
]

MIDDLEWARE = [
    # First: every log line of the request (and the tasks it sends) carries its id; latency includes everything.
    "portal.observability.RequestIdMiddleware",
    "portal.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.BackOfficeTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------------
# DATABASE_URL unset: the embedded default, an SQLite file in the project (SQLITE_PATH moves it).

DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default="sqlite:///" + str(env.path("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3"))),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", default=60)
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# DATABASE_REPLICA_URL set: a read replica of default. The dashboard, its export and statistics read from it; every
# write and every other read goes to default (portal/db_routers.py). In tests it is default itself (a test mirror).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
        DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DATABASE_ROUTERS = ["portal.db_routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

# --- Cache and Celery ----------------------------------------------------------------------------
# REDIS_URL unset: local-memory cache and Celery tasks run eagerly in the request (make run).

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis:// or rediss://.")

if REDIS_URL:
    CACHES = {
        "default": {
            # A cache outage must neither hang nor fail a request: errors are logged and read as misses.
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rate-limit counters (portal.ratelimits, django-ratelimit) in their own alias: shared by every web process.
CACHES["ratelimit"] = dict(CACHES["default"])
RATELIMIT_USE_CACHE = "ratelimit"
# How many reverse proxies in front of the portal append to X-Forwarded-For (the README's TLS proxy: 1). 0 trusts
# no header and counts REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)
# Per limit, a rate for the client address and for each subject it names (django-ratelimit syntax: N/s|m|h|d).
RATE_LIMITS = {
    "resident_signup": {"ip": "10/h", "phone": "10/h"},
    "resident_code": {"ip": "30/h", "phone": "10/h"},
    "enterprise_signup": {"ip": "20/h", "email": "5/h"},
    "email_resend": {"ip": "20/h", "email": "5/h"},
    "verify": {"ip": "60/m"},
    "objection": {"ip": "5/h"},
    "api": {"ip": "120/m"},
    # /progress/: a reference number and a phone or credit code, without an account (guessing the phone of a
    # known reference is what the per-reference count stops).
    "progress": {"ip": "30/h", "reference": "6/h"},
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Shanghai"
# Work is not lost: a task is acknowledged after it ran, and re-queued if its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool child is replaced after this many tasks, or after a task that leaves it above this resident size (KiB), so
# a slow leak (fonts, Pango caches in the notices worker) never grows a worker without bound. bench_notices measures.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=500, minimum=1)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=350_000, minimum=50_000)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", default=300, minimum=1)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
# The longest tasks (an import, the nightly offers) have their own limit, shorter than the visibility timeout.
CELERY_LONG_TASK_SOFT_TIME_LIMIT = env_int("CELERY_LONG_TASK_SOFT_TIME_LIMIT", default=1800, minimum=1)
CELERY_LONG_TASK_TIME_LIMIT = CELERY_LONG_TASK_SOFT_TIME_LIMIT + 60
# Redis re-delivers an unacknowledged task after this; it must outlast the longest task, or a task still running
# is handed to a second worker.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60, minimum=60)
if max(CELERY_TASK_TIME_LIMIT, CELERY_LONG_TASK_TIME_LIMIT) >= CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than every task's time limit.")
# One queue per kind of work, each with its own worker service (docker-compose.yml): a long import never holds up
# a notice. A worker started without --queues takes all three.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = {"default": {}, "notices": {}, "imports": {}}
CELERY_TASK_ROUTES = {
    "subsidies.notice_render": {"queue": "notices"},
    "registry.tasks.import_job_run_task": {"queue": "imports"},
}
# Imports (registry.imports): a running import writes a heartbeat every IMPORT_HEARTBEAT_SECONDS; one silent for
# IMPORT_STALE_SECONDS is dead and the sweeper (beat, every IMPORT_SWEEP_SECONDS) sends it again.
IMPORT_HEARTBEAT_SECONDS = env_int("IMPORT_HEARTBEAT_SECONDS", default=10, minimum=1)
IMPORT_STALE_SECONDS = env_int("IMPORT_STALE_SECONDS", default=120, minimum=2)
IMPORT_SWEEP_SECONDS = env_int("IMPORT_SWEEP_SECONDS", default=60, minimum=1)
if IMPORT_STALE_SECONDS <= IMPORT_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("IMPORT_STALE_SECONDS must be longer than IMPORT_HEARTBEAT_SECONDS.")
# Beat writes a heartbeat every BEAT_HEARTBEAT_SECONDS; /healthz calls beat dead after BEAT_STALE_SECONDS.
BEAT_HEARTBEAT_SECONDS = env_int("BEAT_HEARTBEAT_SECONDS", default=60, minimum=1)
BEAT_STALE_SECONDS = env_int("BEAT_STALE_SECONDS", default=180, minimum=2)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 2,
}
# Publishing from a request: bounded, so a request never hangs when Redis is down.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BEAT_SCHEDULE_MODULE = "portal.beat"
# /healthz pings a worker only where one is expected (production, make run with services).
HEALTHZ_CHECK_WORKER = env_bool("HEALTHZ_CHECK_WORKER", default=False)
# /healthz reads beat's heartbeat only where beat is expected to run (production: docker-compose sets it).
HEALTHZ_CHECK_BEAT = env_bool("HEALTHZ_CHECK_BEAT", default=False)

# --- Authentication ------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, signing in by user name, mobile number or (residents) ID number.
    "portal.auth.PhoneOrIdNumberBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "portal.passwords.MinimumLength", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes: six wrong passwords for one username from one address lock that pair out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=6, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=30, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

OTP_TOTP_ISSUER = "塔城地区就业服务平台"

# --- Internationalisation ------------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
# Kazakh and Uyghur as written in Xinjiang: Arabic script, right to left (docs/adr/, "Kazakh and Uyghur").
# Django's "kk" is Cyrillic and left to right, so Kazakh here is "kk-arab" (locale/kk_Arab), described below.
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("kk-arab", "قازاقشا"),
    ("ug", "ئۇيغۇرچە"),
]
LANG_INFO["kk-arab"] = {"bidi": True, "code": "kk-arab", "name": "Kazakh (Arabic script)", "name_local": "قازاقشا"}
# get_language_bidi() looks at the part before the hyphen; Cyrillic Kazakh is not offered, so "kk" means kk-arab.
LANGUAGES_BIDI = [*global_settings.LANGUAGES_BIDI, "kk"]
# Formats for locales Django has none for (kk_Arab: numeric dates rather than Cyrillic month names).
FORMAT_MODULE_PATH = ["portal.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Applicants' evidence uploads: never under a public URL; served only by views that check who asks.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private"))
# Notices (PDF) and evidence are read and written only through storages["notices"] and storages["private"]: the two
# directories above by default; with S3_BUCKET set, one S3-compatible bucket (MinIO on the intranet) that every web
# and worker machine shares, every object private, under media/ and private/.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    _s3_missing = [name for name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY") if not env.str(name, default="")]
    if _s3_missing:
        raise ImproperlyConfigured(f"S3_BUCKET is set: set {' and '.join(_s3_missing)} too.")
    S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="")
    if S3_ENDPOINT_URL and not S3_ENDPOINT_URL.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"S3_ENDPOINT_URL={S3_ENDPOINT_URL!r} must start with http:// or https://.")
    STORAGES.update(
        s3_storages(
            bucket=S3_BUCKET,
            endpoint_url=S3_ENDPOINT_URL,
            access_key=env.str("S3_ACCESS_KEY_ID"),
            secret_key=env.str("S3_SECRET_ACCESS_KEY"),
            region=env.str("S3_REGION", default="") or "us-east-1",
            # A signed URL, if one is ever made, lives this long; the portal's own views stream the files.
            url_expire_seconds=env_int("S3_URL_EXPIRE_SECONDS", default=60, minimum=1),
        )
    )
else:
    STORAGES["notices"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # MEDIA_ROOT
    STORAGES["private"] = {"BACKEND": "portal.storage.PrivateFileSystemStorage"}  # PRIVATE_MEDIA_ROOT
# Where `manage.py backup` writes its archives (a volume of its own in docker-compose.yml; copy them off the host).
BACKUP_ROOT = env.path("BACKUP_ROOT", default=str(BASE_DIR / "backups"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ---------------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
# The portal's public address, printed in QR codes on notices and in email links.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not PORTAL_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"PORTAL_BASE_URL={PORTAL_BASE_URL!r} must start with http:// or https://.")
# Text messages (phone confirmation codes): a class with send(phone, text); the console sender logs them.
SMS_SENDER = env.str("SMS_SENDER", default="portal.sms.ConsoleSender")
# Real-name check used when the phone on record cannot prove an identity: a class with verify(name, id_number,
# phone) -> portal.identity.Verdict (the carrier three-factor or public-security service in production).
IDENTITY_VERIFIER = env.str("IDENTITY_VERIFIER", default="portal.identity.DevelopmentVerifier")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@tacheng-jobs.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------------------
# In production the portal sits behind a TLS-terminating proxy that sets X-Forwarded-Proto.

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
# A staff session unused this long ends (portal.middleware); residents and enterprises keep SESSION_COOKIE_AGE.
STAFF_IDLE_TIMEOUT = 60 * env_int("STAFF_IDLE_TIMEOUT_MINUTES", default=30, minimum=1)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # the load balancer and Prometheus use plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# django-csp 4: nothing from another host, ever (the portal runs on an intranet).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# --- Logging -------------------------------------------------------------------------------------

# LOG_FORMAT=json (the default unless DEBUG): one JSON object per line with the request id, which the Celery tasks
# a request sends carry too (portal.observability). LOG_FORMAT=plain for reading in a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "portal.observability.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.observability.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
# Workers and beat log through the same configuration (JSON, request ids, LOG_LEVEL): see portal.observability.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_REDIRECT_STDOUTS = False

# /metrics (Prometheus) answers only a scraper sending "Authorization: Bearer <METRICS_TOKEN>"; unset, it is closed.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 24 characters long.")
