"""The audit log for auditors: browse, verify, export, and the signed chain head."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates

from threadline.errors import NotFoundError
from threadline.store import verify_chain
from threadline.store.accounts import Role, User
from threadline.store.audit_export import audit_page, iter_audit
from threadline.store.signing import latest_signed_head, sign_head
from threadline.web.auth import Security, audit, database, require, security
from threadline.web.deps import get_templates

router = APIRouter(prefix="/audit")

Auditor = Annotated[User, Depends(require(Role.AUDITOR))]
Templates = Annotated[Jinja2Templates, Depends(get_templates)]
PAGE = 100


@router.get("", response_class=HTMLResponse)
def audit_log_page(
    request: Request,
    _auditor: Auditor,
    templates: Templates,
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> Response:
    """The newest rows, a page at a time; reading the log is itself audited."""
    with database(request).transaction() as connection:
        rows = audit_page(connection, before, PAGE)
        audit(request, "audit.read", "audit_log", str(before or ""), connection=connection)
    older = rows[-1]["seq"] if len(rows) == PAGE else None
    page = templates.TemplateResponse(request, "audit.html", {"rows": rows, "older": older})
    assert isinstance(page, HTMLResponse)
    return page


@router.get("/verify")
def verify(request: Request, _auditor: Auditor) -> dict[str, Any]:
    """Recompute the chain; say where it first breaks."""
    # Its own transaction: verify_chain sets yield_per on the connection it is given, which
    # would turn the audit append's UPDATE into a server-side cursor on PostgreSQL.
    with database(request).transaction() as connection:
        result = verify_chain(connection)
    with database(request).transaction() as connection:
        audit(
            request,
            "audit.verify",
            "audit_log",
            "",
            "ok" if result.ok else "broken",
            {"rows": result.rows},
            connection=connection,
        )
    return {
        "ok": result.ok,
        "rows": result.rows,
        "head_hash": result.head_hash,
        "first_broken": result.first_broken,
        "reason": result.reason,
    }


@router.get("/export")
def export(request: Request, _auditor: Auditor) -> StreamingResponse:
    """The whole log as JSON lines, in chain order, for verification elsewhere."""
    audit(request, "audit.export", "audit_log", "*")
    headers = {"content-disposition": 'attachment; filename="threadline-audit.jsonl"'}
    return StreamingResponse(_lines(request), media_type="application/x-ndjson", headers=headers)


def _lines(request: Request) -> Iterator[bytes]:
    with database(request).transaction() as connection:
        for row in iter_audit(connection):
            yield orjson.dumps(row) + b"\n"


@router.get("/head")
def signed_head(request: Request, _auditor: Auditor) -> dict[str, Any]:
    """The most recent signed chain head, to anchor elsewhere."""
    with database(request).transaction() as connection:
        head = latest_signed_head(connection)
        audit(request, "audit.head.export", "audit_head", "", connection=connection)
    if head is None:
        raise NotFoundError("no head has been signed yet")
    return head.as_dict()


@router.post("/head")
def sign(
    request: Request, _auditor: Auditor, sec: Annotated[Security, Depends(security)]
) -> JSONResponse:
    """Sign the current head now and return it."""
    with database(request).transaction() as connection:
        head = sign_head(connection, sec.signing_key, sec.now())
        audit(request, "audit.head.sign", "audit_head", str(head.seq), connection=connection)
    return JSONResponse(head.as_dict(), status_code=201)
