"""Settings for the test suite: real PostgreSQL and Redis (make test starts them)."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "k" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "lq3bSzL8m6vSWdlcLKmqVmDMQ2AVXXbDGfgrUPczE6U=")
os.environ.setdefault("BLIND_INDEX_KEY", "test-blind-index-key-0123456789abcdef")

from portal.settings.base import *  # noqa: F403

# Tests drive tasks inline unless a test starts a real worker (tests/portal/test_celery_worker.py); the workers and
# beat that tests start send their tasks through Redis (CELERY_EAGER=0).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER", default=True)  # noqa: F405
SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_SENDER = "portal.sms.LocmemSender"
# Rate-limit counters in this process only, emptied before each test (tests/conftest.py), never in the shared Redis.
CACHES["ratelimit"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
