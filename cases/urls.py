from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "cases"
# Every page here shows survivor data and is audited by construction (audit/reads.py).
urlpatterns = audited_urls(
    [
        path("", views.case_list, name="list"),
        path("new/", views.case_create, name="create"),
        path("team/", views.team, name="team"),
        path("export/", views.caseload_export, name="export"),
        path("<int:pk>/consents/new/", views.consent_create, name="consent-create"),
        path(
            "<int:pk>/consents/<int:consent_pk>/withdraw/",
            views.consent_withdraw,
            name="consent-withdraw",
        ),
        path("<int:pk>/assign/", views.case_assign, name="assign"),
        path("<int:pk>/", views.case_detail, name="detail"),
        path("<int:pk>/edit/", views.case_edit, name="edit"),
        path("<int:pk>/sensitive/", views.case_sensitive_facts_edit, name="sensitive-facts"),
        path("<int:pk>/phase/", views.case_phase_change, name="phase"),
        path("<int:pk>/sessions/new/", views.counselling_session_create, name="session-create"),
    ]
)
