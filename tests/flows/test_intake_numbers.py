"""Help numbers grouped by the country a phone can reach them from, that country first."""

from __future__ import annotations

import pytest

from flows.intake import Answers
from flows.intake.messages import first_country, for_answers, numbers
from tests.flows.conftest import play


@pytest.mark.parametrize(
    ("answers", "locale", "first"),
    [
        (Answers(), "id", "indonesia"),
        (Answers(), "en", "indonesia"),
        (Answers(), "ms", "malaysia"),  # a Malay speaker is most likely in Sabah
        (Answers(now_in="malaysia"), "id", "malaysia"),
        (Answers(now_in="indonesia"), "ms", "indonesia"),
        (Answers(place_kind="sabah"), "id", "malaysia"),
        (Answers(place_kind="kecamatan"), "ms", "indonesia"),
        (Answers(place_kind="crossing"), "ms", "indonesia"),
        (Answers(place_kind="typed"), "id", "indonesia"),
        (Answers(now_in="indonesia", place_kind="sabah"), "id", "indonesia"),  # where they are now
    ],
)
def test_which_country_comes_first(answers, locale, first):
    assert first_country(answers, locale) == first


def _groups(text: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for block in text.split("\n\n"):
        title, *lines = block.split("\n")
        groups[title] = lines
    return groups


def test_each_country_lists_only_numbers_that_work_there(catalog, rendered):
    groups = _groups(rendered(numbers(catalog, "malaysia")))
    assert list(groups) == ["<b>In Malaysia (Sabah)</b>", "<b>In Indonesia</b>"]
    malaysia, indonesia = groups.values()
    assert malaysia[:2] == [
        "• Emergency: police, ambulance (24 hours): 999",
        "• Emergency from any mobile phone (24 hours): 112",
    ]
    assert "• KJRI Tawau (Tawau, Lahad Datu, Semporna, Kunak): +60 89 772052" in malaysia
    assert not any(n in line for line in malaysia for n in (": 110", ": 129", "0800-1000"))
    assert indonesia[0] == "• Police (24 hours): 110"
    assert not any("999" in line or "+60" in line for line in indonesia)


def test_whatsapp_is_a_tappable_link_in_plus_62_form(catalog, rendered):
    text = rendered(numbers(catalog, "malaysia"))
    assert (
        '• SAPA, for women and children: WhatsApp <a href="https://wa.me/628111129129">'
        "+62 811-1129-129</a>"
    ) in text


def test_non_emergency_lines_only_under_help(catalog, rendered):
    assert ": 148" not in rendered(numbers(catalog, "indonesia"))
    full = _groups(rendered(numbers(catalog, "indonesia", everything=True)))
    assert full["<b>Other help</b> (not for emergencies)"] == [
        "• LPSK, protection of witnesses and victims: 148"
    ]


def test_numbers_still_to_be_supplied_are_never_shown(catalog, rendered):
    text = rendered(numbers(catalog, "indonesia", everything=True))
    assert "UPTD PPA" not in text and "BP3MI" not in text and "Kota Kinabalu" not in text


def test_a_child_sees_sapa_first_in_each_country(catalog, rendered):
    groups = _groups(rendered(for_answers(catalog, Answers(reporter_role="anak"), "id")))
    assert [lines[0].split(":")[0] for lines in groups.values()] == [
        "• SAPA, for women and children"
    ] * 2


def test_the_danger_reply_shows_the_reporters_country_first(driver):
    d = play(driver(), ["/start", "1|dg|yes", "1|ug|malaysia"])
    said = d.said
    assert said.index("<b>In Malaysia (Sabah)</b>") < said.index("<b>In Indonesia</b>")
    assert ": 148" not in said


def test_help_after_saying_sabah_puts_malaysia_first(driver):
    d = play(driver(), ["/start", "1|dg|no", "1|ro|teman", "1|in|!done", "1|pk|sabah", "/bantuan"])
    help_text = d.said.split("----")[0]
    assert help_text.index("In Malaysia (Sabah)") < help_text.index("In Indonesia")
