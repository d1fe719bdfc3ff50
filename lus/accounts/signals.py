"""What accounts tells the apps above it, which it never imports (the ladder)."""

from django.dispatch import Signal

#: Sent inside the transaction of a people import that created, changed or deactivated people
#: (they may have moved between units), with ``municipality_id``.
people_changed = Signal()
