"""Give the app's PostgreSQL role exactly its rights (``lus.core.db_roles``), or print the SQL.

manage.py db_app_role                 # as the owner (MIGRATE_DATABASE_URL), for DATABASE_URL's user
manage.py db_app_role --role lus_app --print
"""

from django.core.management.base import BaseCommand, CommandError

from lus.core.db_roles import app_role_name, grant_app_role, grant_statements, owner_connection


class Command(BaseCommand):
    help = "Grant the app role its rights: SELECT/INSERT only on the audit log and filed records."

    def add_arguments(self, parser):
        parser.add_argument("--role", help="The app role (default: the user of DATABASE_URL).")
        parser.add_argument("--owner", help="With --print: the owner role for default grants.")
        parser.add_argument("--print", action="store_true", help="Print the SQL, change nothing.")

    def handle(self, *args, role=None, owner=None, print=False, **options):
        role = role or app_role_name()
        if not role:
            raise CommandError("No app role: give --role or set DATABASE_URL with a user.")
        if print:
            for sql in grant_statements(role, owner_role=owner):
                self.stdout.write(sql + ";")
            return
        with owner_connection() as connection:
            if connection.vendor != "postgresql":
                raise CommandError("Database roles are a PostgreSQL feature.")
            try:
                grant_app_role(connection, role)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"Granted {role!r} its rights.")
