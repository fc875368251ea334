"""Response bodies of the JSON API (what /openapi.json documents)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from app.data import RentAccount, Tenancy, Transaction


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Problem(BaseModel):
    detail: str


class TenancyOut(BaseModel):
    reference: str = Field(examples=["TN000101"])
    tenants: list[str]
    address: list[str]
    tenure: str = Field(examples=["Secure"])
    start_date: date

    @classmethod
    def of(cls, tenancy: Tenancy) -> TenancyOut:
        return cls(
            reference=tenancy.reference,
            tenants=list(tenancy.tenants),
            address=list(tenancy.address),
            tenure=tenancy.tenure,
            start_date=tenancy.start_date,
        )


class TransactionOut(BaseModel):
    posted: date
    description: str
    amount: str = Field(description="Pounds; positive is a charge, negative a payment")

    @classmethod
    def of(cls, item: Transaction) -> TransactionOut:
        return cls(posted=item.posted, description=item.description, amount=f"{item.amount:.2f}")


class RentAccountOut(BaseModel):
    reference: str
    weekly_rent: str = Field(examples=["98.40"])
    balance: str = Field(description="Pounds; positive is arrears, negative is credit")
    in_arrears: bool
    last_payment: TransactionOut | None
    transactions: list[TransactionOut]

    @classmethod
    def of(cls, reference: str, account: RentAccount) -> RentAccountOut:
        last = account.last_payment
        return cls(
            reference=reference,
            weekly_rent=f"{account.weekly_rent:.2f}",
            balance=f"{account.balance:.2f}",
            in_arrears=account.balance > 0,
            last_payment=TransactionOut.of(last) if last else None,
            transactions=[TransactionOut.of(t) for t in account.transactions],
        )
