"""URLs of the tenders app, under /tenders/."""

from django.urls import path

from . import views

app_name = "tenders"

urlpatterns = [
    path("", views.tender_search, name="search"),
    path("new/", views.tender_create, name="create"),
    path("cpv/", views.cpv_search, name="cpv_search"),
    path("ocds.json", views.ocds_package, name="ocds_package"),
    path("import/", views.ocds_import_upload, name="import"),
    path("import/<int:pk>/", views.ocds_import_job, name="import_job"),
    path("<int:pk>/", views.tender_detail, name="detail"),
    path("<int:pk>/edit/", views.tender_edit, name="edit"),
    path("<int:pk>/publish/", views.tender_publish, name="publish"),
    path("<int:pk>/close/", views.tender_close, name="close"),
    path("<int:pk>/award/", views.tender_award, name="award"),
    path("<int:pk>/cancel/", views.tender_cancel, name="cancel"),
    path("<int:pk>/interest/", views.interest_express, name="interest_express"),
    path("<int:pk>/interest/withdraw/", views.interest_withdraw, name="interest_withdraw"),
    path("<int:pk>/ocds.json", views.ocds_release, name="ocds_release"),
]
