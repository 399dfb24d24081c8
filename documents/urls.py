from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "documents"
# Every page here shows survivor data and is audited by construction (audit/reads.py); a 404
# is recorded as a denied attempt on the case or the document the URL names.
urlpatterns = audited_urls(
    [
        path("cases/<int:case_pk>/new/", views.case_upload, name="case-upload"),
        path(
            "cases/<int:case_pk>/consents/<int:consent_pk>/",
            views.consent_documents,
            name="consent",
        ),
        path("cases/<int:case_pk>/plans/<int:plan_pk>/", views.plan_documents, name="plan"),
        path(
            "cases/<int:case_pk>/proceedings/<int:proceeding_pk>/",
            views.proceeding_documents,
            name="proceeding",
        ),
        path("cases/<int:case_pk>/return/", views.return_documents, name="return"),
        path("<int:pk>/download/", views.download, name="download"),
    ]
)
