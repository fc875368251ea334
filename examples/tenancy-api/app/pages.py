"""The "Find a tenancy" page in the GOV.UK Design System style: plain semantic HTML, escaped values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from app.data import Tenancy, find_tenancy, is_valid_reference, normalise_reference

SERVICE = "Find a tenancy"
COUNCIL = "Exampleton Council"
MAX_ECHO = 64


@dataclass(frozen=True)
class Page:
    html: str
    status_code: int = 200


def search(raw: str | None) -> Page:
    """The empty form (no ref), the form with an error, or the tenancy found."""
    if raw is None:
        return Page(_layout(SERVICE, _form("")))
    reference = normalise_reference(raw)
    if not reference:
        return _error_page(raw, "Enter a tenancy reference", 400)
    if not is_valid_reference(reference):
        return _error_page(raw, "Enter a tenancy reference in the correct format, like TN000101", 400)
    tenancy = find_tenancy(reference)
    if tenancy is None:
        return _error_page(raw, f"No tenancy found with reference {reference}", 404)
    return Page(_layout(f"Tenancy {reference}", _form(reference) + _details(tenancy)))


def _error_page(raw: str, message: str, status: int) -> Page:
    raw = raw[:MAX_ECHO]  # what the user typed goes back into the field, but not without limit
    summary = (
        '<div class="govuk-error-summary" data-module="govuk-error-summary">'
        '<div role="alert"><h2 class="govuk-error-summary__title">There is a problem</h2>'
        '<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">'
        f'<li><a href="#ref">{escape(message)}</a></li></ul></div></div></div>'
    )
    return Page(_layout(f"Error: {SERVICE}", summary + _form(raw, message)), status)


def _form(value: str, error: str | None = None) -> str:
    group = "govuk-form-group govuk-form-group--error" if error else "govuk-form-group"
    described = "ref-hint ref-error" if error else "ref-hint"
    error_html = (
        f'<p id="ref-error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {escape(error)}</p>'
        if error
        else ""
    )
    input_class = "govuk-input govuk-input--width-10" + (" govuk-input--error" if error else "")
    return (
        f'<h1 class="govuk-heading-l">{SERVICE}</h1>'
        '<form method="get" action="/" novalidate>'
        f'<div class="{group}">'
        '<label class="govuk-label govuk-label--m" for="ref">Tenancy reference</label>'
        '<div id="ref-hint" class="govuk-hint">For example, TN000101</div>'
        f"{error_html}"
        f'<input class="{input_class}" id="ref" name="ref" type="text" spellcheck="false" '
        f'autocomplete="off" aria-describedby="{described}" value="{escape(value)}">'
        "</div>"
        '<button type="submit" class="govuk-button">Search</button>'
        "</form>"
    )


def _details(tenancy: Tenancy) -> str:
    account = tenancy.rent_account
    last = account.last_payment
    rows = [
        ("Reference", escape(tenancy.reference)),
        ("Tenants", "<br>".join(escape(n) for n in tenancy.tenants)),
        ("Address", "<br>".join(escape(line) for line in tenancy.address)),
        ("Tenure", escape(tenancy.tenure)),
        ("Start date", _date(tenancy.start_date)),
        ("Weekly rent", _money(account.weekly_rent)),
        ("Balance", _balance(account.balance)),
        ("Last payment", f"{_money(-last.amount)} on {_date(last.posted)}" if last else "None"),
    ]
    items = "".join(
        f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{key}</dt>'
        f'<dd class="govuk-summary-list__value">{value}</dd></div>'
        for key, value in rows
    )
    return (
        f'<h2 class="govuk-heading-m">Tenancy {escape(tenancy.reference)}</h2>'
        f'<dl class="govuk-summary-list">{items}</dl>' + _transactions(tenancy)
    )


def _transactions(tenancy: Tenancy) -> str:
    body = "".join(
        '<tr class="govuk-table__row">'
        f'<td class="govuk-table__cell">{_date(t.posted)}</td>'
        f'<td class="govuk-table__cell">{escape(t.description)}</td>'
        f'<td class="govuk-table__cell govuk-table__cell--numeric">{_money(t.amount)}</td></tr>'
        for t in tenancy.rent_account.transactions
    )
    return (
        '<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">'
        "Recent transactions</caption>"
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Date</th>'
        '<th scope="col" class="govuk-table__header">Description</th>'
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Amount</th>'
        f'</tr></thead><tbody class="govuk-table__body">{body}</tbody></table>'
    )


def _money(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def _balance(balance: Decimal) -> str:
    if balance > 0:
        return f"{_money(balance)} in arrears"
    if balance < 0:
        return f"{_money(-balance)} in credit"
    return _money(balance)


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _layout(title: str, main: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en" class="govuk-template"><head><meta charset="utf-8">'
        f"<title>{escape(title)} - {COUNCIL}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/assets/app.css"></head>'
        '<body class="govuk-template__body">'
        '<a href="#main-content" class="govuk-skip-link">Skip to main content</a>'
        '<header class="govuk-header"><div class="govuk-header__container govuk-width-container">'
        f'<a href="/" class="govuk-header__link govuk-header__service-name">{COUNCIL}: {SERVICE}</a>'
        "</div></header>"
        '<div class="govuk-width-container">'
        f'<main class="govuk-main-wrapper" id="main-content">{main}</main></div>'
        '<footer class="govuk-footer"><div class="govuk-width-container">'
        '<p class="govuk-footer__text">Sample service with fictional data. '
        '<a class="govuk-footer__link" href="/openapi.json">API description (OpenAPI)</a></p>'
        "</div></footer></body></html>"
    )
