"""Who may see, print, file and download a LUS document. The content is confidential: only the
leader and the leader's leader holding the LUS (everyone else, HR included, gets 404). HR sees
the filed records' metadata in the admin, never the PDF."""

from __future__ import annotations

import rules

from lus.conversations.rules import is_conversation_party, is_leaders_leader


@rules.predicate
def is_record_party(user, record) -> bool:
    return bool(
        user.is_authenticated
        and record is not None
        and user.pk in (record.leader_id, record.leaders_leader_id)
    )


@rules.predicate
def is_record_leaders_leader(user, record) -> bool:
    return bool(
        user.is_authenticated and record is not None and record.leaders_leader_id == user.pk
    )


# The document page, the live preview and the blank printable form: both parties.
rules.add_perm("documents.view_document", is_conversation_party)
# Filing: the leader's leader holding the LUS (the service checks status and approvals).
rules.add_perm("documents.file_conversation", is_leaders_leader)
rules.add_perm("documents.download_filedrecord", is_record_party)
rules.add_perm("documents.retry_filedrecord", is_record_leaders_leader)
