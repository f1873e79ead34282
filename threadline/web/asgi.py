"""Bare-ASGI helpers for the fast paths that answer ahead of FastAPI's routing."""

from __future__ import annotations

from starlette.types import Message, Receive, Send


async def send_body(send: Send, status: int, content_type: str, body: bytes) -> None:
    """A whole response, headers in Starlette's order so both paths answer alike to the byte."""
    headers = [
        (b"content-length", str(len(body)).encode("ascii")),
        (b"content-type", content_type.encode("latin-1")),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def replaying(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that hands out the messages already read, then goes on reading: a fast
    path that declines a request passes it on unchanged."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
