"""Transfers of a case's ownership, as the two organisations see them: which case, from whom,
to whom, where the request stands. The reasons are free text that may tell a survivor's
circumstances; they stay on the supervisors' pages."""

from rest_framework import serializers

from transfers.models import Transfer

from .base import ReadModelSerializer


class TransferSerializer(ReadModelSerializer):
    from_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    case_number = serializers.CharField(source="case.case_number", read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id", "case", "case_number", "from_organisation", "to_organisation", "status",
            "requested_at", "answered_at", "sender_access_ends_on",
        ]  # fmt: skip
        read_only_fields = fields
