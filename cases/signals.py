"""Signals other apps listen to, so that cases need not know about referrals or follow-up.

Both are sent inside the service's transaction: a receiver's failure undoes the change."""

from django.dispatch import Signal

# Sent with case, actor, from_phase, to_phase after a phase change is saved.
case_phase_changed = Signal()

# Sent with case, actor and worker after a case is assigned to another worker.
case_assigned = Signal()

# Sent with consent and actor after a consent is withdrawn.
consent_withdrawn = Signal()

# Sent with request, cases (a queryset) and what (a label) when survivor data leaves the
# system as a file; the audit log records it.
exported = Signal()
