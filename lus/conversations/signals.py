"""What conversations tells the apps above it, which it never imports (the ladder)."""

from django.dispatch import Signal

#: Sent inside the transaction that creates a conversation or changes its status, with
#: ``conversation`` and ``old_status`` (None: the conversation is new). HR's status counts
#: (``lus.rounds.counts``) follow it in the same transaction.
conversation_status_changed = Signal()
