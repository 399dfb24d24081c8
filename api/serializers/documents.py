"""Documents: metadata only; the file itself is downloaded from `content/`."""

from django.urls import reverse
from rest_framework import serializers

from cases.models import Case, Consent
from cases.selectors import case_list_visible_to, consents_visible_to
from documents.models import Category, Document
from legal.models import LegalProceeding
from plans.models import Plan
from returns.models import CrossBorderReturn
from returns.selectors import cases_with_protection_visible_to

from ..fields import MAX_ID, VisiblePrimaryKeyField
from .base import ReadModelSerializer


class DocumentSerializer(ReadModelSerializer):
    file_name = serializers.CharField(source="original_name", read_only=True)
    content_url = serializers.SerializerMethodField(help_text="Where to download the file.")

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "consent",
            "plan",
            "proceeding",
            "cross_border_return",
            "category",
            "content_type",
            "size",
            "file_name",
            "uploaded_at",
            "content_url",
        ]
        read_only_fields = fields

    def get_content_url(self, document: Document) -> str:
        return reverse("api:document-content", args=[document.pk])


def _plans_visible(user):
    return Plan.objects.filter(case__in=case_list_visible_to(user))


def _proceedings_visible(user):
    return LegalProceeding.objects.filter(case__in=cases_with_protection_visible_to(user))


def _returns_visible(user):
    return CrossBorderReturn.objects.filter(case__in=cases_with_protection_visible_to(user))


class DocumentUploadSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=case_list_visible_to, model=Case)
    category = serializers.ChoiceField(choices=Category.choices)
    file = serializers.FileField(
        help_text="PDF, JPEG or PNG (checked from the file's content), up to 10 MB."
    )
    consent = VisiblePrimaryKeyField(
        scope=consents_visible_to,
        model=Consent,
        required=False,
        allow_null=True,
        help_text="The consent this file belongs to (a signed consent form).",
    )
    plan = VisiblePrimaryKeyField(
        scope=_plans_visible,
        model=Plan,
        required=False,
        allow_null=True,
        help_text="The reintegration plan this file belongs to.",
    )
    proceeding = VisiblePrimaryKeyField(
        scope=_proceedings_visible,
        model=LegalProceeding,
        required=False,
        allow_null=True,
        help_text="The legal proceeding this file belongs to (court papers).",
    )
    cross_border_return = VisiblePrimaryKeyField(
        scope=_returns_visible,
        model=CrossBorderReturn,
        required=False,
        allow_null=True,
        help_text="The cross-border return this file belongs to (a travel document).",
    )


class DocumentListQuerySerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=MAX_ID)
