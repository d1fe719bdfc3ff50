from lus.audit.models import AuditEvent


def audit_events_about(person):
    """Who has accessed or changed this person's data (by others), newest first."""
    return (
        AuditEvent.objects.filter(subject_id=person.pk)
        .exclude(actor_id=person.pk)
        .order_by("-created_at", "-pk")
    )
