"""Settings of ``make bench``: the production settings plus the bench harness (its commands,
the floor endpoints and the two reference servers in ``lus.bench.wsgi``). Production never
loads ``lus.bench``."""

from lus.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "lus.bench"]  # noqa: F405
ROOT_URLCONF = "lus.bench.urls_root"
