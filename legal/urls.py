from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "legal"
# Every page here shows survivor data and is audited by construction (audit/reads.py).
urlpatterns = audited_urls(
    [
        path("cases/<int:case_pk>/proceedings/new/", views.proceeding_create, name="create"),
        path(
            "cases/<int:case_pk>/proceedings/<int:pk>/hearings/new/",
            views.hearing_create,
            name="hearing-create",
        ),
        path(
            "cases/<int:case_pk>/hearings/<int:pk>/record/",
            views.hearing_record,
            name="hearing-record",
        ),
        path(
            "cases/<int:case_pk>/hearings/<int:pk>/move/",
            views.hearing_move,
            name="hearing-move",
        ),
        path(
            "cases/<int:case_pk>/hearings/<int:pk>/cancel/",
            views.hearing_cancel,
            name="hearing-cancel",
        ),
        path(
            "cases/<int:case_pk>/proceedings/<int:pk>/protection/new/",
            views.protection_create,
            name="protection-create",
        ),
        path(
            "cases/<int:case_pk>/proceedings/<int:pk>/compensation/new/",
            views.compensation_create,
            name="compensation-create",
        ),
    ]
)
