"""Handles: the service named, the handle in lower case without `@`."""

from __future__ import annotations

import pytest

from tests.extract.conftest import Run
from threadline.extract.handles import _LINK_HOSTS, _LINK_TLD, extract_handles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IG: Sugar_Kitty99", "instagram:sugar_kitty99"),
        ("insta @ana.b", "instagram:ana.b"),
        ("instagram.com/ana_b", "instagram:ana_b"),
        ("https://www.instagram.com/Ana_B", "instagram:ana_b"),
        ("IG @ana", "instagram:ana"),
        ("Follow me instagram: ana_b", "instagram:ana_b"),
        ("snap: ana_b", "snapchat:ana_b"),
        ("sc 👻 ana_b", "snapchat:ana_b"),
        ("SC: Ana", "snapchat:ana"),
        ("👻 velvet_doll", "snapchat:velvet_doll"),
        ("snapchat: x1", "snapchat:x1"),
        ("snapchat.com/add/ana_b", "snapchat:ana_b"),
        ("kik me: ana", "kik:ana"),
        ("kik: ana", "kik:ana"),
        ("KIK ana", "kik:ana"),
        ("telegram @ana", "telegram:ana"),
        ("t.me/ana", "telegram:ana"),
        ("TG: @ana", "telegram:ana"),
        ("onlyfans.com/ana", "onlyfans:ana"),
        ("OF: onlyfans.com/ana", "onlyfans:ana"),
        ("linktr.ee/ana.b", "linktree:ana.b"),
        ("wechat: ana", "wechat:ana"),
        ("WeChat ID: ana", "wechat:ana"),
        ("twitter @ana", "twitter:ana"),
        ("x.com/ana", "twitter:ana"),
        ("twitter.com/ana", "twitter:ana"),
        ("whatsapp 702-555-0142", "whatsapp:+17025550142"),
        ("WhatsApp: +1 702 555 0142", "whatsapp:+17025550142"),
        ("WA 7 0 2 5 5 5 0 1 4 2", "whatsapp:+17025550142"),
    ],
)
def test_handles_name_the_service(run: Run, text: str, expected: str) -> None:
    assert [f.value for f in run(extract_handles, text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "of course I love dancing",
        "Find me on instagram for pics",
        "snap pics only",
        "kik me",
        "Call me @ 702",
        "ana.b@gmail.com",
        "box.com/ana",
        "max.com/ana",
        "",
    ],
)
def test_handles_refuses_words_that_only_follow_a_label(run: Run, text: str) -> None:
    assert run(extract_handles, text) == []


def test_handles_attrs_split_service_and_handle(run: Run) -> None:
    [handle] = run(extract_handles, "Add me TG: @Ilassany.Angel!")
    assert (handle.attr("service"), handle.attr("handle"), handle.text) == (
        "telegram",
        "ilassany.angel",
        "TG: @Ilassany.Angel",
    )


def test_every_link_host_passes_the_quick_check_for_a_link() -> None:
    """A host the check does not know would never be searched for."""
    assert [host for host in _LINK_HOSTS if not _LINK_TLD.search(host + "/")] == []
