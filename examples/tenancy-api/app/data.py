"""Fictional sample tenancies and rent accounts, held in memory (no real people or addresses)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

REFERENCE_PATTERN = r"^TN[0-9]{6}$"
_REFERENCE = re.compile(REFERENCE_PATTERN)


@dataclass(frozen=True)
class Transaction:
    posted: date
    description: str
    amount: Decimal  # positive = charge to the account, negative = payment or credit


@dataclass(frozen=True)
class RentAccount:
    weekly_rent: Decimal
    transactions: tuple[Transaction, ...]

    @property
    def balance(self) -> Decimal:
        """Positive balance = arrears owed by the tenant; negative = in credit."""
        return sum((t.amount for t in self.transactions), Decimal("0.00"))

    @property
    def last_payment(self) -> Transaction | None:
        payments = [t for t in self.transactions if t.amount < 0]
        return max(payments, key=lambda t: t.posted) if payments else None


@dataclass(frozen=True)
class Tenancy:
    reference: str
    tenants: tuple[str, ...]
    address: tuple[str, ...]
    tenure: str
    start_date: date
    rent_account: RentAccount


def normalise_reference(raw: str) -> str:
    """Upper-case and drop spaces, so ' tn 000101 ' finds TN000101."""
    return "".join(raw.split()).upper()


def is_valid_reference(reference: str) -> bool:
    return _REFERENCE.fullmatch(reference) is not None


def _rent(weekly: str, *entries: tuple[date, str, str]) -> RentAccount:
    return RentAccount(
        weekly_rent=Decimal(weekly),
        transactions=tuple(Transaction(d, text, Decimal(amount)) for d, text, amount in entries),
    )


TENANCIES: dict[str, Tenancy] = {
    t.reference: t
    for t in (
        Tenancy(
            reference="TN000101",
            tenants=("Alex Example",),
            address=("Flat 3", "12 Sample Road", "Exampleton", "ZZ99 1AA"),
            tenure="Secure",
            start_date=date(2019, 4, 1),
            rent_account=_rent(
                "98.40",
                (date(2026, 10, 5), "Rent week 28", "98.40"),
                (date(2026, 10, 9), "Payment - direct debit", "-98.40"),
                (date(2026, 10, 12), "Rent week 29", "98.40"),
                (date(2026, 10, 16), "Payment - direct debit", "-98.40"),
            ),
        ),
        Tenancy(
            reference="TN000202",
            tenants=("Sam Placeholder", "Jo Placeholder"),
            address=("27 Fictional Close", "Exampleton", "ZZ99 2BB"),
            tenure="Introductory",
            start_date=date(2025, 11, 17),
            rent_account=_rent(
                "121.75",
                (date(2026, 10, 5), "Rent week 28", "121.75"),
                (date(2026, 10, 12), "Rent week 29", "121.75"),
                (date(2026, 10, 14), "Payment - card", "-100.00"),
                (date(2026, 10, 19), "Rent week 30", "121.75"),
            ),
        ),
        Tenancy(
            reference="TN000303",
            tenants=("Riley Sample",),
            address=("Flat 14", "Demo House", "Made Up Street", "Exampleton", "ZZ99 3CC"),
            tenure="Secure",
            start_date=date(2008, 6, 30),
            rent_account=_rent(
                "87.10",
                (date(2026, 10, 5), "Rent week 28", "87.10"),
                (date(2026, 10, 6), "Payment - standing order", "-120.00"),
            ),
        ),
    )
}


def find_tenancy(reference: str) -> Tenancy | None:
    return TENANCIES.get(normalise_reference(reference))
