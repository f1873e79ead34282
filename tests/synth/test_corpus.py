"""The synthetic corpus plants what docs/truth.md promises, and its truth is exact."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

import orjson
import phonenumbers
import pytest

from tests.synth.truthcheck import (
    TRUTH_LISTS,
    ad_text,
    components,
    decode_phone,
    evidence,
    jaccard,
    masked_shingles,
)
from threadline.synth import (
    EMAIL_STYLES,
    HANDLE_SERVICES,
    INDICATORS,
    PHONE_STYLES,
    generate_ads,
    period_end,
)

N = 2000
SEED = 7
FICTIONAL = re.compile(r"\+1[2-9]\d\d55501\d\d")
UNITS = {"hour", "half_hour", "quick_visit", "overnight", "session"}


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    """Two thousand ads without images."""
    return list(generate_ads(N, SEED, None))


def _all(corpus: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [item for record in corpus for item in record["_truth"][key]]


def _by_network(corpus: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    networks: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in corpus:
        networks[record["_truth"]["network"]].append(record)
    return networks


def test_generate_ads_same_seed_gives_identical_bytes() -> None:
    first = [orjson.dumps(r) for r in generate_ads(300, 11, None)]
    assert first == [orjson.dumps(r) for r in generate_ads(300, 11, None)]
    assert first != [orjson.dumps(r) for r in generate_ads(300, 12, None)]


def test_generate_ads_writes_exactly_n_records_with_unique_ids(
    corpus: list[dict[str, Any]],
) -> None:
    assert len(corpus) == N
    assert len({r["id"] for r in corpus}) == N
    assert list(generate_ads(0, SEED, None)) == []


def test_generate_ads_negative_count_is_refused() -> None:
    with pytest.raises(Exception, match="negative"):
        generate_ads(-1, SEED, None)


def test_records_follow_the_contract(corpus: list[dict[str, Any]]) -> None:
    keys = ["id", "site", "url", "title", "body", "posted_at", "city", "region", "country",
            "images", "_truth"]  # fmt: skip
    assert {tuple(r) for r in corpus} == {tuple(keys)}
    assert {r["country"] for r in corpus} == {"US"}
    assert all(r["site"].endswith(".example") and r["url"].startswith("https://") for r in corpus)
    assert all(r["title"] and r["body"] and r["images"] == [] for r in corpus)


def test_posting_times_lie_in_twelve_weeks_ending_at_the_seeded_date(
    corpus: list[dict[str, Any]],
) -> None:
    times = [datetime.fromisoformat(r["posted_at"]) for r in corpus]
    end = period_end(SEED)
    assert all(t.utcoffset() == timedelta(0) for t in times)
    assert end - timedelta(days=84) <= min(times)
    assert max(times) <= end
    assert times == sorted(times)
    assert period_end(SEED) == period_end(SEED) != period_end(SEED + 1)


def test_every_truth_span_is_its_text(corpus: list[dict[str, Any]]) -> None:
    assert _bad_spans(corpus) == []


def test_every_phone_is_fictional_valid_and_spelled_by_its_text(
    corpus: list[dict[str, Any]],
) -> None:
    phones = _all(corpus, "phones")
    assert all(FICTIONAL.fullmatch(p["value"]) for p in phones)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p["value"])) for p in phones)
    assert [p for p in phones if decode_phone(p["text"], p["style"]) != p["value"][2:]] == []


def test_every_style_and_service_appears(corpus: list[dict[str, Any]]) -> None:
    assert {p["style"] for p in _all(corpus, "phones")} == set(PHONE_STYLES)
    assert {e["style"] for e in _all(corpus, "emails")} == set(EMAIL_STYLES)
    assert {h["service"] for h in _all(corpus, "handles")} == set(HANDLE_SERVICES)


@pytest.mark.parametrize(
    ("style", "pattern"),
    [
        ("spaced", r"\d( \d){9}"),
        ("hashed", r"#\d{3}#\d{3}#\d\d#\d\d"),
        ("split_lines", r"\d{3}\n\d{3}\n\d{4}"),
        ("enclosed", r"[⓪①-⑨]{10}"),
        ("emoji", r"(\d\ufe0f\u20e3){10}"),
        ("fullwidth", r"[０-９]{3}－[０-９]{3}－[０-９]{4}"),
        ("bracketed", r"(\(\d\)){3} \d \d \d \. \d \d \d \d"),
    ],
)
def test_phone_style_has_its_shape(corpus: list[dict[str, Any]], style: str, pattern: str) -> None:
    texts = [p["text"] for p in _all(corpus, "phones") if p["style"] == style]
    assert texts
    assert [t for t in texts if not re.fullmatch(pattern, t)] == []


def test_emails_are_lower_case_with_corrected_domains(corpus: list[dict[str, Any]]) -> None:
    emails = _all(corpus, "emails")
    assert all(e["value"] == e["value"].lower() for e in emails)
    domains = {e["value"].split("@")[1] for e in emails}
    assert domains <= {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "protonmail.com",
                       "icloud.com"}  # fmt: skip
    misspelled = [e for e in emails if e["style"] == "misspelled"]
    assert misspelled
    assert all(e["value"].split("@")[1] not in e["text"] for e in misspelled)


def test_handles_are_lower_case_without_at(corpus: list[dict[str, Any]]) -> None:
    handles = _all(corpus, "handles")
    assert all(h["handle"] == h["handle"].lower() and "@" not in h["handle"] for h in handles)
    whatsapp = [h for h in handles if h["service"] == "whatsapp"]
    assert whatsapp
    assert all(FICTIONAL.fullmatch(h["handle"]) for h in whatsapp)


def test_site_phones_are_shared_across_networks_and_never_listed_as_phones(
    corpus: list[dict[str, Any]],
) -> None:
    networks: defaultdict[str, set[str]] = defaultdict(set)
    for r in corpus:
        if r["_truth"]["site_phone"]:
            networks[r["_truth"]["site_phone"]].add(r["_truth"]["network"])
            assert r["_truth"]["site_phone"][-4:] in r["body"].rsplit("\n", 1)[-1]
    assert set(networks) <= {f"+1800555010{i}" for i in range(10)}
    assert len(networks) >= 3
    assert min(len(n) for n in networks.values()) >= 10
    assert not set(networks) & {p["value"] for p in _all(corpus, "phones")}


def test_networks_are_connected_and_share_nothing_with_each_other(
    corpus: list[dict[str, Any]],
) -> None:
    truth = {r["id"]: r["_truth"]["network"] for r in corpus}
    groups = components(corpus)
    assert all(len({truth[ad] for ad in group}) == 1 for group in groups)
    assert len(groups) == len(set(truth.values()))


def test_some_trafficking_ads_share_only_a_template(corpus: list[dict[str, Any]]) -> None:
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for r in corpus:
        for key in evidence(r):
            owners[key].add(r["id"])
    only_template = [
        r
        for r in corpus
        if all(len(owners[k]) == 1 for k in evidence(r) if not k.startswith("template:"))
        and len(owners[f"template:{r['_truth']['template']}"]) > 1
        and r["_truth"]["phones"]
    ]
    assert len(only_template) >= 10
    assert {r["_truth"]["network_kind"] for r in only_template} == {"trafficking"}
    assert all(r["_truth"]["template_only"] for r in only_template)


def test_network_kinds_have_their_shapes(corpus: list[dict[str, Any]]) -> None:
    kinds = Counter(r["_truth"]["network_kind"] for r in corpus)
    assert kinds == {"trafficking": 840, "spammer": 360, "independent": 800}
    for records in _by_network(corpus).values():
        kind = records[0]["_truth"]["network_kind"]
        phones = {p["value"] for r in records for p in r["_truth"]["phones"]}
        templates = {r["_truth"]["template"] for r in records}
        if kind == "spammer":
            assert len(phones) <= 1
            assert len(templates) == 1
        if kind == "independent":
            assert len(phones) == 1
            assert len(records) <= 12


def _top_phone_share(corpus: list[dict[str, Any]], fraction: float) -> float:
    """The share of ads carrying one of the `fraction` busiest phones."""
    ads_by_phone: defaultdict[str, set[str]] = defaultdict(set)
    for r in corpus:
        for p in r["_truth"]["phones"]:
            ads_by_phone[p["value"]].add(r["id"])
    busiest = sorted(ads_by_phone.values(), key=len, reverse=True)
    top = busiest[: max(1, round(len(busiest) * fraction))]
    return len(set().union(*top)) / len(corpus)


def test_a_few_phones_stand_behind_many_ads(corpus: list[dict[str, Any]]) -> None:
    assert _top_phone_share(corpus, 0.02) >= 0.15


def test_some_network_posts_in_three_cities_within_thirty_days(
    corpus: list[dict[str, Any]],
) -> None:
    def moves(records: list[dict[str, Any]]) -> bool:
        for first in records:
            start = datetime.fromisoformat(first["posted_at"])
            window = [r for r in records
                      if timedelta(0) <= datetime.fromisoformat(r["posted_at"]) - start
                      <= timedelta(days=30)]  # fmt: skip
            if len({r["city"] for r in window}) >= 3:
                return True
        return False

    traffickers = [rs for rs in _by_network(corpus).values()
                   if rs[0]["_truth"]["network_kind"] == "trafficking"]  # fmt: skip
    assert sum(moves(records) for records in traffickers) >= 3


def test_juvenile_ads_state_an_age_under_eighteen(corpus: list[dict[str, Any]]) -> None:
    juvenile = [r for r in corpus if r["_truth"]["juvenile"]]
    assert len(juvenile) >= 20
    assert {r["_truth"]["network_kind"] for r in juvenile} == {"trafficking"}
    assert all(
        r["_truth"]["juvenile"] == any(a["value"] < 18 for a in r["_truth"]["ages"]) for r in corpus
    )


def test_ages_and_prices_are_well_formed(corpus: list[dict[str, Any]]) -> None:
    ages = _all(corpus, "ages")
    assert all(16 <= a["value"] <= 35 for a in ages)
    forms = (r"\d\d yrs", r"age: [a-z ]+", r"i'm \d\d", r"\d\d years old", r"edad \d\d")
    assert all(any(re.fullmatch(f, a["text"]) for a in ages) for f in forms)
    assert all(str(a["value"]) in a["text"] or "age: " in a["text"] for a in ages)
    prices = _all(corpus, "prices")
    assert {p["unit"] for p in prices} == UNITS
    assert all(p["currency"] == "USD" and str(p["amount"]) in p["text"] for p in prices)
    assert any("🌹" in p["text"] for p in prices)
    assert any("qv" in p["text"] for p in prices)


def _unrecorded_phrases(corpus: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Indicator phrases in the text that no truth indicator covers."""
    phrases = [(code, phrase.lower()) for code, group in INDICATORS.items() for phrase in group]
    found = []
    for r in corpus:
        text = ad_text(r).lower()
        # "sweet and innocent" holds "innocent": any recorded phrase covers what lies inside it
        spans = [(i["start"], i["end"]) for i in r["_truth"]["indicators"]]
        for code, phrase in phrases:
            for match in re.finditer(re.escape(phrase), text):
                if not any(s <= match.start() < e for s, e in spans):
                    found.append((r["id"], code, text[match.start() - 20 : match.end() + 20]))
    return found


