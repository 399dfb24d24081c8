from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .views import keys
from .views.cases import CaseViewSet, ConsentViewSet, CounsellingSessionViewSet
from .views.directory import OrganisationViewSet, ProvinceViewSet, TombstoneViewSet
from .views.documents import DocumentViewSet
from .views.errors import not_found
from .views.followup import CommunityResourceViewSet, VisitViewSet
from .views.legal import HearingViewSet, LegalProceedingViewSet
from .views.plans import (
    ApprovalViewSet,
    AssessmentViewSet,
    CommunityPreparationViewSet,
    FamilyAssessmentViewSet,
    LivelihoodFactViewSet,
    PlanViewSet,
    ServiceDeliveryViewSet,
)
from .views.referrals import ReferralViewSet
from .views.returns import ReturnViewSet
from .views.transfers import TransferViewSet

app_name = "api"

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("consents", ConsentViewSet, basename="consent")
router.register("counselling-sessions", CounsellingSessionViewSet, basename="counselling-session")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("visits", VisitViewSet, basename="visit")
router.register("documents", DocumentViewSet, basename="document")
router.register("legal-proceedings", LegalProceedingViewSet, basename="legal-proceeding")
router.register("hearings", HearingViewSet, basename="hearing")
router.register("community-resources", CommunityResourceViewSet, basename="community-resource")
router.register("plans", PlanViewSet, basename="plan")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("approvals", ApprovalViewSet, basename="approval")
router.register("services-delivered", ServiceDeliveryViewSet, basename="service-delivered")
router.register("returns", ReturnViewSet, basename="return")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("family-assessments", FamilyAssessmentViewSet, basename="family-assessment")
router.register(
    "community-preparation", CommunityPreparationViewSet, basename="community-preparation"
)
router.register("livelihood-facts", LivelihoodFactViewSet, basename="livelihood-fact")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("provinces", ProvinceViewSet, basename="province")
router.register("tombstones", TombstoneViewSet, basename="tombstone")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script from the app, so the page needs no inline script
    # (the site's Content-Security-Policy forbids it) and no other host.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    # The organisation administrator's page for keys: HTML, signed in, not part of the API.
    path("keys/", keys.key_list, name="keys"),
    path("keys/<int:pk>/revoke/", keys.key_revoke, name="key-revoke"),
    *router.urls,
    re_path(r"^.*$", not_found),
]
