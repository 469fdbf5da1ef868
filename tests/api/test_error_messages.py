"""The QA findings on error messages: a malformed body said in the caller's language (with the
position of a JSON syntax error), a model's non-field errors as the message (never a field
named "__all__"), and the expected form of each pattern-checked field."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from rest_framework.exceptions import ParseError
from rest_framework.test import APIRequestFactory

from api.exceptions import api_exception_handler

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
CPV_CODE_OR_CHECK_DIGIT = (
    "A CPV code is 8 digits, optionally followed by a check digit: 35613000 or 35613000-4."
)


def _error(response, code: str, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]


def _post_raw(api, body, content_type="application/json", **extra):
    return api.generic("POST", "/api/v1/tenders/", body, content_type=content_type, **extra)


# 1. A malformed body


def test_a_json_syntax_error_says_where_it_is(bearer, ministry_author):
    api = bearer(ministry_author)
    error = _error(_post_raw(api, '{"title": x}', **EN), "parse_error")
    assert error["message"] == (
        "The request body is not valid JSON (line 1, column 11): check its syntax."
    )
    assert error["fields"] == {}
    second_line = _error(_post_raw(api, '{\n  "title": "x",\n}', **EN), "parse_error")
    assert "(line 3, column 1)" in second_line["message"]


def test_a_json_syntax_error_no_longer_answers_pythons_english_in_french(bearer, ministry_author):
    error = _error(_post_raw(bearer(ministry_author), '{"title": x}', **FR), "parse_error")
    assert "JSON parse error" not in error["message"]
    assert "Expecting value" not in error["message"]
    assert error["message"] == (
        "Le corps de la requête n’est pas un JSON valide (ligne 1, colonne 11)\u00a0: "
        "vérifiez sa syntaxe."
    )


def test_a_body_that_is_not_utf8_json_gets_the_general_json_message(bearer, ministry_author):
    error = _error(_post_raw(bearer(ministry_author), b"\xff\xfe{}", **EN), "parse_error")
    assert error["message"] == (
        "The request body is not valid JSON: check its syntax and that it is encoded in UTF-8."
    )
    assert "codec" not in error["message"]


def test_nan_is_not_json(bearer, ministry_author):
    error = _error(_post_raw(bearer(ministry_author), '{"min_trl": NaN}', **EN), "parse_error")
    assert error["message"].startswith("The request body is not valid JSON: ")


def test_other_parsers_errors_get_a_general_message(bearer, ministry_author):
    charset = _post_raw(
        bearer(ministry_author), "{}", content_type="application/json; charset=bz2_codec", **EN
    )
    assert _error(charset, "parse_error")["message"] == (
        "The request body could not be read: check that it matches its Content-Type header."
    )


def _handle(exc, language="en"):
    request = APIRequestFactory().post("/api/v1/tenders/")
    with translation.override(language):
        response = api_exception_handler(exc, {"request": request, "view": None})
    return response.status_code, response.data["error"]


def test_a_multipart_parse_error_gets_the_general_message():
    status, error = _handle(ParseError("Multipart form parse error - Invalid boundary: b'x'"))
    assert status == 400 and error["code"] == "parse_error"
    assert error["message"] == (
        "The request body could not be read: check that it matches its Content-Type header."
    )


# 2. A model's non-field errors


def test_a_model_non_field_error_becomes_the_message():
    status, error = _handle(
        DjangoValidationError({NON_FIELD_ERRORS: ["Both dates are wrong."], "title": ["Long."]})
    )
    assert status == 400 and error["code"] == "invalid"
    assert error["message"] == "Both dates are wrong."
    assert error["fields"] == {"title": ["Long."]}


def test_a_model_non_field_error_alone_leaves_no_field():
    status, error = _handle(DjangoValidationError({"__all__": ["x", "y"]}))
    assert (status, error["message"], error["fields"]) == (400, "x y", {})


def test_a_duplicate_tender_reference_is_said_in_the_message(bearer, ministry_author):
    api = bearer(ministry_author)
    tender = {"title": "Radars", "reference": "MAR-2026-01"}
    assert api.post("/api/v1/tenders/", tender, format="json").status_code == 201
    error = _error(api.post("/api/v1/tenders/", tender, format="json", **EN), "invalid")
    assert "already has a tender with this internal reference" in error["message"]
    assert "__all__" not in error["fields"]
    assert error["fields"] == {}


# 3. Pattern-checked fields


def _field_error(error: dict, *path):
    value = error["fields"]
    for key in path:
        value = value[key]
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"siren": "123 456 789"}, ("siren",), "A SIREN is 9 digits."),
        ({"siret": "1234567890123"}, ("siret",), "A SIRET is 14 digits."),
        (
            {"cpv_codes": ["35613000", "3561300A"]},
            ("cpv_codes", "1"),
            "A CPV code is 8 digits, e.g. 35613000.",
        ),
        (
            {
                "references": [
                    {"client": "Marine nationale", "year": 2022, "cpv_code": "35613000-4"}
                ]
            },
            ("references", "0", "cpv_code"),
            "A CPV code is 8 digits, e.g. 35613000.",
        ),
    ],
)
def test_the_profiles_patterns_say_what_they_expect(bearer, supplier, data, path, message):
    response = bearer(supplier).patch("/api/v1/supplier-profile/", data, format="json", **EN)
    assert _field_error(_error(response, "invalid"), *path) == message


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (
            {"title": "x", "currency": "eur"},
            ("currency",),
            "A currency is a 3-letter ISO 4217 code in capitals, e.g. EUR.",
        ),
        (
            {"title": "x", "main_cpv": "3561300"},
            ("main_cpv",),
            CPV_CODE_OR_CHECK_DIGIT,
        ),
        (
            {"title": "x", "additional_cpvs": ["35613000-45"]},
            ("additional_cpvs", "0"),
            CPV_CODE_OR_CHECK_DIGIT,
        ),
    ],
)
def test_the_tenders_patterns_say_what_they_expect(bearer, ministry_author, data, path, message):
    response = bearer(ministry_author).post("/api/v1/tenders/", data, format="json", **EN)
    assert _field_error(_error(response, "invalid"), *path) == message


def test_the_cpv_prefix_filters_say_what_they_expect(bearer, buyer):
    api = bearer(buyer)
    expected = "A CPV prefix is 2 to 8 digits, e.g. 35 or 35613000."
    for url in ("/api/v1/tenders/", "/api/v1/suppliers/"):
        response = api.get(url, {"cpv": "3"}, **EN)
        assert _field_error(_error(response, "invalid"), "cpv") == expected, url


def test_no_pattern_field_answers_drfs_generic_message(bearer, supplier, ministry_author):
    generic = "does not match the required pattern"
    profile = bearer(supplier).patch(
        "/api/v1/supplier-profile/",
        {"siren": "x", "siret": "x", "cpv_codes": ["x"]},
        format="json",
        **EN,
    )
    tender = bearer(ministry_author).post(
        "/api/v1/tenders/", {"title": "x", "currency": "x"}, format="json", **EN
    )
    for response in (profile, tender):
        assert generic not in response.content.decode()
