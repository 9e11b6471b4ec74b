"""The operator-edited catalog file (purity of flows/ is tests/test_architecture.py's job)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from flows.domain.catalog import parse_catalog

ROOT = Path(__file__).resolve().parents[2]
TOML = ROOT / "flows" / "data" / "intake.toml"
INDICATORS = [
    "broker",
    "irregular_route",
    "holding",
    "deceived",
    "documents_held",
    "debt",
    "confined",
    "violence",
    "forged_documents",
    "unpaid",
    "conditions",
    "sexual",
    "child",
    "marriage",
    "organ",
    "other",
]


def test_intake_toml_parses_with_every_list():
    with TOML.open("rb") as f:
        catalog = parse_catalog(tomllib.load(f))
    assert [o.id for o in catalog.roles] == ["korban", "keluarga", "teman", "forum_anak", "lainnya"]
    assert [o.id for o in catalog.indicators] == INDICATORS
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
    numbers = {h.number for h in catalog.help_lines}
    assert {"110", "148", "999", "+60 89 772052"} <= numbers


def test_labels_fit_on_a_button_and_are_safe_msgids(catalog):
    for label in catalog.labels():
        assert 0 < len(label) <= 32, label
        assert not any(c in label for c in "<>&{}"), label
    for name in ("kecamatan", "crossings", "sabah"):  # shown two to a row
        for option in catalog.lists()[name]:
            assert len(option.label) <= 22, option.label


def test_help_numbers_and_unverified_places_are_flagged_for_verification():
    text = TOML.read_text(encoding="utf-8")
    assert "VERIFY EVERY NUMBER BEFORE LAUNCH" in text
    assert "VERIFY before launch: Aji Kuning and Simanggaris" in text
