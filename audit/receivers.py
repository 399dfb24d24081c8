"""Signal receivers: the caseload export, access granted or revoked, and auditlog's rows."""

from auditlog.models import LogEntry
from django.db.models.signals import post_save, pre_save

from cases.models import Case, CaseEvent, EventKind
from cases.signals import exported

from .context import current_request
from .models import Action
from .services import record, record_system

ACCESS_ACTIONS = {
    EventKind.ACCESS_GRANTED: Action.ACCESS_GRANTED,
    EventKind.ACCESS_REVOKED: Action.ACCESS_REVOKED,
}


def caseload_exported(sender, *, request, cases, what: str = "", **kwargs) -> None:
    record(request, action=Action.EXPORT, cases=cases)


def case_access_changed(sender, *, instance: CaseEvent, created: bool, **kwargs) -> None:
    action = ACCESS_ACTIONS.get(instance.kind)
    if not created or action is None:
        return
    # The organisation let in or shut out is the record; the case is the event's.
    target = {"object_type": "organisation", "object_id": instance.organisation_id}
    request = current_request()
    if request is not None and getattr(request, "user", None) is not None:
        record(request, action=action, case=instance.case, **target)
    else:
        record_system(action=action, actor=instance.actor, case=instance.case, **target)


def logentry_without_values(sender, *, instance: LogEntry, **kwargs) -> None:
    """auditlog writes `str(instance)` as the object's name, and a referral's names its
    service ("HIV care and treatment"); write the type and id instead. No serialized copy."""
    if instance._state.adding:
        instance.object_repr = f"{instance.content_type.model} {instance.object_pk}"
        instance.serialized_data = None


def connect() -> None:
    exported.connect(caseload_exported, sender=Case, dispatch_uid="audit.caseload_exported")
    post_save.connect(
        case_access_changed, sender=CaseEvent, dispatch_uid="audit.case_access_changed"
    )
    pre_save.connect(
        logentry_without_values, sender=LogEntry, dispatch_uid="audit.logentry_without_values"
    )
