"""Movement (itineraries, circuits, flows) and statistics (concentration, Gini, terms) exactly."""

from datetime import UTC, datetime, timedelta

import pytest

from threadline.link import (
    Circuit,
    Flow,
    LinkState,
    Stop,
    circuits,
    city_flows,
    concentration,
    corpus_stats,
    gini,
    itinerary,
    language,
    link_ads,
    lorenz,
    network_movements,
    phone_movements,
    weekly_volume,
)
from threadline.link._result import stable_id
from threadline.model import AdEvidence

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday, ISO week 10


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def test_itinerary_merges_consecutive_sightings_in_one_city() -> None:
    stops = itinerary([(day(2), "Reno"), (day(0), "Reno"), (day(5), "Vegas"), (day(9), "Reno")])
    assert stops == (
        Stop("Reno", day(0), day(2), 2),
        Stop("Vegas", day(5), day(5), 1),
        Stop("Reno", day(9), day(9), 1),
    )


def test_circuits_need_three_cities_within_thirty_days() -> None:
    stops = itinerary(
        [
            (day(0), "A"),
            (day(10), "B"),
            (day(20), "C"),
            (day(40), "D"),
            (day(45), "E"),
            (day(80), "F"),
        ]
    )
    assert circuits(stops) == (Circuit(("A", "B", "C"), day(0), day(20)),)
    assert circuits(stops, minimum=2) == (
        Circuit(("A", "B", "C"), day(0), day(20)),
        Circuit(("D", "E"), day(40), day(45)),
    )


def test_a_return_to_the_same_city_is_not_a_third_city() -> None:
    stops = itinerary([(day(0), "A"), (day(5), "B"), (day(10), "A"), (day(15), "B")])
    assert circuits(stops) == ()


def _moving_network() -> list[AdEvidence]:
    phone = ("phone", "+17025550101")
    cities = [("Reno", 0), ("Vegas", 6), ("Phoenix", 12), ("Reno", 40)]
    return [
        AdEvidence(f"m{i}", f"ad number {chr(97 + i)}", (phone,), city=city, posted_at=day(d))
        for i, (city, d) in enumerate(cities)
    ]


def test_network_and_phone_movements_and_flows() -> None:
    state = LinkState()
    link_ads(_moving_network(), state)
    (by_network,) = network_movements(state)
    (by_phone,) = phone_movements(state)
    assert by_network.key == "network:" + stable_id("N", "m0")
    assert by_phone.key == "phone:+17025550101"
    assert [s.city for s in by_network.stops] == ["Reno", "Vegas", "Phoenix", "Reno"]
    assert by_network.circuits == (Circuit(("Reno", "Vegas", "Phoenix"), day(0), day(12)),)
    assert city_flows([by_network]) == (
        Flow("Phoenix", "Reno", 1),
        Flow("Reno", "Vegas", 1),
        Flow("Vegas", "Phoenix", 1),
    )


@pytest.mark.parametrize(
    ("counts", "expected"),
    [([1, 1, 2, 4], 0.3125), ([5, 5, 5], 0.0), ([0, 0, 0, 10], 0.75), ([], 0.0)],
)
def test_gini(counts: list[int], expected: float) -> None:
    assert gini(counts) == pytest.approx(expected)


def test_lorenz_curve_points() -> None:
    assert lorenz([1, 1, 2, 4]) == ((0.0, 0.0), (0.25, 0.125), (0.5, 0.25), (0.75, 0.5), (1.0, 1.0))
    assert len(lorenz(list(range(1, 1001)))) == 101


def _ads() -> list[AdEvidence]:
    return [
        AdEvidence(
            "a",
            "Sweet girl 🍒🍒 new girl",
            (("phone", "p1"), ("phone", "site")),
            city="Reno",
            posted_at=day(0),
        ),
        AdEvidence("b", "girl in town 🍒", (("phone", "p1"),), city="Reno", posted_at=day(8)),
        AdEvidence(
            "c", "GIRL 👑", (("phone", "p2"), ("phone", "site")), city="Vegas", posted_at=day(1)
        ),
        AdEvidence("d", "no phone here", city="Vegas"),
    ]


def test_concentration_top_phones_share() -> None:
    result = concentration(_ads(), exclude={"site"}, top=(1, 2))
    assert (result.ads, result.phones, result.top_share) == (4, 2, ((1, 0.5), (2, 0.75)))
    assert result.gini == pytest.approx(1 / 6)


def test_language_counts_ads_not_occurrences() -> None:
    terms, emoji = language(_ads(), top=3)
    assert terms == (("girl", 3), ("here", 1), ("new", 1))
    assert emoji == (("🍒", 2), ("👑", 1))


def test_weekly_volume_per_city() -> None:
    assert weekly_volume(_ads()) == (
        ("Reno", "2026-W10", 1),
        ("Reno", "2026-W11", 1),
        ("Vegas", "2026-W10", 1),
    )


def test_corpus_stats_as_json_and_csv() -> None:
    stats = corpus_stats(_ads(), exclude={"site"}, top=1)
    record = stats.to_json()
    assert record["top_phone_share"] == {"10": 0.75, "100": 0.75, "1000": 0.75}
    assert record["terms"] == [{"term": "girl", "ads": 3}]
    lines = stats.to_csv().splitlines()
    assert lines[0] == "section,key,subkey,value"
    assert "term,girl,,3" in lines
    assert "volume,Reno,2026-W10,1" in lines
