"""Liveness and readiness for load balancers and `make run`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from threadline import __version__
from threadline.store import Database
from threadline.web.auth import public
from threadline.web.deps import get_db

router = APIRouter(dependencies=[Depends(public("load balancers and make run probe it"))])


@router.get("/healthz")
def healthz(db: Annotated[Database, Depends(get_db)]) -> JSONResponse:
    """200 when the database answers and holds the schema, else 503."""
    ok = db.check()
    body = {"status": "ok" if ok else "unavailable", "database": ok, "version": __version__}
    return JSONResponse(body, status_code=200 if ok else 503)
