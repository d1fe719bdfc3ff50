"""ASGI entry point: serves the plan's event stream without holding a worker per listener
(gunicorn with uvicorn workers; docs/architecture.md, docs/deployment.md)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lus.settings")

application = get_asgi_application()
