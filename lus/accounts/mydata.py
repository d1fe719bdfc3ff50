"""The person's own details in "Download my data" (``lus.orchestration.mydata``)."""

from __future__ import annotations

from lus.core.dates import iso

from .models import User


def person_data(person: User) -> dict:
    return {
        "username": person.username,
        "name": person.name,
        "email": person.email,
        "job_title": person.job_title,
        "municipality": person.municipality.name if person.municipality else None,
        "org_unit": str(person.org_unit) if person.org_unit_id else None,
        "leader": person.manager.name if person.manager else None,
        "birth_date": iso(person.birth_date),
        "date_joined": iso(person.date_joined),
        "last_login": iso(person.last_login),
        "date_left": iso(person.date_left),
        "is_hr": person.is_hr,
    }
