from django.contrib import admin
from django_tasks_db.models import DBTaskResult

# Task results are the platform's bookkeeping (arguments, outputs, tracebacks of every
# municipality's jobs), not HR's: out of the admin; the platform reads them in the database.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
