from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("cases/<int:case_pk>/new/", views.case_upload, name="case-upload"),
    path(
        "cases/<int:case_pk>/consents/<int:consent_pk>/",
        views.consent_documents,
        name="consent",
    ),
    path("cases/<int:case_pk>/plans/<int:plan_pk>/", views.plan_documents, name="plan"),
    path("<int:pk>/download/", views.download, name="download"),
]
