"""The operator-edited catalog file (purity of flows/ is tests/test_architecture.py's job)."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flows.core.errors import CatalogError
from flows.domain.catalog import help_check, parse_catalog

ROOT = Path(__file__).resolve().parents[2]
TOML = ROOT / "flows" / "data" / "intake.toml"
INDICATORS = [
    "broker",
    "irregular_route",
    "holding",
    "forged_documents",
    "deceived",
    "unpaid",
    "debt",
    "documents_held",
    "conditions",
    "confined",
    "violence",
    "sexual",
    "marriage",
    "organ",
    "child",
    "lost_contact",
    "other",
]


def _data() -> dict[str, Any]:
    return tomllib.loads(TOML.read_text(encoding="utf-8"))


def test_intake_toml_parses_with_every_list(catalog):
    assert [o.id for o in catalog.roles] == [
        "korban",
        "keluarga",
        "teman",
        "anak",
        "forum_anak",
        "lainnya",
    ]
    assert [o.id for o in catalog.indicators] == INDICATORS
    assert {o.group for o in catalog.indicators} == {g.id for g in catalog.indicator_groups}
    assert {o.id for o in catalog.child_indicators} <= set(INDICATORS)
    assert not {"organ", "marriage", "forged_documents"} & {o.id for o in catalog.child_indicators}
    assert len(catalog.kecamatan) == 21
    assert {"sebatik", "nunukan_selatan", "lumbis_hulu", "sei_menggaris"} <= {
        o.id for o in catalog.kecamatan
    }
    assert {"tunon_taka", "long_midang", "aji_kuning", "simanggaris", "other"} <= {
        o.id for o in catalog.crossings
    }
    assert catalog.sabah[0].id == "tawau"
    assert {"kota_kinabalu", "ladang", "unknown"} <= {o.id for o in catalog.sabah}
    assert {o.id for o in catalog.age_bands} == {"under_13", "13_17", "adult", "unknown"}
    assert "unknown" in {o.id for o in catalog.when}
    assert {o.id for o in catalog.victim_counts} >= {"one", "unknown"}


def test_labels_fit_on_a_button_and_are_safe_msgids(catalog):
    for options in catalog.lists().values():
        for option in options:
            assert 0 < len(option.label) <= 32, option.label
            assert not any(c in option.label for c in "<>&{}"), option.label
    for name in ("kecamatan", "crossings", "sabah"):  # shown two to a row
        for option in catalog.lists()[name]:
            assert len(option.label) <= 22, option.label
    for option in catalog.indicators:  # two to a row, under headings
        assert len(option.label) <= 30, option.label
    assert "Sabah" not in "".join(h.label for h in catalog.help_lines)  # countries say it


def test_help_numbers_by_country_as_domain_md_lists_them(catalog):
    by_country = {(h.country, h.number) for h in catalog.help_lines if h.listed}
    assert {
        ("malaysia", "999"),
        ("malaysia", "112"),
        ("malaysia", "+60 89 772052"),
        ("malaysia", "+62 811-1129-129"),
        ("malaysia", "+62 21 2924 4800"),
        ("indonesia", "110"),
        ("indonesia", "129"),
        ("indonesia", "0800-1000"),
        ("indonesia", "148"),
    } == by_country
    # Numbers that fail from a Malaysian SIM card are never offered as Malaysian ones.
    assert not {"110", "129", "0800-1000", "148"} & {
        h.number for h in catalog.help_lines if h.country == "malaysia"
    }
    (lpsk,) = [h for h in catalog.help_lines if h.number == "148"]
    assert not lpsk.emergency
    (whatsapp,) = [h for h in catalog.help_lines if h.whatsapp]
    assert whatsapp.number.startswith("+62") and whatsapp.digits == "628111129129"


def test_numbers_are_written_so_that_a_tap_dials_them(catalog):
    for line in catalog.help_lines:
        digits = re.sub(r"\D", "", line.number)
        if len(digits) > 5 and not line.number.startswith("0800"):  # toll-free stays domestic
            assert line.number.startswith(("+62", "+60")), line.number


def test_numbers_to_be_supplied_are_listed_but_never_invented(catalog):
    missing = {h.label for h in catalog.help_lines if not h.listed}
    assert {"UPTD PPA Nunukan", "BP3MI Kalimantan Utara"} <= missing
    assert any(label.startswith("KJRI Kota Kinabalu") for label in missing)
    assert all(h.verified is None for h in catalog.help_lines if not h.listed)


def test_every_listed_number_has_a_verified_date(catalog):
    assert all(h.verified is not None for h in catalog.help_lines if h.listed)


def test_catalog_check_lists_stale_unverified_and_missing_numbers(catalog):
    found = dict((h.label, reason) for h, reason in help_check(catalog, date(2026, 11, 30)))
    assert found["Police"] == "last verified 2025-12-01, 364 days ago"
    assert found["UPTD PPA Nunukan"].startswith("number to be supplied")
    fresh = help_check(catalog, date(2026, 1, 1))
    assert {h.label for h, _ in fresh} == {h.label for h in catalog.help_lines if not h.listed}


def test_help_numbers_and_unverified_places_are_flagged_for_verification():
    text = TOML.read_text(encoding="utf-8")
    assert "VERIFY EVERY NUMBER BEFORE LAUNCH" in text
    assert "VERIFY before launch: Aji Kuning and Simanggaris" in text
    assert "NEVER guess a number" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["help_lines"][0].update(country="singapore"), "country"),
        (lambda d: d["help_lines"][0].update(number="call 999"), "digits"),
        (lambda d: d["help_lines"][0].update(verified="last year"), "must be a date"),
        (lambda d: d["help_lines"][0].update(all_day="yes"), "true or false"),
        (
            lambda d: d["child_indicators"].append({"id": "ghost", "label": "Ghost"}),
            "not an indicators id",
        ),
        (lambda d: d["indicators"][0].update(group="nowhere"), "not an indicator_groups id"),
        (lambda d: d.pop("child_indicators"), "child_indicators"),
    ],
)
def test_malformed_catalogs_are_refused_with_a_clear_message(change, message):
    data = _data()
    change(data)
    with pytest.raises(CatalogError, match=message):
        parse_catalog(data)


def test_indicator_groups_are_optional():
    data = _data()
    data.pop("indicator_groups")
    for item in data["indicators"]:
        item.pop("group")
    assert parse_catalog(data).indicator_groups == ()
