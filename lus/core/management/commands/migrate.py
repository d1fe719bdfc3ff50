"""``migrate`` as the owner role when ``MIGRATE_DATABASE_URL`` is set, then the app role's
grants (``lus.core.db_roles``): the running app never owns a table."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from lus.core.db_roles import app_role_name, grant_app_role, owner_connection


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        app_role = app_role_name()  # before the connection switches to the owner
        with owner_connection(options["database"]) as connection:
            super().handle(*args, **options)
            if connection.vendor != "postgresql" or not app_role:
                return
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_user")
                owner = cursor.fetchone()[0]
            if owner != app_role:
                grant_app_role(connection, app_role)
                if options["verbosity"] >= 1:
                    self.stdout.write(
                        f"Granted the app role {app_role!r} its rights (owner: {owner!r})."
                    )
