"""URL map: pages under /w/<workspace>/, the API under /api/v1/, health at /healthz."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from leadline.agreements.urls import urlpatterns as agreements_urls
from leadline.alignment.urls import urlpatterns as alignment_urls
from leadline.api import api, mount
from leadline.cadence.urls import urlpatterns as cadence_urls
from leadline.changes.urls import urlpatterns as changes_urls
from leadline.clauses.urls import urlpatterns as clauses_urls
from leadline.competency.urls import urlpatterns as competency_urls
from leadline.concentration.urls import urlpatterns as concentration_urls
from leadline.dashboards.urls import urlpatterns as metrics_urls
from leadline.decisions.urls import urlpatterns as decisions_urls
from leadline.delivery.urls import urlpatterns as delivery_urls
from leadline.governance import views as governance
from leadline.impact.urls import urlpatterns as impact_urls
from leadline.jobs import views as jobs
from leadline.notify.urls import urlpatterns as notify_urls
from leadline.outcomes.urls import urlpatterns as outcomes_urls
from leadline.pulse.urls import urlpatterns as pulse_urls
from leadline.radar.urls import urlpatterns as radar_urls
from leadline.raid.urls import urlpatterns as raid_urls
from leadline.retro.urls import urlpatterns as retro_urls
from leadline.web import signin
from leadline.web import views as web
from leadline.workspaces import settings_views
from leadline.workspaces import views as workspaces

mount()

workspace_urls = (
    [
        path("", web.workspace_home, name="workspace-home"),
        path("people/", workspaces.people, name="people"),
        path("members/", settings_views.old_members, name="members"),
        path("settings/", settings_views.settings_home, name="settings"),
        path("settings/profile/", settings_views.profile, name="settings-profile"),
        path("settings/password/", settings_views.password, name="settings-password"),
        path("settings/workspace/", settings_views.workspace_settings, name="settings-workspace"),
        path("settings/members/", settings_views.members, name="settings-members"),
        path("settings/thresholds/", governance.thresholds, name="settings-thresholds"),
        path("audit/", web.audit_log, name="audit"),
        path("jobs/", jobs.job_list, name="jobs"),
        path("jobs/start/", jobs.job_start, name="job-start"),
        path("jobs/<uuid:job_id>/", jobs.job_detail, name="job"),
        path("jobs/<uuid:job_id>/cancel/", jobs.job_cancel, name="job-cancel"),
    ]
    + raid_urls
    + decisions_urls
    + agreements_urls
    + clauses_urls
    + alignment_urls
    + changes_urls
    + notify_urls
    + delivery_urls
    + metrics_urls
    + radar_urls
    + pulse_urls
    + retro_urls
    + impact_urls
    + outcomes_urls
    + concentration_urls
    + competency_urls
    + cadence_urls
)

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", web.healthz, name="healthz"),
    path("account/tokens/", workspaces.tokens, name="tokens"),
    path("account/profile/", settings_views.account_profile, name="account-profile"),
    path("account/password/", settings_views.account_password, name="account-password"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        signin.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        signin.UnlockingPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("api/v1/", api.urls),
    path("w/<slug:ws>/", include(workspace_urls)),
]

# Error pages inside the layout (Django's own are bare); the 500 page needs no database.
handler403 = "leadline.web.errors.forbidden"
handler404 = "leadline.web.errors.not_found"
handler500 = "leadline.web.errors.server_error"
