"""Test settings: production settings with the few changes a test run needs."""

from lus.settings import *  # noqa: F403

# The bench harness is not a production app; its generator and commands are tested.
INSTALLED_APPS = [*INSTALLED_APPS, "lus.bench"]  # noqa: F405

# The test client and the live server speak plain HTTP on localhost.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Hashing demo passwords with PBKDF2 dominates test time; the algorithm is not under test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One process per test worker: the in-memory cache is enough (the shared database cache is
# exercised by tests/deployment/test_two_nodes.py).
CACHES = {
    **CACHES,  # noqa: F405
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# Tasks run at once, inside the test (the database worker is exercised by make demo).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A plan event stream served by the threaded test server ends soon, so no request thread
# outlives its test (the browser reconnects and resumes from its cursor).
LUS_STREAM_WSGI_SECONDS = 4.0
