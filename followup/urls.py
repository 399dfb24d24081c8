from django.urls import path

from audit.reads import audited_urls

from . import views

app_name = "followup"
# Every page here shows survivor data and is audited by construction (audit/reads.py).
urlpatterns = audited_urls(
    [
        path("week/", views.week, name="week"),
        path("overdue/", views.overdue, name="overdue"),
        path("visits/<int:pk>/", views.visit_detail, name="visit"),
        path("visits/<int:pk>/missed/", views.visit_missed, name="visit-missed"),
        path("visits/<int:pk>/move/", views.visit_move, name="visit-move"),
        path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit-cancel"),
        path("cases/<int:case_pk>/add/", views.visit_add, name="visit-add"),
        path("cases/<int:case_pk>/history/", views.history, name="history"),
        path("resources/", views.resource_list, name="resources"),
        path("resources/new/", views.resource_create, name="resource-create"),
        path("notifications/", views.notifications, name="notifications"),
    ]
)