def _bad_spans(corpus: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """Truth items whose text is not what the ad says at their span."""
    return [
        (r["id"], key, item)
        for r in corpus
        for key in TRUTH_LISTS
        for item in r["_truth"][key]
        if ad_text(r)[item["start"] : item["end"]] != item["text"]
    ]


def test_indicator_phrases_appear_only_where_recorded(corpus: list[dict[str, Any]]) -> None:
    assert _unrecorded_phrases(corpus) == []


@pytest.mark.slow
def test_a_large_corpus_keeps_its_truth_exact() -> None:
    corpus = list(generate_ads(20_000, SEED + 1, None))
    assert _bad_spans(corpus) == []
    assert _unrecorded_phrases(corpus) == []
    assert _top_phone_share(corpus, 0.02) >= 0.22


def test_indicators_use_the_lexicon_and_every_code_appears(corpus: list[dict[str, Any]]) -> None:
    indicators = _all(corpus, "indicators")
    assert all(i["text"].lower() in INDICATORS[i["code"]] for i in indicators)
    assert {i["code"] for i in indicators} == set(INDICATORS)


def test_movement_phrases_are_commoner_in_independent_ads(corpus: list[dict[str, Any]]) -> None:
    def rate(kind: str, category: str) -> float:
        ads = [r for r in corpus if r["_truth"]["network_kind"] == kind]
        hits = [i for r in ads for i in r["_truth"]["indicators"] if i["code"].startswith(category)]
        return len(hits) / len(ads)

    assert rate("independent", "movement.") > 2 * rate("trafficking", "movement.")
    assert rate("trafficking", "youth.") > 2 * rate("independent", "youth.")
    assert rate("trafficking", "control.") > 2 * rate("independent", "control.")


def test_hard_negatives_are_planted_apart_from_phones(corpus: list[dict[str, Any]]) -> None:
    negatives = _all(corpus, "negatives")
    kinds = {n["kind"] for n in negatives}
    assert kinds == {"post_id", "date", "time", "zip", "height", "measurement", "year"}
    assert any(n["kind"] == "post_id" and len(n["text"]) == 10 for n in negatives)
    assert any(re.fullmatch(r"\d\d/\d\d/\d{4}", n["text"]) for n in negatives)
    for r in corpus:
        phones = [(p["start"], p["end"]) for p in r["_truth"]["phones"]]
        for n in r["_truth"]["negatives"]:
            assert all(n["end"] <= s or e <= n["start"] for s, e in phones)


def test_places_are_the_records_city(corpus: list[dict[str, Any]]) -> None:
    places = [(r["city"], r["region"], p) for r in corpus for p in r["_truth"]["places"]]
    assert places
    assert all((c, g) == (p["city"], p["region"]) for c, g, p in places)
    assert all(p["text"].lower() == c.lower() for c, _, p in places)


def test_ads_of_one_template_match_and_templates_differ(corpus: list[dict[str, Any]]) -> None:
    by_template: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in corpus:
        if not r["_truth"]["template_only"]:
            by_template[r["_truth"]["template"]].append(r)
    rng = random.Random(1)
    pairs = [rng.sample(records, 2) for records in by_template.values() if len(records) > 1]
    same = [jaccard(masked_shingles(a), masked_shingles(b)) for a, b in pairs]
    assert len(same) > 100
    assert min(same) > 0.8
    shingles = [(rs[0]["_truth"]["network"], masked_shingles(rs[0])) for rs in by_template.values()]
    across = [
        jaccard(a, b)
        for i, (net_a, a) in enumerate(shingles)
        for net_b, b in shingles[i + 1 :]
        if net_a != net_b
    ]
    assert max(across) < 0.3


def test_post_ids_never_spell_a_fictional_phone(corpus: list[dict[str, Any]]) -> None:
    post_ids = [n["text"] for n in _all(corpus, "negatives") if n["kind"] == "post_id"]
    assert len(post_ids) > 1000
    assert [p for p in post_ids if FICTIONAL.fullmatch("+1" + p)] == []
