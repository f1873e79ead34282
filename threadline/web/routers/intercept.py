"""The intercept JSON API: inbound messages from other channels, statistics, contact reports.

Every call carries the shared secret `THREADLINE_INTERCEPT_API_SECRET`, either as
`Authorization: Bearer <secret>` or as `X-Threadline-Signature: sha256=<hex HMAC-SHA256 of the
raw body>`; while the secret is unset the API refuses every call.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse

from threadline.errors import InputError, ThreadlineError
from threadline.intercept import (
    GATEWAYS,
    WebRequest,
    contact_report,
    landscape,
    load_conversations,
    parse_periods,
)
from threadline.web.auth import public
from threadline.web.routers.sms import (
    InterceptRuntime,
    RuntimeDep,
    error_reply,
    receive,
    signed_url,
    to_response,
)

router = APIRouter(
    prefix="/api/v1/intercept",
    dependencies=[Depends(public("the intercept API checks its own shared secret"))],
)
API_ACTOR = "api:intercept"


@router.post("/messages")
async def messages(request: Request, bot: RuntimeDep) -> Response:
    """One inbound message as JSON `{id, from, to, body}`; the replies due now come back."""
    return await receive(request, bot, "json")


@router.get("/stats")
async def stats(
    request: Request,
    bot: RuntimeDep,
    first: Annotated[str | None, Query(description="first period: YYYY-MM-DD..YYYY-MM-DD")] = None,
    second: Annotated[str | None, Query(description="second period, for capture–recapture")] = None,
) -> Response:
    """Landscape statistics; with two periods, a Chapman estimate of the buyer population."""
    refused = await _refused(request, bot)
    if refused is not None:
        return refused
    try:
        periods = parse_periods(first, second)
    except InputError as exc:
        return to_response(error_reply(exc))
    return JSONResponse(await run_in_threadpool(_stats, bot, periods))


@router.get("/contacts/{contact_id}/report")
async def report(
    request: Request,
    bot: RuntimeDep,
    contact_id: int,
    format: Annotated[str, Query(pattern="^(json|html)$")] = "json",
) -> Response:
    """An investigator's report on one contact, as JSON or a printable page, with its SHA-256."""
    refused = await _refused(request, bot)
    if refused is not None:
        return refused
    try:
        built = await run_in_threadpool(_report, bot, contact_id)
    except ThreadlineError as exc:
        return to_response(error_reply(exc))
    headers = {"x-content-sha256": built.sha256}
    if format == "html":
        return HTMLResponse(built.to_html(), headers=headers)
    return JSONResponse(built.to_json(), headers=headers)


async def _refused(request: Request, bot: InterceptRuntime) -> Response | None:
    # GET calls carry no body: the bearer token, or an HMAC of the empty body.
    probe = WebRequest(
        url=signed_url(request, bot.settings.public_url),
        content_type="application/json",
        body=b"",
        headers={k.lower(): v for k, v in request.headers.items()},
    )
    try:
        GATEWAYS["json"].verify(probe, bot.secrets)
    except ThreadlineError as exc:
        ip = request.client.host if request.client else ""
        await run_in_threadpool(bot.audit_refusal, "json", ip, exc.detail)
        return to_response(error_reply(exc))
    return None


def _stats(
    bot: InterceptRuntime, periods: tuple[tuple[date, date], tuple[date, date]] | None
) -> dict[str, Any]:
    with bot.database.transaction() as connection:
        return landscape(load_conversations(connection), periods)


def _report(bot: InterceptRuntime, contact_id: int) -> Any:
    with bot.database.transaction() as connection:
        return contact_report(connection, bot.config, contact_id, API_ACTOR, datetime.now(UTC))
