"""Buyers: the tenders their organization follows, its own requirements, and its shortlist
(ranked suppliers with the organization's statuses and private notes)."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from matching import selectors as matching_selectors
from matching import services as matching_services
from tenders.permissions import get_tender_for_user

from .. import selectors
from ..permissions import IsBuyer
from ..serializers.matching import (
    FollowCreateSerializer,
    FollowRequirementsSerializer,
    FollowSerializer,
    ShortlistEntrySerializer,
    ShortlistEntryWriteSerializer,
    ShortlistFilterSerializer,
    ShortlistRowSerializer,
)
from .base import ApiView


class FollowListView(ApiView):
    serializer_class = FollowSerializer
    permission_classes = [IsBuyer]

    @extend_schema(
        summary="Tenders the organization follows", responses={200: FollowSerializer(many=True)}
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.follows_of(request.user))
        return self.get_paginated_response(FollowSerializer(page, many=True).data)

    @extend_schema(
        summary="Follow a published tender",
        description="The organization's shortlist is computed after commit (a few seconds).",
        request=FollowCreateSerializer,
        responses={201: FollowSerializer},
    )
    def post(self, request):
        tender_id = self.body(FollowCreateSerializer).validated_data["tender"]
        tender = get_tender_for_user(request.user, tender_id)
        matching_services.follow_tender(tender=tender, by=request.user)
        follow = selectors.follow_of(request.user, tender.pk)
        return Response(FollowSerializer(follow).data, status=status.HTTP_201_CREATED)


class FollowDetailView(ApiView):
    serializer_class = FollowSerializer
    permission_classes = [IsBuyer]

    @extend_schema(summary="A followed tender, by the tender's id")
    def get(self, request, tender_id):
        return Response(FollowSerializer(selectors.follow_of(request.user, tender_id)).data)

    @extend_schema(
        summary="Set the organization's own requirements and weights",
        description="Omitted parts are kept; the shortlist is recomputed after commit.",
        request=FollowRequirementsSerializer,
    )
    def patch(self, request, tender_id):
        follow = selectors.follow_of(request.user, tender_id)
        data = self.body(FollowRequirementsSerializer).validated_data
        matching_services.follow_update_requirements(
            follow=follow,
            by=request.user,
            extra_mandatory_certifications=data.get(
                "extra_mandatory_certifications", follow.extra_mandatory_certifications
            ),
            extra_regions=data.get("extra_regions", follow.extra_regions),
            weights=data.get("weights", follow.weights),
        )
        return Response(FollowSerializer(selectors.follow_of(request.user, tender_id)).data)

    @extend_schema(
        summary="Stop following",
        description="The ranking goes; statuses and notes stay, and come back on a new follow.",
        responses={204: OpenApiResponse(description="No longer followed.")},
    )
    def delete(self, request, tender_id):
        follow = selectors.follow_of(request.user, tender_id)
        matching_services.unfollow_tender(follow=follow, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShortlistView(ApiView):
    serializer_class = ShortlistRowSerializer
    permission_classes = [IsBuyer]

    @extend_schema(
        summary="The organization's shortlist of a followed tender",
        description="Ranked suppliers (the organization's ranking), each with the "
        "organization's status and private notes, and whether the supplier expressed interest.",
        parameters=[ShortlistFilterSerializer],
        responses={200: ShortlistRowSerializer(many=True)},
    )
    def get(self, request, tender_id):
        follow = selectors.follow_of(request.user, tender_id)
        filters = matching_selectors.ShortlistFilters(
            **self.query(ShortlistFilterSerializer).validated_data
        )
        rows = matching_selectors.shortlist_rows(follow=follow, filters=filters)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ShortlistRowSerializer(page, many=True).data)


class ShortlistEntryView(ApiView):
    serializer_class = ShortlistEntrySerializer
    permission_classes = [IsBuyer]

    @extend_schema(summary="The organization's status and notes on a supplier")
    def get(self, request, tender_id, supplier_id):
        follow = selectors.follow_of(request.user, tender_id)
        supplier = selectors.supplier_organization(supplier_id)
        return Response(ShortlistEntrySerializer(selectors.shortlist_entry(follow, supplier)).data)

    @extend_schema(
        summary="Set the organization's status and notes on a supplier",
        description="Shared with colleagues, kept across re-matching, with their history.",
        request=ShortlistEntryWriteSerializer,
    )
    def patch(self, request, tender_id, supplier_id):
        follow = selectors.follow_of(request.user, tender_id)
        supplier = selectors.supplier_organization(supplier_id)
        data = self.body(ShortlistEntryWriteSerializer).validated_data
        scope = {"organization": follow.organization, "tender": follow.tender, "supplier": supplier}
        with transaction.atomic():
            if "status" in data:
                matching_services.shortlist_entry_set_status(
                    **scope, status=data["status"], by=request.user
                )
            if "notes" in data:
                matching_services.shortlist_entry_set_notes(
                    **scope, notes=data["notes"], by=request.user
                )
        return Response(ShortlistEntrySerializer(selectors.shortlist_entry(follow, supplier)).data)
