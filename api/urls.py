from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import matching, suppliers, tenders, tokens
from .views.base import NotFoundView


class IdConverter:
    """Positive ids of at most 15 digits: a longer number cannot be an id (and must not reach
    the database as an out-of-range integer)."""

    regex = "[0-9]{1,15}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "api_id")

app_name = "api"

v1 = [
    path("tenders/", tenders.TenderListView.as_view(), name="tenders"),
    path("tenders/ocds/", tenders.OcdsPackageView.as_view(), name="ocds-package"),
    path("tenders/<api_id:tender_id>/", tenders.TenderDetailView.as_view(), name="tender"),
    path(
        "tenders/<api_id:tender_id>/publish/",
        tenders.TenderPublishView.as_view(),
        name="tender-publish",
    ),
    path(
        "tenders/<api_id:tender_id>/interest/",
        tenders.TenderInterestView.as_view(),
        name="tender-interest",
    ),
    path("tenders/<api_id:tender_id>/ocds/", tenders.TenderOcdsView.as_view(), name="tender-ocds"),
    path(
        "tenders/<api_id:tender_id>/matches/",
        tenders.TenderMatchesView.as_view(),
        name="tender-matches",
    ),
    path("cpv/", tenders.CpvSearchView.as_view(), name="cpv"),
    path("follows/", matching.FollowListView.as_view(), name="follows"),
    path("follows/<api_id:tender_id>/", matching.FollowDetailView.as_view(), name="follow"),
    path(
        "follows/<api_id:tender_id>/shortlist/",
        matching.ShortlistView.as_view(),
        name="shortlist",
    ),
    path(
        "follows/<api_id:tender_id>/shortlist/<api_id:supplier_id>/",
        matching.ShortlistEntryView.as_view(),
        name="shortlist-entry",
    ),
    path("supplier-profile/", suppliers.OwnProfileView.as_view(), name="own-profile"),
    path(
        "supplier-profile/submit/",
        suppliers.OwnProfileSubmitView.as_view(),
        name="own-profile-submit",
    ),
    path("suppliers/", suppliers.SupplierListView.as_view(), name="suppliers"),
    path(
        "suppliers/<api_id:supplier_id>/", suppliers.SupplierDetailView.as_view(), name="supplier"
    ),
    path("moderation/profiles/", suppliers.ModerationQueueView.as_view(), name="moderation-queue"),
    path(
        "moderation/profiles/<api_id:profile_id>/",
        suppliers.ModerationProfileView.as_view(),
        name="moderation-profile",
    ),
    *[
        path(
            f"moderation/profiles/<api_id:profile_id>/{decision}/",
            suppliers.decision_view(decision, summary),
            name=f"moderation-{decision}",
        )
        for decision, summary in [
            ("approve", "Approve a submitted profile"),
            ("request-changes", "Ask the supplier for changes"),
            ("reject", "Reject a submitted profile"),
            ("suspend", "Suspend an approved supplier"),
            ("reinstate", "Reinstate a suspended supplier"),
        ]
    ],
]

urlpatterns = [
    path("v1/", include(v1)),
    re_path(r"^v1/", NotFoundView.as_view(), name="not-found"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
