from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("<int:tender_id>/", views.shortlist, name="shortlist"),
    path("<int:tender_id>/export.csv", views.shortlist_export, {"fmt": "csv"}, name="export_csv"),
    path(
        "<int:tender_id>/export.xlsx", views.shortlist_export, {"fmt": "xlsx"}, name="export_xlsx"
    ),
    path("<int:tender_id>/follow/", views.follow, name="follow"),
    path("<int:tender_id>/unfollow/", views.unfollow, name="unfollow"),
    path("<int:tender_id>/requirements/", views.requirements_update, name="requirements"),
    path("<int:tender_id>/suppliers/<int:supplier_id>/", views.entry_update, name="entry_update"),
    path("<int:tender_id>/suppliers/<int:supplier_id>/contact/", views.contact, name="contact"),
]
