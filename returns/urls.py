from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "returns"
# Every page here shows survivor data and is audited by construction (audit/reads.py).
urlpatterns = audited_urls(
    [
        path("cases/<int:case_pk>/new/", views.return_start, name="create"),
        path("cases/<int:case_pk>/edit/", views.return_edit, name="edit"),
        path("cases/<int:case_pk>/steps/<slug:step>/", views.step_record, name="step"),
    ]
)
