"""A live server on a loopback port, a small analyzed corpus, one analyst, and Chromium.

The app runs under uvicorn in a thread (demo mode: no MFA step in the browser) on a SQLite
file with three ads (two share a phone), one face candidate, one bot conversation and one
screening platform (whose API key is in PLATFORM_KEYS).
Playwright drives Debian's Chromium at /usr/bin/chromium; CI installs it, so a missing
browser fails the run instead of skipping it.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from PIL import Image
from sqlalchemy import insert, select

from tests.console_corpus import store_and_analyze
from tests.web.accounts import FAST_HASHER, PASSWORD
from threadline.faces._gallery import NAME_CONTEXT
from threadline.intercept import Intake, InterceptConfig, add_campaign, handle
from threadline.settings import Settings
from threadline.store import BlobStore, Database
from threadline.store.accounts import Role, change_password, create_user
from threadline.store.faces import (
    CandidateRow,
    FaceRow,
    PersonRow,
    add_gallery_face,
    save_candidates,
    save_image_faces,
    upsert_person,
)
from threadline.store.screen import create_platform
from threadline.store.tables import ad_images, images
from threadline.store.tables_faces import face_gallery
from threadline.web import create_app
from threadline.web.auth import Security

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
ANALYST = "ana.analyst"
SUPERVISOR = "sam.supervisor"
MODEL = "dlib-resnet-v1"
NOW = datetime(2026, 10, 6, 12, 0, tzinfo=UTC)
PLATFORM_KEYS: list[str] = []  # the live server's platform key, once it runs


def _png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (160, 128), color).save(out, format="PNG")
    return out.getvalue()


def _face_candidate(db: Database, settings: Settings) -> None:
    blobs = BlobStore(settings.blob_dir())
    ad_sha, gallery_sha = blobs.put(_png((200, 120, 110))), blobs.put(_png((120, 140, 200)))
    cipher = Security.from_settings(settings).cipher
    face = FaceRow(number=0, box=[10, 10, 60, 60], embedding=b"\0" * 1024)
    with db.transaction() as connection:
        connection.execute(insert(images).values(sha256=ad_sha, size=1, width=160, height=128))
        connection.execute(insert(ad_images).values(ad_id=1, position=0, sha256=ad_sha))
        person = upsert_person(
            connection, PersonRow("MP-0001", cipher.encrypt("Jane Roe", NAME_CONTEXT)), NOW
        )
        add_gallery_face(connection, person, gallery_sha, "jane.png", face, MODEL, NOW)
        gallery_face = connection.execute(select(face_gallery.c.id)).scalar_one()
        ad_face = save_image_faces(connection, ad_sha, MODEL, [face], None, NOW)[0]
        row = CandidateRow(ad_face, person, gallery_face, 1, 0.4123, "strong", 0.6, MODEL)
        save_candidates(connection, [row], NOW)


def _conversation(db: Database, settings: Settings) -> None:
    config = InterceptConfig.from_settings(settings)
    intake = Intake("json", "m-1", "+17025550142", "+17025550100", "hi are you free tonight", NOW)
    with db.transaction() as connection:
        add_campaign(connection, "vegas-decoy", "+17025550100", "example-en", NOW)
        handle(connection, config, intake, True)


def _platform(db: Database) -> str:
    """A platform's API key: the tip queue test files its report over the API."""
    with db.transaction() as connection:
        return create_platform(connection, "listings", "admin")[1]


def _analyst(db: Database) -> None:
    with db.transaction() as connection:
        for name, role in ((ANALYST, Role.ANALYST), (SUPERVISOR, Role.SUPERVISOR)):
            account, once = create_user(connection, name, role, FAST_HASHER, NOW)
            change_password(connection, account.id, once, PASSWORD, hasher=FAST_HASHER, now=NOW)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The console on http://127.0.0.1:<port> over the small corpus."""
    root = tmp_path_factory.mktemp("console")
    settings = Settings(  # type: ignore[call-arg]
        data_dir=root / "var",
        secret_key="browser-test-secret",
        demo_mode=True,
        intercept_sender=False,
        intercept_delay_scale=0,
    )
    db = Database.from_settings(settings)
    db.migrate()
    store_and_analyze(db, root)
    _face_candidate(db, settings)
    _conversation(db, settings)
    PLATFORM_KEYS.append(_platform(db))
    _analyst(db)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    db.dispose()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's), launched by Playwright without any download."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def _logged_in_page(browser: Any, live_server: str, name: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, viewport={"width": 1360, "height": 900})
    tab = context.new_page()
    tab.goto("/login")
    tab.fill("input[name=name]", name)
    tab.fill("input[name=password]", PASSWORD)
    tab.check("input[name=acknowledge]")
    tab.click("form[action='/login'] button[type=submit]")
    tab.wait_for_url(f"{live_server}/")
    ARTIFACTS.mkdir(exist_ok=True)
    yield tab
    context.close()


@pytest.fixture(scope="package")
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A logged-in analyst's page; every console request stays on loopback."""
    yield from _logged_in_page(browser, live_server, ANALYST)


@pytest.fixture(scope="package")
def supervisor_page(browser: Any, live_server: str) -> Iterator[Any]:
    """A logged-in supervisor's page (may activate bot script versions)."""
    yield from _logged_in_page(browser, live_server, SUPERVISOR)
