from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases import views as case_views
from followup import views as followup_views
from organisations import two_factor
from organisations import views as organisation_views

handler400 = "webforms.responses.bad_request"

urlpatterns = [
    path("", case_views.home, name="home"),
    path("i18n/setlang/", organisation_views.set_language, name="set_language"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.two_factor, name="two-factor"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        two_factor.SignInLinkView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Deactivating a person hands their cases and visits over, so the page belongs to followup,
    # the app that knows both; it sits beside the People page it starts from.
    path(
        "organisation/people/<int:pk>/deactivate/",
        followup_views.person_deactivate,
        name="person-deactivate",
    ),
    path("organisation/", include("organisations.urls")),
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("transfers/", include("transfers.urls")),
    path("followup/", include("followup.urls")),
    path("plans/", include("plans.urls")),
    path("documents/", include("documents.urls")),
    path("legal/", include("legal.urls")),
    path("returns/", include("returns.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("audit/", include("audit.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("primero/", include("primero.urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]
