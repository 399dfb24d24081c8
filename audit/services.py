"""Writing the access log. One row, one INSERT, per call; never a name or any other value."""

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Model

from organisations.models import Organisation, User

from .models import AccessEvent, Action, Channel

# A list or an export keeps at most this many case ids (a page is 25 to 100); the count is kept
# in full.
MAX_CASE_IDS = 5000
USER_AGENT_LENGTH = AccessEvent._meta.get_field("user_agent").max_length
PATH_LENGTH = AccessEvent._meta.get_field("path").max_length
BIGINT_MAX = 2**63 - 1
LABEL_LENGTH = AccessEvent._meta.get_field("api_key_label").max_length


def _valid_ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. Behind AUDIT_TRUSTED_PROXY_COUNT proxies, each appending the
    address it received the request from to X-Forwarded-For, the client is that many entries
    from the right; anything further left was written by the client and is not trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "AUDIT_TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p]
        if len(forwarded) >= proxies:
            return _valid_ip(forwarded[-proxies])
    return _valid_ip(remote)


def _channel(request) -> tuple[str, int | None, str]:
    """Browser, or API with the key's id and label. The API sets `request.audit_api_key` to
    (id, label); failing that, a DRF request's `auth` object is used."""
    key = getattr(request, "audit_api_key", None)
    if key:
        key_id, label = key
        return Channel.API, key_id, str(label)[:LABEL_LENGTH]
    if not hasattr(request, "accepted_renderer") and not hasattr(request, "auth"):
        return Channel.BROWSER, None, ""
    auth = getattr(request, "auth", None)
    key_id = getattr(auth, "pk", None)
    label = str(auth)[:LABEL_LENGTH] if auth is not None and isinstance(key_id, int) else ""
    return Channel.API, key_id if isinstance(key_id, int) else None, label


def case_id_of(obj) -> int | None:
    """The case a record belongs to: its own `case_id`, or, for a record kept under another
    (a hearing under its legal proceeding, named by the model's `audit_parent`), that one's.
    Select the parent with the record to spare a query."""
    while obj is not None:
        if getattr(obj, "case_id", None) is not None:
            return obj.case_id
        parent = getattr(type(obj), "audit_parent", None)
        obj = getattr(obj, parent) if parent else None
    return None


def _target(case, obj) -> dict:
    """The case (and its organisation) and, for another record, its type and id."""
    from cases.models import Case

    fields = {}
    if isinstance(obj, Case):
        case, obj = obj, None
    if obj is not None:
        fields["object_type"] = obj._meta.model_name
        fields["object_id"] = obj.pk
        if case is None and getattr(obj, "case_id", None) is not None:
            if type(obj).case.is_cached(obj):
                case = obj.case
            else:
                fields["case_id"] = obj.case_id
        elif case is None and case_id_of(obj) is not None:
            fields["case_id"] = case_id_of(obj)
    if case is not None:
        fields["case_id"] = case.pk
        fields["case_organisation_id"] = case.organisation_id
    return fields


def _case_ids(cases: Iterable) -> tuple[list[int], int]:
    ids = [item if isinstance(item, int) else item.pk for item in cases]
    return ids[:MAX_CASE_IDS], len(ids)


def _actor(request) -> tuple[User | None, Organisation | None]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None, None
    membership = user.membership_or_none
    return user, membership.organisation if membership is not None else None


def record(
    request,
    *,
    action: str,
    case=None,
    cases: Iterable | None = None,
    obj: Model | None = None,
    denied: bool = False,
    **extra,
) -> AccessEvent:
    """Record that the request's user did `action` to a case, a list of cases (`cases`: the
    page's cases or ids) or another record (`obj`: a referral, a visit, a consent...)."""
    user, organisation = _actor(request)
    channel, key_id, key_label = _channel(request)
    fields = _target(case, obj)
    if cases is not None:
        fields["case_ids"], fields["case_count"] = _case_ids(cases)
    fields.update(extra)
    # Seen by `audit.reads.audited`: the view said what it did, no fallback row is needed.
    getattr(request, "_request", request).audit_recorded = True
    return AccessEvent.objects.create(
        user=user,
        organisation=organisation,
        action=action,
        denied=denied,
        channel=channel,
        api_key_id=key_id,
        api_key_label=key_label,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
        # The path, never the query string: a search may carry a survivor's name.
        path=request.path[:PATH_LENGTH],
        **fields,
    )


def record_system(
    *, action: str, actor: User | None = None, case=None, obj: Model | None = None, **extra
) -> AccessEvent:
    """Record a change made outside any request (a periodic job, a management command)."""
    membership = actor.membership_or_none if actor is not None else None
    return AccessEvent.objects.create(
        user=actor,
        organisation=membership.organisation if membership is not None else None,
        action=action,
        channel=Channel.SYSTEM,
        **_target(case, obj),
        **extra,
    )


def record_denied(request, *, kind: str, pk: int) -> AccessEvent | None:
    """A 404 on a survivor's record: missing or not theirs. Kept so that snooping shows."""
    action = Action.VIEW if request.method in ("GET", "HEAD") else Action.UPDATE
    return record_by_id(request, kind=kind, pk=pk, action=action, denied=True)


def record_by_id(
    request, *, kind: str, pk: int | None, action: str, denied: bool = False
) -> AccessEvent | None:
    """Record an action on a record known by its id: `kind` is "case" or a model label
    ("followup.FollowUpVisit"); the case and its organisation are looked up in one query."""
    from django.apps import apps

    user, _organisation = _actor(request)
    if user is None:
        return None
    if pk is not None and not 0 < pk <= BIGINT_MAX:
        pk = None  # an id no row can have, kept out of the integer columns
    if kind == "case":
        owner = (
            apps.get_model("cases", "Case")
            .objects.filter(pk=pk)
            .values_list("organisation_id", flat=True)
            .first()
        )
        return record(request, action=action, denied=denied, case_id=pk, case_organisation_id=owner)
    model = apps.get_model(*kind.split("."))
    found = None
    if pk is not None and any(f.name == "case" for f in model._meta.concrete_fields):
        found = model.objects.filter(pk=pk).values_list("case_id", "case__organisation_id")
        found = found.first()
    case_id, owner = found if found else (None, None)
    return record(
        request,
        action=action,
        denied=denied,
        object_type=model._meta.model_name,
        object_id=pk,
        case_id=case_id,
        case_organisation_id=owner,
    )
