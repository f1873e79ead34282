"""The service over the store, on SQLite and PostgreSQL: idempotency, opt-out, flags,
the outbox claimed exactly once, retention, promotion, reports and statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.builders import an_ad
from threadline.errors import InputError
from threadline.intercept import (
    DUPLICATE,
    OK,
    UNKNOWN_NUMBER,
    Intake,
    InterceptConfig,
    OutboundRequest,
    Secrets,
    add_campaign,
    contact_report,
    enrich_contacts,
    handle_batch,
    landscape,
    load_conversations,
    send_due,
)
from threadline.model import Extraction, Finding, Risk
from threadline.store import (
    AnalyzedAd,
    Database,
    FieldCipher,
    ensure_source,
    save_ads,
    save_extractions,
)
from threadline.store import intercept as repo
from threadline.store.tables import ads
from threadline.store.tables_intercept import (
    intercept_contacts,
    intercept_messages,
    intercept_outbox,
)

T0 = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)
DECOY, DECOY_2, BUYER = "+17025550100", "+17025550101", "+17025550142"
KEY = b"test-secret-key"


def config(scale: float = 0.0) -> InterceptConfig:
    """Service configuration with fixed keys."""
    return InterceptConfig(FieldCipher.from_spec(None, KEY), KEY, delay_scale=scale)


def campaign(db: Database, name: str = "c1", number: str = DECOY) -> int:
    """A campaign on the English example script."""
    with db.transaction() as connection:
        return add_campaign(connection, name, number, "example-en", T0)


def msg(n: int, body: str, frm: str = BUYER, to: str = DECOY, minutes: int | None = None) -> Intake:
    """An inbound SMS with id SM<n>, n minutes after T0."""
    at = T0 + timedelta(minutes=n if minutes is None else minutes)
    return Intake("twilio", f"SM{n}", frm, to, body, at)


def send(db: Database, cfg: InterceptConfig, *intakes: Intake, inline: bool = True) -> list:  # type: ignore[type-arg]
    """Handle messages one transaction each."""
    return [handle_batch(db, cfg, [i], [inline])[0] for i in intakes]


def count(db: Database, table, *where) -> int:  # type: ignore[no-untyped-def]
    with db.transaction() as connection:
        return int(
            connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
        )


def test_campaign_add_refuses_a_taken_number_or_a_bad_one(database: Database) -> None:
    campaign(database)
    with database.transaction() as connection, pytest.raises(InputError, match="exists"):
        add_campaign(connection, "c2", DECOY, "example-es", T0)
    with database.transaction() as connection, pytest.raises(InputError, match=r"E\.164"):
        add_campaign(connection, "c3", "not a number", "example-es", T0)


def test_conversation_runs_to_deterrence_and_replies_are_stored_with_script_lines(
    database: Database,
) -> None:
    campaign(database)
    cfg = config()
    bodies = ["hi", "how much", "my name is Sam", "where are you", "ok", "tomorrow?"]
    outcomes = send(database, cfg, *(msg(i, b) for i, b in enumerate(bodies)))
    assert [o.status for o in outcomes] == [OK] * 6
    assert [len(o.inline) for o in outcomes] == [1, 1, 1, 1, 1, 3]
    with database.transaction() as connection:
        rows = connection.execute(
            select(
                intercept_messages.c.seq,
                intercept_messages.c.direction,
                intercept_messages.c.script_id,
                intercept_messages.c.script_version,
                intercept_messages.c.reply_key,
            ).order_by(intercept_messages.c.seq)
        ).all()
    assert [tuple(r) for r in rows if r.direction == "out"][-3:] == [
        (12, "out", "example-en", 1, "ending[0]"),
        (13, "out", "example-en", 1, "ending[1]"),
        (14, "out", "example-en", 1, "ending[2]"),
    ]
    assert len(rows) == 14


def test_retried_delivery_is_answered_the_same_and_stored_once(database: Database) -> None:
    campaign(database)
    cfg = config()
    first = send(database, cfg, msg(1, "hi"))[0]
    again = send(database, cfg, msg(1, "hi"))[0]
    assert (first.status, again.status) == (OK, DUPLICATE)
    assert again.inline == first.inline
    assert count(database, intercept_messages) == 2


def test_retries_inside_one_batch_are_stored_once(database: Database) -> None:
    campaign(database)
    outcomes = handle_batch(database, config(), [msg(1, "hi"), msg(1, "hi")], [True, True])
    assert [o.status for o in outcomes] == [OK, DUPLICATE]
    assert outcomes[0].inline == outcomes[1].inline
    assert count(database, intercept_messages) == 2


def test_unknown_decoy_number_is_reported_not_stored(database: Database) -> None:
    campaign(database)
    outcome = send(database, config(), msg(1, "hi", to="+17025550199"))[0]
    assert outcome.status == UNKNOWN_NUMBER
    assert count(database, intercept_messages) == 0


def test_opt_out_cancels_queued_messages_and_silences_every_campaign(database: Database) -> None:
    campaign(database)
    campaign(database, "c2", DECOY_2)
    cfg = config(scale=1.0)
    send(database, cfg, msg(1, "hi"))
    assert count(database, intercept_outbox, intercept_outbox.c.status == "pending") == 1
    stopped = send(database, cfg, msg(2, "STOP"))[0]
    assert (stopped.inline, stopped.queued) == ((), 0)
    assert count(database, intercept_outbox, intercept_outbox.c.status == "cancelled") == 1
    later = send(database, cfg, msg(3, "hello", to=DECOY_2), msg(4, "hi again"))
    assert [(o.inline, o.queued) for o in later] == [((), 0), ((), 0)]
    assert count(database, intercept_contacts, intercept_contacts.c.opted_out_at.is_not(None)) == 1


def test_repeat_contact_across_campaigns_is_flagged(database: Database) -> None:
    campaign(database)
    campaign(database, "c2", DECOY_2)
    send(database, config(), msg(1, "hi"), msg(2, "hi", to=DECOY_2))
    with database.transaction() as connection:
        flags = [set(row.flags) for row in repo.stats_conversations(connection)]
    assert flags == [set(), {"repeat_contact"}]


def test_buyer_whose_number_is_in_stored_ads_is_flagged(database: Database) -> None:
    with database.transaction() as connection:
        source = ensure_source(connection, "corpus")
        save_ads(connection, source, [an_ad("a1")])
        row_id = int(connection.execute(select(func.min(ads.c.id))).scalar_one())
        finding = Finding("phone", BUYER, 5, 17, "702-555-0142", "phones@1")
        extraction = Extraction("a1", (finding,), Risk(0.0, "low"))
        save_extractions(connection, [AnalyzedAd(row_id, "h", extraction)], KEY)
    campaign(database)
    send(database, config(), msg(1, "hi"))
    with database.transaction() as connection:
        assert [row.flags for row in repo.stats_conversations(connection)] == [["seen_in_ads"]]
        report = contact_report(connection, config(), 1, "tester", T0)
    assert [a["ad_id"] for a in report.content["linked_ads"]] == [row_id]


def test_queued_messages_are_claimed_and_sent_exactly_once(database: Database) -> None:
    campaign(database)
    cfg = config(scale=1.0)
    send(database, cfg, *(msg(i, b) for i, b in enumerate(["a", "b", "c", "d", "e", "f"])))
    sent: list[OutboundRequest] = []

    def transport(request: OutboundRequest) -> tuple[int, str]:
        sent.append(request)
        return 201, "created"

    later = T0 + timedelta(hours=1)
    first = send_due(database, cfg, Secrets(twilio_account_sid="AC1"), transport, later)
    second = send_due(database, cfg, Secrets(twilio_account_sid="AC1"), transport, later)
    assert (first.sent, second.sent) == (8, 0)
    assert len({r.headers["Idempotency-Key"] for r in sent}) == 8
    assert sent[0].url == "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"
    assert count(database, intercept_outbox, intercept_outbox.c.status == "sent") == 8


def test_two_claims_never_share_a_row(database: Database) -> None:
    campaign(database)
    send(database, config(scale=1.0), *(msg(i, "x") for i in range(6)))
    later = T0 + timedelta(hours=1)
    with database.transaction() as connection:
        one = repo.claimed(connection, repo.claim_due(connection, later, 5, timedelta(seconds=30)))
    with database.transaction() as connection:
        two = repo.claimed(connection, repo.claim_due(connection, later, 5, timedelta(seconds=30)))
    assert (len(one), len(two)) == (5, 3)
    assert not {i.outbox_id for i in one} & {i.outbox_id for i in two}


def test_a_stale_claim_is_taken_again_after_the_lease(database: Database) -> None:
    campaign(database)
    send(database, config(scale=1.0), msg(1, "hi"))
    later = T0 + timedelta(hours=1)
    with database.transaction() as connection:
        repo.claim_due(connection, later, 10, timedelta(seconds=30))
    with database.transaction() as connection:
        soon = repo.claimed(
            connection,
            repo.claim_due(connection, later + timedelta(seconds=10), 10, timedelta(seconds=30)),
        )
        late = repo.claimed(
            connection,
            repo.claim_due(connection, later + timedelta(seconds=31), 10, timedelta(seconds=30)),
        )
    assert (len(soon), len(late), late[0].attempts) == (0, 1, 2)


def test_transport_failure_is_retried_later_and_4xx_fails(database: Database) -> None:
    campaign(database)
    cfg = config(scale=1.0)
    send(database, cfg, msg(1, "hi"), msg(2, "how much"))
    later = T0 + timedelta(hours=1)
    answers = iter([(0, "ConnectError"), (400, "bad number")])
    counts = send_due(database, cfg, Secrets(), lambda _r: next(answers), later)
    assert (counts.retried, counts.failed) == (1, 1)
    assert count(database, intercept_outbox, intercept_outbox.c.status == "pending") == 1


def test_promote_needs_a_written_reason_and_is_audited(database: Database) -> None:
    campaign(database)
    send(database, config(), msg(1, "hi"))
    with database.transaction() as connection, pytest.raises(InputError, match="written reason"):
        repo.promote_contact(connection, 1, "too short", ["x"], "inv-1", T0)
    with database.transaction() as connection:
        repo.promote_contact(
            connection, 1, "Repeat buyer linked to network N-7 ads", ["n7"], "inv-1", T0
        )
        row = repo.contact_record(connection, 1)
    assert (row.promoted_by, list(row.labels)) == ("inv-1", ["n7"])
    with database.transaction() as connection:
        assert repo.purge_expired(connection, T0 + timedelta(days=91)) == 0


def test_purge_removes_expired_contacts_and_everything_said(database: Database) -> None:
    campaign(database)
    send(database, config(scale=1.0), msg(1, "my name is Sam"))
    with database.transaction() as connection:
        assert repo.purge_expired(connection, T0 + timedelta(days=89)) == 0
        assert repo.purge_expired(connection, T0 + timedelta(days=91)) == 1
    assert count(database, intercept_messages) == 0
    assert count(database, intercept_outbox) == 0


def test_personal_fields_are_encrypted_at_rest(database: Database) -> None:
    campaign(database)
    send(database, config(), msg(1, "my name is Sam"))
    with database.transaction() as connection:
        phone = connection.execute(select(intercept_contacts.c.phone_enc)).scalar_one()
        body = connection.execute(
            select(intercept_messages.c.body_enc).where(intercept_messages.c.direction == "in")
        ).scalar_one()
    assert (phone[:4], BUYER in phone) == ("tl1.", False)
    assert (body[:4], "Sam" in body) == ("tl1.", False)


def test_report_holds_transcript_facts_and_a_digest(database: Database) -> None:
    campaign(database)
    with database.transaction() as connection:
        repo.add_decoy_ad(
            connection,
            {
                "campaign_id": 1,
                "site": "classifieds.example",
                "city": "Reno",
                "posted_at": T0 - timedelta(days=1),
                "text": "Decoy ad text",
            },
        )
    send(database, config(), msg(1, "hi, my name is Sam, zip 89501"))
    with database.transaction() as connection:
        report = contact_report(connection, config(), 1, "inv-1", T0)
    conversation = report.content["conversations"][0]
    assert conversation["ad"] == {
        "site": "classifieds.example",
        "city": "Reno",
        "posted_at": "2026-10-31T20:00:00+00:00",
        "text": "Decoy ad text",
    }
    assert [(m["direction"], m["text"]) for m in conversation["transcript"]] == [
        ("in", "hi, my name is Sam, zip 89501"),
        ("out", "hey, who is this?"),
    ]
    assert [(f["kind"], f["value"]) for f in conversation["facts"]] == [
        ("name", "Sam"),
        ("zip", "89501 Reno, NV"),
    ]
    assert len(report.sha256) == 64
    assert report.sha256 in report.to_html()


def test_stats_count_buyers_messages_deterrence_and_rates(database: Database) -> None:
    campaign(database)
    cfg = config()
    send(database, cfg, *(msg(i, b) for i, b in enumerate(["a", "b", "c", "d", "e", "f"])))
    send(database, cfg, msg(10, "hi", frm="+17025550143"), msg(11, "STOP", frm="+17025550143"))
    with database.transaction() as connection:
        figures = landscape(load_conversations(connection))
    assert {
        k: figures[k]
        for k in (
            "buyers",
            "messages",
            "conversations",
            "reached_deterrence",
            "repeat_rate",
            "continued_after_disclosure_rate",
        )
    } == {
        "buyers": 2,
        "messages": 8,
        "conversations": 2,
        "reached_deterrence": 1,
        "repeat_rate": 0.0,
        "continued_after_disclosure_rate": 1.0,
    }
    assert figures["by_hour"]["20"] == 8


class FakeLookup:
    """A paid lookup that answers from a table."""

    name = "fake"

    def lookup(self, e164: str) -> dict[str, str]:
        return {"caller_name": "SAMPLE NAME", "number": e164}


def test_paid_lookup_runs_once_per_contact(database: Database) -> None:
    campaign(database)
    send(database, config(), msg(1, "hi"))
    assert enrich_contacts(database, config(), FakeLookup()) == 1
    assert enrich_contacts(database, config(), FakeLookup()) == 0
    with database.transaction() as connection:
        assert repo.contact_record(connection, 1).paid_lookup == {
            "provider": "fake",
            "caller_name": "SAMPLE NAME",
            "number": BUYER,
        }
