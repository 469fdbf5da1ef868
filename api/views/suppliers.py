"""Supplier profiles: the supplier's own (read, edit, submit), approved suppliers (buyers and
moderators, public fields of the live copy), and the moderators' queue and decisions."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from portal.permissions import user_organization
from suppliers import selectors as supplier_selectors
from suppliers import services as supplier_services
from suppliers.models import SupplierProfile

from .. import selectors
from ..permissions import CanReadSupplier, IsBuyerOrModerator, IsModerator, IsSupplier
from ..serializers.common import ReasonSerializer
from ..serializers.suppliers import (
    ModerationFilterSerializer,
    ModerationProfileSerializer,
    ProfileSerializer,
    PublicSupplierSerializer,
    SupplierFilterSerializer,
)
from .base import ApiView


def _own_profile(user) -> SupplierProfile:
    profile = supplier_services.profile_get_working(organization=user_organization(user))
    return (
        SupplierProfile.objects.select_related("organization", "region")
        .prefetch_related("certifications", "references")
        .get(pk=profile.pk)
    )


class OwnProfileView(ApiView):
    serializer_class = ProfileSerializer
    permission_classes = [IsSupplier]

    @extend_schema(summary="The company's working profile")
    def get(self, request):
        return Response(ProfileSerializer(_own_profile(request.user)).data)

    @extend_schema(
        summary="Edit the company's working profile",
        description="Omitted fields are kept; `certifications` and `references`, when given, "
        "replace the lists. Editing an approved profile starts a revision: buyers keep seeing "
        "the approved version until a moderator approves the new one.",
        request=ProfileSerializer(partial=True),
    )
    def patch(self, request):
        profile = _own_profile(request.user)
        # With the profile, so that a field is checked against the saved ones it depends on.
        serializer = self.body(ProfileSerializer, instance=profile, partial=True)
        data = serializer.validated_data
        with transaction.atomic():  # all the parts of the edit, or none
            if serializer.profile_data():
                supplier_services.profile_update(
                    profile=profile, data=serializer.profile_data(), by=request.user
                )
            if "certifications" in data:
                supplier_services.profile_set_certifications(
                    profile=profile, items=data["certifications"], by=request.user
                )
            if "references" in data:
                supplier_services.profile_set_references(
                    profile=profile, items=data["references"], by=request.user
                )
        return Response(ProfileSerializer(_own_profile(request.user)).data)


class OwnProfileSubmitView(ApiView):
    serializer_class = ProfileSerializer
    permission_classes = [IsSupplier]

    @extend_schema(
        summary="Submit the profile for moderation",
        description="From draft or changes requested; 400 `profile_incomplete` lists what is "
        "missing per step in `error.fields`.",
        request=None,
    )
    def post(self, request):
        supplier_services.profile_submit(profile=_own_profile(request.user), by=request.user)
        return Response(ProfileSerializer(_own_profile(request.user)).data)


class SupplierListView(ApiView):
    serializer_class = PublicSupplierSerializer
    permission_classes = [IsBuyerOrModerator]

    @extend_schema(
        summary="Approved suppliers",
        description="The approved version of each supplier (public fields only).",
        parameters=[SupplierFilterSerializer],
        responses={200: PublicSupplierSerializer(many=True)},
    )
    def get(self, request):
        filters = self.query(SupplierFilterSerializer).validated_data
        page = self.paginate_queryset(selectors.approved_suppliers(**filters))
        return self.get_paginated_response(PublicSupplierSerializer(page, many=True).data)


class SupplierDetailView(ApiView):
    serializer_class = PublicSupplierSerializer
    permission_classes = [CanReadSupplier]

    @extend_schema(summary="An approved supplier, by its organization id")
    def get(self, request, supplier_id):
        return Response(PublicSupplierSerializer(selectors.approved_supplier(supplier_id)).data)


class ModerationQueueView(ApiView):
    serializer_class = ModerationProfileSerializer
    permission_classes = [IsModerator]

    @extend_schema(
        summary="The moderation queue",
        description="Working profiles, oldest submission first (submitted ones by default).",
        parameters=[ModerationFilterSerializer],
        responses={200: ModerationProfileSerializer(many=True)},
    )
    def get(self, request):
        filters = self.query(ModerationFilterSerializer).validated_data
        queryset = supplier_selectors.moderation_queue(
            state=filters.get("state", ""),
            region=filters.get("region", ""),
            size=filters.get("size", ""),
            siren_conflicts=filters["siren_conflicts"],
        ).prefetch_related("certifications", "references")
        page = self.paginate_queryset(queryset)
        lives = {
            p.organization_id: p
            for p in SupplierProfile.objects.filter(
                is_live=True, organization_id__in=[p.organization_id for p in page]
            )
        }
        for profile in page:
            profile.live = lives.get(profile.organization_id)
        return self.get_paginated_response(ModerationProfileSerializer(page, many=True).data)


class ModerationProfileView(ApiView):
    serializer_class = ModerationProfileSerializer
    permission_classes = [IsModerator]

    @extend_schema(summary="A working profile under moderation")
    def get(self, request, profile_id):
        return Response(ModerationProfileSerializer(selectors.working_profile(profile_id)).data)


DECISIONS = {
    "approve": (supplier_services.profile_approve, False),
    "request-changes": (supplier_services.profile_request_changes, False),
    "reject": (supplier_services.profile_reject, False),
    "suspend": (supplier_services.profile_suspend, True),
    "reinstate": (supplier_services.profile_reinstate, True),
}


class ModerationDecisionView(ApiView):
    """approve / request-changes / reject act on the submitted working profile; suspend and
    reinstate on its approved live copy. The supplier gets the decision by email."""

    serializer_class = ModerationProfileSerializer
    permission_classes = [IsModerator]
    decision = ""

    def post(self, request, profile_id):
        reason = self.body(ReasonSerializer).validated_data["reason"]
        profile = selectors.working_profile(profile_id)
        service, on_live = DECISIONS[self.decision]
        if on_live:
            if profile.live is None:
                raise Http404
            service(live=profile.live, by=request.user, reason=reason)
        else:
            service(profile=profile, by=request.user, reason=reason)
        return Response(ModerationProfileSerializer(selectors.working_profile(profile_id)).data)


def decision_view(decision: str, summary: str):
    def post(self, request, profile_id):
        return ModerationDecisionView.post(self, request, profile_id)

    post = extend_schema(
        summary=summary,
        description=ModerationDecisionView.__doc__,
        request=ReasonSerializer,
        responses={200: ModerationProfileSerializer},
        operation_id=f"moderation_profiles_{decision.replace('-', '_')}",
    )(post)
    name = f"Moderation{decision.title().replace('-', '')}View"
    return type(name, (ModerationDecisionView,), {"decision": decision, "post": post}).as_view()
