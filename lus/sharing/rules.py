"""Sharing: a share is the leader's own (only they may revoke it; everyone else 404)."""

from __future__ import annotations

import rules


@rules.predicate
def is_own_share(user, share) -> bool:
    return bool(user.is_authenticated and share is not None and share.shared_by_id == user.pk)


rules.add_perm("sharing.revoke_share", is_own_share)
