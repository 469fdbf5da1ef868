from django.urls import path

from . import moderation, views

app_name = "suppliers"

urlpatterns = [
    path("profile/", views.profile_overview, name="profile"),
    path("profile/submit/", views.profile_submit, name="profile_submit"),
    path("profile/documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("profile/<slug:step>/", views.profile_step, name="profile_step"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("<int:organization_id>/", views.supplier_detail, name="detail"),
    path("moderation/", moderation.moderation_queue, name="moderation_queue"),
    path("moderation/<int:pk>/", moderation.moderation_detail, name="moderation_detail"),
    path("moderation/<int:pk>/decide/", moderation.moderation_decide, name="moderation_decide"),
    path("moderation/<int:pk>/suspend/", moderation.moderation_suspend, name="moderation_suspend"),
    path(
        "moderation/<int:pk>/reinstate/",
        moderation.moderation_reinstate,
        name="moderation_reinstate",
    ),
]
