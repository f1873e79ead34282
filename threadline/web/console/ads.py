"""The ad page: text with every finding highlighted and explained, images, network, risk."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from threadline.errors import NotFoundError
from threadline.store import BlobStore
from threadline.web.console._common import (
    Db,
    Reader,
    Templates,
    cases_for,
    render,
    settings_of,
    viewed,
)
from threadline.web.console._pages import ad_page

router = APIRouter()
_HEX = frozenset("0123456789abcdef")


@router.get("/ads/{ad_id}", response_class=HTMLResponse)
def ad(request: Request, db: Db, templates: Templates, user: Reader, ad_id: int) -> HTMLResponse:
    """One ad, explained."""
    with db.transaction() as connection:
        context = ad_page(connection, ad_id)
    viewed(request, "ad", str(ad_id))
    context["cases"] = cases_for(db, user)
    return render(request, templates, "ad.html", context)


@router.get("/blobs/{sha256}")
def blob(request: Request, _user: Reader, sha256: str) -> Response:
    """A stored image by its SHA-256 (ad images and face crops)."""
    if len(sha256) != 64 or not set(sha256) <= _HEX:
        raise NotFoundError("no such image")
    path = BlobStore(settings_of(request).blob_dir()).path(sha256)
    if not path.is_file():
        raise NotFoundError("no such image")
    viewed(request, "image", sha256)
    headers = {"cache-control": "private, max-age=3600"}
    return Response(path.read_bytes(), media_type=_media(path.read_bytes()[:4]), headers=headers)


def _media(head: bytes) -> str:
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"GIF8"):
        return "image/gif"
    if head.startswith(b"RIFF"):
        return "image/webp"
    return "image/jpeg"
