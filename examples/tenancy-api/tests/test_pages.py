"""The "Find a tenancy" page: empty form, validation errors, a result, escaping."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from app import pages
from app.data import TENANCIES, RentAccount


def test_empty_form(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en"' in html
    assert '<a href="#main-content" class="govuk-skip-link">' in html
    assert '<label class="govuk-label govuk-label--m" for="ref">' in html
    assert "govuk-error-summary" not in html


def test_missing_reference_shows_error_summary(client: TestClient) -> None:
    response = client.get("/", params={"ref": "  "})
    assert response.status_code == 400
    assert "<title>Error: Find a tenancy" in response.text
    assert '<a href="#ref">Enter a tenancy reference</a>' in response.text
    assert 'aria-describedby="ref-hint ref-error"' in response.text


def test_badly_formatted_reference(client: TestClient) -> None:
    response = client.get("/", params={"ref": "12345"})
    assert response.status_code == 400
    assert "in the correct format" in response.text


def test_unknown_reference(client: TestClient) -> None:
    response = client.get("/", params={"ref": "TN999999"})
    assert response.status_code == 404
    assert "No tenancy found with reference TN999999" in response.text


def test_found_tenancy_is_shown(client: TestClient) -> None:
    response = client.get("/", params={"ref": " tn 000101 "})
    assert response.status_code == 200
    html = response.text
    assert "<title>Tenancy TN000101" in html
    assert "Alex Example" in html
    assert "£98.40" in html
    assert "£98.40 on 16 October 2026" in html
    assert '<th scope="col" class="govuk-table__header">Date</th>' in html


def test_user_input_is_escaped(client: TestClient) -> None:
    response = client.get("/", params={"ref": '"><script>alert(1)</script>'})
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_overlong_input_is_refused_and_not_echoed_in_full(client: TestClient) -> None:
    response = client.get("/", params={"ref": "T" * 5000})
    assert response.status_code == 400
    assert "in the correct format" in response.text
    assert 'value="' + "T" * 64 + '"' in response.text and "T" * 65 not in response.text


def test_stylesheet_is_served(client: TestClient) -> None:
    response = client.get("/assets/app.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ".govuk-skip-link" in response.text


def test_balance_wording() -> None:
    assert pages._balance(Decimal("12.5")) == "£12.50 in arrears"
    assert pages._balance(Decimal("-3")) == "£3.00 in credit"
    assert pages._balance(Decimal("0")) == "£0.00"


def test_account_without_payments_shows_none() -> None:
    tenancy = TENANCIES["TN000101"]
    bare = type(tenancy)(**{**tenancy.__dict__, "rent_account": RentAccount(Decimal("1"), ())})
    assert '<dd class="govuk-summary-list__value">None</dd>' in pages._details(bare)
