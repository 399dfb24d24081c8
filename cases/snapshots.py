"""A case's own identity and case facts as they stood at a moment, and the case read back
from them: what an organisation that transferred a case away keeps reading during its grace
period, so that nothing the new owner corrects or adds afterwards reaches it. Taken on the
transfer's acceptance (transfers.services) and stored encrypted, as sensitive facts are
(cases.encryption); read through `cases.visibility.as_seen`."""

import copy
import datetime as dt

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from organisations.models import Province

from . import visibility
from .models import Case, CaseExploitation

# The case's own fields a former owner reads, and who works on the case (which the new
# owner may change): every stored field of those categories.
_KEPT = {
    *visibility.FIELDS["cases.Case"][visibility.IDENTITY],
    *visibility.FIELDS["cases.Case"][visibility.CASE_FACTS],
    "assigned_worker",
}
SNAPSHOT_FIELDS = tuple(
    field for field in Case._meta.concrete_fields if field.name in _KEPT and not field.primary_key
)
EXPLOITATION_FIELDS = ("form", "country", "province", "started_on", "ended_on")
# Derived columns of a case's facts (caseload annotations): not in a snapshot, so unknown.
_DERIVED = tuple(
    name
    for name in visibility.FIELDS["cases.Case"][visibility.CASE_FACTS]
    if name not in {field.name for field in SNAPSHOT_FIELDS} and name != "exploitations"
)

encoder = DjangoJSONEncoder


def _plain(value):
    # A country reads as an object; its code is what the column holds.
    return getattr(value, "code", value)


def _values(instance: Model, fields) -> dict:
    return {field.attname: _plain(field.value_from_object(instance)) for field in fields}


def case_snapshot(case: Model, exploitations) -> dict:
    """The case's fields a former owner keeps, and its forms of exploitation, as JSON-ready
    values. Works on a migration's historical models too."""
    fields = [case._meta.get_field(field.name) for field in SNAPSHOT_FIELDS]
    rows = [
        _values(row, [row._meta.get_field(name) for name in EXPLOITATION_FIELDS])
        for row in exploitations
    ]
    return {"case": _values(case, fields), "exploitations": rows}


def case_as_it_was(case: Case, snapshot: dict, as_of: dt.datetime | None = None) -> Case:
    """A copy of `case` holding the snapshot's values, never saved: bookkeeping (number,
    owner) as now, identity and case facts as they were; derived facts unknown. Its forms
    of exploitation are the snapshot's (read with `.exploitations.all()`). It last changed
    at `as_of`, the moment the snapshot was taken (unknown where not given): the live
    `updated_at` moves whenever the new owner works on the case."""
    then = copy.copy(case)
    stored = snapshot.get("case", {})
    for field in SNAPSHOT_FIELDS:
        if field.attname in stored:
            setattr(then, field.attname, field.to_python(stored[field.attname]))
    then.updated_at = as_of
    for name in _DERIVED:
        if name in then.__dict__:
            setattr(then, name, None)
    then._prefetched_objects_cache = {"exploitations": _exploitations(then, snapshot)}
    then._state.adding = False
    return then


def with_provinces(rows: list) -> list:
    """Forms of exploitation of a snapshot with their provinces, read in one query (none
    when no form names one): for pages that show the province's name."""
    province_ids = {row.province_id for row in rows if row.province_id}
    provinces = Province.objects.in_bulk(province_ids) if province_ids else {}
    for row in rows:
        if row.province_id in provinces:
            row.province = provinces[row.province_id]
    return rows


def _exploitations(case: Case, snapshot: dict):
    fields = [CaseExploitation._meta.get_field(name) for name in EXPLOITATION_FIELDS]
    rows = [
        CaseExploitation(case=case, **{f.attname: f.to_python(row.get(f.attname)) for f in fields})
        for row in snapshot.get("exploitations", ())
    ]
    # A queryset already evaluated, as prefetch_related leaves one: no query when read.
    queryset = CaseExploitation.objects.filter(case=case)
    queryset._result_cache, queryset._prefetch_done = rows, True
    return queryset
