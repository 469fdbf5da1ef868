"""Every API error as {"error": {"code", "message", "fields"}}; the domain errors of the
services (illegal transitions, refused actions, model validation) mapped to HTTP statuses, and
the parsers' errors (a malformed body) said in the caller's language."""

from __future__ import annotations

import re

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
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


# Where the errors that belong to no field go: DRF's key and Django's ("__all__").
NON_FIELD_KEYS = (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS)
# The end of a json.JSONDecodeError, as DRF's JSONParser puts it in its ParseError.
JSON_POSITION = re.compile(r"line (\d+) column (\d+) \(char \d+\)$")


def _parse_error(exc: exceptions.ParseError) -> exceptions.ParseError:
    """DRF's parsers say what went wrong in English, with Python's wording ("JSON parse error -
    Expecting value: line 1 column 1 (char 0)"): said again in the caller's language, keeping
    the position of a JSON syntax error."""
    detail = str(exc.detail)
    if detail.startswith("JSON parse error"):
        position = JSON_POSITION.search(detail)
        if position:
            return exceptions.ParseError(
                _(
                    "The request body is not valid JSON (line %(line)d, column %(column)d): "
                    "check its syntax."
                )
                % {"line": int(position[1]), "column": int(position[2])}
            )
        return exceptions.ParseError(
            _(
                "The request body is not valid JSON: check its syntax and that it is encoded in "
                "UTF-8."
            )
        )
    return exceptions.ParseError(
        _("The request body could not be read: check that it matches its Content-Type header.")
    )


def _from_domain(exc: Exception) -> Exception:
    if isinstance(exc, exceptions.ParseError):
        return _parse_error(exc)
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
        return exceptions.ValidationError({NON_FIELD_KEYS[0]: exc.messages})
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
        detail = detail if isinstance(detail, dict) else {NON_FIELD_KEYS[0]: detail}
        general = [m for key in NON_FIELD_KEYS for m in _flatten(detail.get(key, []))]
        fields = {
            k: v
            for k, v in exceptions.ValidationError(detail).detail.items()
            if k not in NON_FIELD_KEYS
        }
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
