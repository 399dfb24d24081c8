from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "plans"
# Every page here shows survivor data and is audited by construction (audit/reads.py).
urlpatterns = audited_urls(
    [
        path("my-work/", views.my_work, name="my-work"),
        path("approvals/", views.approvals, name="approvals"),
        path("cases/<int:pk>/", views.plan, name="plan"),
        path("cases/<int:pk>/edit/", views.plan_edit, name="edit"),
        path("cases/<int:pk>/submit/", views.plan_submit, name="submit"),
        path("cases/<int:pk>/assessments/new/", views.assessment_create, name="assessment-create"),
        path(
            "cases/<int:pk>/family-assessments/new/",
            views.family_assessment_create,
            name="family-assessment-create",
        ),
        path(
            "cases/<int:pk>/community-preparation/new/",
            views.community_preparation_create,
            name="community-preparation-create",
        ),
        path("cases/<int:pk>/closure/new/", views.closure_request_create, name="closure-request"),
        path("cases/<int:pk>/livelihood/new/", views.livelihood_create, name="livelihood-create"),
        path(
            "cases/<int:pk>/actions/<int:action_pk>/services/new/",
            views.service_create,
            name="service-create",
        ),
        path(
            "cases/<int:pk>/approvals/<int:approval_pk>/",
            views.approval_decide,
            name="approval-decide",
        ),
    ]
)
