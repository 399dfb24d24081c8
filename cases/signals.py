"""Signals other apps listen to, so that cases need not know about them.

Business rules that a change causes (follow-up plans, ending referral access) are called by
the service that makes the change, not from here; signals only tell bystanders such as the
audit log."""

from django.dispatch import Signal

# Sent with request, cases (a queryset) and what (a label) when survivor data leaves the
# system as a file; the audit log records it.
exported = Signal()
