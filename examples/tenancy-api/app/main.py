"""The FastAPI application: JSON API under /api/v1 and the "Find a tenancy" page at /."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from app import __version__, pages
from app.data import REFERENCE_PATTERN, Tenancy, find_tenancy
from app.schemas import Health, Problem, RentAccountOut, TenancyOut

ASSETS = Path(__file__).parent / "assets"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

Reference = Annotated[
    str,
    PathParam(pattern=REFERENCE_PATTERN, description="Tenancy reference", examples=["TN000101"]),
]
NOT_FOUND = {404: {"model": Problem, "description": "No tenancy with that reference"}}

app = FastAPI(
    title="Tenancy API",
    version=__version__,
    description="Tenancy and rent-account look-ups for housing officers (fictional sample data).",
    docs_url=None,  # the docs UIs load assets from a CDN; the OpenAPI document is enough
    redoc_url=None,
)


@app.middleware("http")
async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    return response


@app.get("/api/v1/healthcheck/ping", response_model=Health, tags=["health"])
def ping() -> Health:
    """Liveness check for load balancers and the container HEALTHCHECK."""
    return Health(status="ok")


def _tenancy_or_404(reference: str) -> Tenancy:
    tenancy = find_tenancy(reference)
    if tenancy is None:
        raise HTTPException(status_code=404, detail=f"No tenancy with reference {reference}")
    return tenancy


@app.get("/api/v1/tenancies/{reference}", response_model=TenancyOut, responses=NOT_FOUND, tags=["tenancies"])
def get_tenancy(reference: Reference) -> TenancyOut:
    """A tenancy: tenants, address, tenure and start date."""
    return TenancyOut.of(_tenancy_or_404(reference))


@app.get(
    "/api/v1/tenancies/{reference}/rent-account",
    response_model=RentAccountOut,
    responses=NOT_FOUND,
    tags=["tenancies"],
)
def get_rent_account(reference: Reference) -> RentAccountOut:
    """The tenancy's rent account: weekly rent, balance, last payment and transactions."""
    tenancy = _tenancy_or_404(reference)
    return RentAccountOut.of(tenancy.reference, tenancy.rent_account)


@app.get("/", response_class=HTMLResponse, include_in_schema=False)
def search_page(ref: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """The search form; with ?ref= it shows the tenancy or an error summary."""
    result = pages.search(ref)
    return HTMLResponse(result.html, status_code=result.status_code)


@app.get("/assets/app.css", include_in_schema=False)
def stylesheet() -> Response:
    css = (ASSETS / "app.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})
