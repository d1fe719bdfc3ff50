"""Data for tests/deployment/test_two_nodes.py, run as ``python -m tests.deployment.seed`` in a
subprocess against the throwaway database (DATABASE_URL). Prints JSON: the leaders_leader's login,
a held conversation to co-edit and an agreed one to file."""

from __future__ import annotations

import json
import os


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lus.settings_test")
    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from tests.documents.factories import make_agreed_conversation
    from tests.factories import LeaderFactory, MunicipalityFactory

    municipality = MunicipalityFactory(slug="haderslev", name="Haderslev Kommune")
    leader = LeaderFactory(municipality=municipality)
    agreed = make_agreed_conversation(leader, year=2026)
    held = make_agreed_conversation(leader, version=agreed.version, agree=False, year=2025)
    leaders_leader = leader.manager
    password = "to-noder-samme-database"
    # The nodes run production settings (PBKDF2); the factories hash with the test hasher.
    leaders_leader.password = PBKDF2PasswordHasher().encode(password, "deploymentsalt")
    leaders_leader.save(update_fields=["password"])
    print(
        json.dumps(
            {
                "username": leaders_leader.username,
                "password": password,
                "held": held.pk,
                "agreed": agreed.pk,
            }
        )
    )


if __name__ == "__main__":
    main()
