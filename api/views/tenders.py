"""Tenders: search, detail, authoring (ministry authors, moderators), interest (suppliers),
OCDS exports, and the ranked matches of a tender."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from matching.models import Match
from portal.permissions import Role, user_organization, user_role
from tenders import selectors as tender_selectors
from tenders import services as tender_services
from tenders.models import Interest, Tender
from tenders.ocds.export import release_package, tenders_for_export
from tenders.permissions import PUBLIC_STATUSES, get_tender_for_user

from .. import selectors
from ..permissions import IsAuthor, IsBuyerOrModerator, IsSupplier
from ..serializers.matching import MatchFilterSerializer, MatchSerializer
from ..serializers.tenders import (
    CpvQuerySerializer,
    CpvSerializer,
    InterestSerializer,
    TenderSearchSerializer,
    TenderSerializer,
    TenderSummarySerializer,
    TenderWriteSerializer,
)
from .base import ApiView

OCDS_PACKAGE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="An OCDS 1.1 release package (https://standard.open-contracting.org/1.1/).",
)


def _detail(tender: Tender) -> Tender:
    return tenders_for_export(Tender.objects.filter(pk=tender.pk)).get()


def _service_children(serializer: TenderWriteSerializer) -> dict:
    data = serializer.validated_data
    children = {}
    if "lots" in data:
        children["lots"] = [
            tender_services.LotData(
                lot["title"], lot.get("description", ""), lot.get("value"), lot.get("cpv")
            )
            for lot in data["lots"]
        ]
    if "documents" in data:
        children["documents"] = [
            tender_services.DocumentData(doc["title"], doc["url"]) for doc in data["documents"]
        ]
    if "additional_cpvs" in data:
        children["additional_cpvs"] = data["additional_cpvs"]
    return children


class TenderListView(ApiView):
    serializer_class = TenderSummarySerializer

    def get_permissions(self):
        return [IsAuthor()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        summary="Search tenders",
        description="The tenders the caller may see, with the filters and sorts of the "
        "tenders page (full text in French and English, accents ignored).",
        parameters=[TenderSearchSerializer],
        responses={200: TenderSummarySerializer(many=True)},
    )
    def get(self, request):
        filters = self.query(TenderSearchSerializer).filters()
        tenders = tender_selectors.tenders_search(user=request.user, filters=filters)
        page = self.paginate_queryset(tenders)
        return self.get_paginated_response(TenderSummarySerializer(page, many=True).data)

    @extend_schema(
        summary="Create a draft tender",
        description="Ministry authors create tenders for their own entity; moderators for the "
        "ministry entity given as `buyer`.",
        request=TenderWriteSerializer,
        responses={201: TenderSerializer},
    )
    def post(self, request):
        serializer = self.body(TenderWriteSerializer)
        buyer = serializer.validated_data.get("buyer")
        if user_role(request.user) == Role.MINISTRY:
            if buyer is not None and buyer != user_organization(request.user):
                raise ValidationError({"buyer": ["Authors write for their own entity only."]})
            buyer = user_organization(request.user)
        elif buyer is None:
            raise ValidationError({"buyer": ["A moderator must name the buyer entity."]})
        tender = tender_services.tender_create(
            by=request.user,
            buyer=buyer,
            fields=serializer.fields_for_service(),
            **_service_children(serializer),
        )
        return Response(TenderSerializer(_detail(tender)).data, status=status.HTTP_201_CREATED)


class TenderDetailView(ApiView):
    serializer_class = TenderSerializer

    @extend_schema(summary="A tender")
    def get(self, request, tender_id):
        tender = get_tender_for_user(request.user, tender_id)
        return Response(TenderSerializer(_detail(tender)).data)

    @extend_schema(
        summary="Edit a tender",
        description="Draft or published tenders of the author's entity (any, for moderators). "
        "Omitted fields are kept; `lots`, `documents` and `additional_cpvs` replace the lists.",
        request=TenderWriteSerializer(partial=True),
        responses={200: TenderSerializer},
    )
    def patch(self, request, tender_id):
        tender = get_tender_for_user(request.user, tender_id, write=True)
        serializer = self.body(TenderWriteSerializer, partial=True)
        if "buyer" in serializer.validated_data:
            raise ValidationError({"buyer": ["The buyer entity of a tender cannot change."]})
        tender = tender_services.tender_update(
            tender=tender,
            by=request.user,
            fields=serializer.fields_for_service(),
            **_service_children(serializer),
        )
        return Response(TenderSerializer(_detail(tender)).data)


class TenderPublishView(ApiView):
    serializer_class = TenderSerializer
    permission_classes = [IsAuthor]

    @extend_schema(
        summary="Publish a draft tender",
        description="Needs a main CPV code and a future deadline; matching runs after commit.",
        request=None,
        responses={200: TenderSerializer},
    )
    def post(self, request, tender_id):
        tender = get_tender_for_user(request.user, tender_id, write=True)
        tender = tender_services.tender_publish(tender=tender, by=request.user)
        return Response(TenderSerializer(_detail(tender)).data)


class TenderInterestView(ApiView):
    serializer_class = InterestSerializer
    permission_classes = [IsSupplier]

    @extend_schema(
        summary="Express the company's interest",
        description="Suppliers, on a published tender; idempotent (201 the first time, 200 "
        "when the interest was already expressed). Buyers see it.",
        request=None,
        responses={201: InterestSerializer, 200: InterestSerializer},
    )
    def post(self, request, tender_id):
        tender = get_tender_for_user(request.user, tender_id)
        existing = set(Interest.objects.filter(tender=tender).values_list("pk", flat=True))
        interest = tender_services.interest_express(tender=tender, by=request.user)
        interest = Interest.objects.select_related("organization").get(pk=interest.pk)
        created = status.HTTP_200_OK if interest.pk in existing else status.HTTP_201_CREATED
        return Response(InterestSerializer(interest).data, status=created)

    @extend_schema(
        summary="Withdraw the company's interest",
        request=None,
        responses={204: OpenApiResponse(description="Withdrawn (or there was none).")},
    )
    def delete(self, request, tender_id):
        tender = get_tender_for_user(request.user, tender_id)
        tender_services.interest_withdraw(tender=tender, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TenderOcdsView(ApiView):
    @extend_schema(
        summary="OCDS release package of a tender",
        operation_id="tenders_ocds_release",
        description="One release describing the tender as it is now (not for drafts).",
        responses={200: OCDS_PACKAGE},
    )
    def get(self, request, tender_id):
        tender = get_tender_for_user(request.user, tender_id)
        if tender.status not in PUBLIC_STATUSES:
            raise Http404
        uri = request.build_absolute_uri(reverse("api:tender-ocds", args=[tender.pk]))
        return Response(release_package([_detail(tender)], uri=uri))


class OcdsPackageView(ApiView):
    @extend_schema(
        summary="OCDS release package of every published tender",
        operation_id="tenders_ocds_package",
        description="Published, closed, awarded and cancelled tenders, oldest first.",
        responses={200: OCDS_PACKAGE},
    )
    def get(self, request):
        tenders = tenders_for_export(Tender.objects.filter(status__in=PUBLIC_STATUSES))
        uri = request.build_absolute_uri(reverse("api:ocds-package"))
        return Response(release_package(tenders.order_by("pk"), uri=uri))


class TenderMatchesView(ApiView):
    serializer_class = MatchSerializer
    permission_classes = [IsBuyerOrModerator]

    @extend_schema(
        summary="Ranked matches of a tender",
        description="For a buyer whose organization follows the tender: the ranking computed "
        "with the organization's own requirements and weights (404 if it does not follow it). "
        "For moderators: the tender's own ranking.",
        parameters=[MatchFilterSerializer],
        responses={200: MatchSerializer(many=True)},
    )
    def get(self, request, tender_id):
        tender = get_tender_for_user(request.user, tender_id)
        include_excluded = self.query(MatchFilterSerializer).validated_data["include_excluded"]
        if request.user.is_moderator:
            matches = Match.objects.filter(tender=tender, follow=None)
        else:
            follow = selectors.follow_of(request.user, tender.pk)
            matches = Match.objects.filter(follow=follow)
        if not include_excluded:
            matches = matches.filter(eligible=True)
        matches = matches.select_related("supplier").order_by("rank", "-score", "pk")
        page = self.paginate_queryset(matches)
        return self.get_paginated_response(MatchSerializer(page, many=True).data)


class CpvSearchView(ApiView):
    serializer_class = CpvSerializer
    pagination_class = None

    @extend_schema(
        summary="Search the CPV taxonomy",
        description="Codes by prefix, or by words of their French or English label (20 at most).",
        parameters=[CpvQuerySerializer],
        responses={200: CpvSerializer(many=True)},
    )
    def get(self, request):
        q = self.query(CpvQuerySerializer).validated_data["q"]
        return Response(CpvSerializer(tender_selectors.cpv_search(q), many=True).data)
