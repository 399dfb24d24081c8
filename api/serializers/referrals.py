"""Referrals: both sides see the referral itself; the case's data follows the case's rules."""

from rest_framework import serializers

from cases.models import Case
from cases.selectors import case_list_visible_to
from organisations.models import Organisation
from referrals.models import Referral

from ..fields import VisiblePrimaryKeyField
from .base import ReadModelSerializer


class ReferralSerializer(ReadModelSerializer):
    from_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    case_number = serializers.CharField(source="case.case_number", read_only=True)
    sent_without_consent = serializers.BooleanField(source="is_overridden", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "case_number",
            "from_organisation",
            "to_organisation",
            "service",
            "reason",
            "urgency",
            "shares_identity",
            "shares_case_facts",
            "shares_health",
            "sent_without_consent",
            "status",
            "decline_reason",
            "outcome",
            "sent_at",
            "answered_at",
            "completed_at",
            "access_ends_on",
            "access_revoked_at",
            "consent_revoked_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=case_list_visible_to, model=Case)
    to_organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.filter(is_active=True)
    )
    service = serializers.ChoiceField(choices=Referral._meta.get_field("service").choices)
    reason = serializers.CharField(max_length=5000)
    urgency = serializers.ChoiceField(
        choices=Referral._meta.get_field("urgency").choices, required=False, default="routine"
    )
    shares_identity = serializers.BooleanField(required=False, default=False)
    shares_case_facts = serializers.BooleanField(required=False, default=False)
    shares_health = serializers.BooleanField(required=False, default=False)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Only a supervisor may send without consent; API keys cannot.",
    )


class ReferralDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ReferralCompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=5000)
