"""The base of every API view: throttles before permissions, and helpers shared by the views."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from ..serializers.common import MAX_ID


class ApiView(GenericAPIView):
    def initial(self, request, *args, **kwargs):
        # DRF checks permissions before throttles, so a refused anonymous caller would never be
        # counted: throttle first, so that probing without credentials is limited too.
        self.format_kwarg = self.get_format_suffix(**kwargs)
        neg = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = neg
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        self.perform_authentication(request)
        self.check_throttles(request)
        self.check_permissions(request)

    def query(self, serializer_class):
        """The validated query parameters (400 with the fields in error otherwise)."""
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer

    def body(self, serializer_class, **kwargs):
        """The validated body. A field the caller may not set (read-only, or unknown) is
        refused rather than silently ignored, so that a client learns it had no effect."""
        serializer = serializer_class(data=self.request.data, **kwargs)
        if isinstance(self.request.data, dict):
            writable = {name for name, field in serializer.fields.items() if not field.read_only}
            refused = sorted(set(self.request.data) - writable)
            if refused:
                message = _("This field cannot be set.")
                raise ValidationError({name: [message] for name in refused})
        serializer.is_valid(raise_exception=True)
        return serializer


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


__all__ = ["MAX_ID", "ApiView", "NotFoundView", "client_ip"]


class NotFoundView(ApiView):
    """Any other address under /api/v1/ (a malformed id included): 404 in the API's shape
    rather than the portal's HTML page."""

    permission_classes = [AllowAny]
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound
