from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import health, views

portal_patterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organization/members/", views.organization_members, name="organization_members"),
    path("organization/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("organization/members/<int:pk>/role/", views.member_set_role, name="member_set_role"),
    path(
        "organization/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("moderation/organizations/", views.organization_list, name="organization_list"),
]

# The admin has no login form of its own: allauth's (rate limits, MFA, security log) is used.
admin.site.login = secure_admin_login(admin.site.login)
# Answer of allauth's rate limits (portal.security audits and logs it).
handler429 = "portal.security.rate_limited"

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("suppliers/", include("suppliers.urls")),
    path("tenders/", include("tenders.urls")),
    path("shortlists/", include("matching.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/", include("api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
