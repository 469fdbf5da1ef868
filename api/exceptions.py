"""Every API error as {"error": {"code", "message", "fields"}}; the domain errors of the
services (illegal transitions, refused actions, model validation) mapped to HTTP statuses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from matching.services import ShortlistError
from suppliers.services import ProfileIncomplete, ProfileStateError
from tenders.services import TenderStateError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ProfileIncompleteError(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "profile_incomplete"

    def __init__(self, missing: dict[str, list[str]]):
        super().__init__(_("The profile is incomplete."))
        self.missing = missing


def _from_domain(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, (TenderStateError, ProfileStateError, ShortlistError)):
        return Conflict(str(exc))
    if isinstance(exc, ProfileIncomplete):
        return ProfileIncompleteError(exc.missing)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    return exc


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def _body(exc: exceptions.APIException) -> dict:
    fields: dict = {}
    detail = exc.detail
    if isinstance(exc, ProfileIncompleteError):
        fields = exc.missing
        message = str(detail)
    elif isinstance(exc, exceptions.ValidationError):
        detail = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        general = _flatten(detail.get("non_field_errors", []))
        fields = {k: v for k, v in exceptions.ValidationError(detail).detail.items()}
        fields.pop("non_field_errors", None)
        message = " ".join(general) or _("Invalid input: see the fields.")
    else:
        message = " ".join(_flatten(detail))
    code = exc.default_code if isinstance(exc, exceptions.ValidationError) else _code(exc)
    return {"error": {"code": code, "message": message, "fields": fields}}


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def api_exception_handler(exc, context):
    exc = _from_domain(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling (and its logging) applies
    if isinstance(exc, exceptions.APIException):
        response.data = _body(exc)
    return response
