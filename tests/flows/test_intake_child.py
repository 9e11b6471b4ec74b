"""The child path: entered by role or by age, in a child's words, never the adult path."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.core import ButtonEvent
from flows.domain.report import Report
from flows.intake import Answers, IntakeState, Node, SubmitReport, dump_state, load_state

STORY_PROMPT = "in your own words"
TYPE_PLACE = "Please type the place"
ADULT_ONLY = (
    "Body organ taken",
    "Forced to serve guests",
    "Contract or forced marriage",
    "Tekong or unofficial agent",
)
# Ways into the child path, each ending at the indicator question.
ENTRIES = {
    "role: under 18": ["/start", "1|dg|no", "1|ro|anak"],
    "role: forum anak": ["/start", "1|dg|no", "1|ro|forum_anak"],
    "it happened to me, 13 to 17": ["/start", "1|dg|no", "1|ro|korban", "1|ma|13_17"],
    "it happened to me, under 13": ["/start", "1|dg|no", "1|ro|korban", "1|ma|under_13"],
}


def play(d, actions):
    for action in actions:
        if action.startswith("/"):
            d.command(action[1:])
        elif action.startswith("1|"):
            d.press(action)
        else:
            d.text(action)
    return d


@pytest.mark.parametrize("entry", ENTRIES)
def test_a_child_is_thanked_and_gets_a_childs_indicator_list(driver, catalog, entry):
    d = play(driver(), ENTRIES[entry])
    assert d.state.node is Node.INDICATORS and d.state.answers.child_path
    thanks, question = d.said.split("----")
    assert "tell an adult you trust" in thanks
    assert "delete this chat" in thanks
    assert "will not ask your name" in thanks
    assert d.replies[0].keyboard == ()
    assert "What did you notice?" in question  # simpler words than the adult question
    offered = [x for x in d.data if x not in ("1|in|!done", "1|x|stop")]
    assert offered == [f"1|in|{o.id}" for o in catalog.child_indicators]
    assert not any(label in d.labels for label in ADULT_ONLY)
    assert "1|in|!hd" not in d.data  # short: no headings


def test_forum_anak_is_told_to_report_not_investigate(driver):
    d = play(driver(), ENTRIES["role: forum anak"])
    assert "reporter, not an investigator" in d.said
    assert "do <b>not</b> check, follow, photograph or go near anyone" in d.said


def test_an_adult_who_says_it_happened_to_them_keeps_the_adult_path(driver):
    d = play(driver(), ["/start", "1|dg|no", "1|ro|korban", "1|ma|adult"])
    assert d.state.node is Node.INDICATORS and not d.state.answers.child_path
    assert "Thank you for telling us" not in d.said
    assert "Tekong or unofficial agent" in d.labels


def test_own_age_is_asked_right_after_it_happened_to_me(driver):
    d = play(driver(), ["/start", "1|dg|no", "1|ro|korban"])
    assert d.state.node is Node.MY_AGE
    assert "How old are you?" in d.said
    assert d.data == ["1|ma|under_13", "1|ma|13_17", "1|ma|adult", "1|ma|!skip", "1|x|stop"]


def test_the_youngest_question_is_not_asked_again_after_ones_own_age(driver):
    d = play(
        driver(),
        [
            "/start",
            "1|dg|no",
            "1|ro|korban",
            "1|ma|adult",
            "1|in|!done",
            "1|pk|!skip",
            "1|wh|!skip",
            "1|vc|!skip",
        ],
    )
    assert d.state.node is Node.STORY


def test_a_victim_who_skipped_their_age_but_gives_13_to_17_later_takes_the_child_path(driver):
    d = play(
        driver(),
        [
            "/start",
            "1|dg|no",
            "1|ro|korban",
            "1|ma|!skip",
            "1|in|!done",
            "1|pk|!skip",
            "1|wh|!skip",
            "1|vc|one",
            "1|va|13_17",
        ],
    )
    assert d.state.answers.child_path
    assert d.state.node is Node.REVIEW  # no story question for a child
    assert "Thank you for telling us" in d.said


def test_a_family_member_reporting_a_child_stays_on_the_adult_path(driver):
    d = play(
        driver(),
        [
            "/start",
            "1|dg|no",
            "1|ro|keluarga",
            "1|in|!done",
            "1|pk|!skip",
            "1|wh|!skip",
            "1|vc|one",
            "1|va|13_17",
        ],
    )
    assert not d.state.answers.child_path
    assert d.state.node is Node.STORY


@pytest.mark.parametrize("entry", ENTRIES)
def test_a_child_is_never_asked_to_type(driver, entry):
    d = driver()
    seen = []
    for action in [
        *ENTRIES[entry],
        "1|in|child",
        "1|in|!done",
        "1|pk|kecamatan",
        "1|kc|sebatik",
        "1|wh|today",
        "1|vc|one",
        "1|va|13_17",
    ]:
        play(d, [action])
        seen.append(d.said)
        assert d.state.node not in (Node.STORY, Node.PLACE_TYPED)
        if d.state.node is Node.REVIEW:
            break
    assert d.state.node is Node.REVIEW
    assert not any(STORY_PROMPT in s or TYPE_PLACE in s for s in seen)
    assert "Your words" not in d.said
    assert "1|rv|story" not in d.data


def test_forum_anak_full_report(driver):
    d = play(
        driver(),
        [
            *ENTRIES["role: forum anak"],
            "1|in|child",
            "1|in|!done",
            "1|pk|kecamatan",
            "1|kc|sebatik",
            "1|wh|today",
            "1|vc|one",
            "1|va|13_17",
        ],
    )
    at = datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
    tr = d.send(ButtonEvent(at, "1|rv|send"))
    assert tr.effects == (
        SubmitReport(
            Report(
                submitted_at=at,
                locale="id",
                in_danger=False,
                reporter_role="forum_anak",
                indicators=("child",),
                place_kind="kecamatan",
                place="sebatik",
                when="today",
                victim_count="one",
                victim_age="13_17",
            )
        ),
    )
    assert tr.effects[0].report.by_child


def test_a_child_is_not_offered_to_type_a_place(driver):
    d = play(driver(), [*ENTRIES["role: under 18"], "1|in|!done"])
    assert d.state.node is Node.PLACE_KIND
    assert "1|pk|typed" not in d.data
    assert "Where was it?" in d.said
    before = d.state
    d.press("1|pk|typed")  # forged
    assert d.state == before and "no longer active" in d.said


def test_what_a_child_volunteers_is_kept_but_can_be_deleted(driver):
    d = play(driver(), [*ENTRIES["role: under 18"], "1|in|!done", "Desa Sungai Nyamuk"])
    assert d.state.node is Node.PLACE_KIND  # not taken as a typed place
    assert d.state.answers.story == "Desa Sungai Nyamuk"
    play(d, ["1|pk|!skip", "1|wh|!skip", "1|vc|!skip", "1|va|!skip"])
    assert d.state.node is Node.REVIEW and "Desa Sungai Nyamuk" in d.said
    assert "1|rv|story" not in d.data  # no typing question for a child...
    d.press("1|rv|nostory")  # ...but what they wrote can be deleted
    assert d.state.answers.story is None and "deleted from this report" in d.said


def test_a_child_cannot_open_the_story_from_the_review(driver):
    d = play(
        driver(),
        [
            *ENTRIES["role: under 18"],
            "1|in|!done",
            "1|pk|!skip",
            "1|wh|!skip",
            "1|vc|!skip",
            "1|va|!skip",
        ],
    )
    assert d.state.node is Node.REVIEW
    before = d.state
    d.press("1|rv|story")
    assert d.state == before and "no longer active" in d.said


def test_switching_to_a_childs_role_keeps_what_was_written_and_asks_no_more(driver):
    d = play(
        driver(),
        [
            "/start",
            "1|dg|no",
            "1|ro|teman",
            "1|in|!done",
            "Jalan Tien Tse",
            "1|wh|!skip",
            "1|vc|!skip",
            "1|va|!skip",
            "Cerita saya",
        ],
    )
    assert d.state.node is Node.REVIEW
    play(d, ["1|rv|role", "1|ro|anak"])
    a = d.state.answers
    assert d.state.node is Node.REVIEW and a.child_path
    assert a.story == "Cerita saya" and a.place_text == "Jalan Tien Tse"
    assert "Thank you for telling us" in d.said


def test_a_child_sees_sapa_first_and_the_advice_again_at_the_end(driver):
    d = play(
        driver(),
        [
            *ENTRIES["role: under 18"],
            "1|in|child",
            "1|in|!done",
            "1|pk|sabah",
            "1|sb|tawau",
            "1|wh|!skip",
            "1|vc|!skip",
            "1|va|!skip",
            "1|rv|send",
        ],
    )
    from flows.intake import ReportFiled

    d.send(ReportFiled(datetime(2025, 12, 1, tzinfo=UTC), "TPPO-7K3M9Q"))
    said = d.said
    assert "TPPO-7K3M9Q" in said and "tell an adult you trust" in said
    assert "delete this chat now" in said
    malaysia = said[said.index("In Malaysia (Sabah)") :]
    assert malaysia.split("\n")[1].startswith("• SAPA, for women and children")
    indonesia = said[said.index("In Indonesia") :]
    assert indonesia.split("\n")[1].startswith("• SAPA, for women and children: 129")


def test_a_child_stopping_is_told_to_tell_an_adult(driver):
    d = play(driver(), [*ENTRIES["role: under 18"], "1|x|stop", "1|x|yes"])
    assert d.state.node is Node.IDLE
    assert "tell an adult you trust" in d.said


@pytest.mark.parametrize("node", [Node.STORY, Node.PLACE_TYPED])
def test_load_state_refuses_a_child_at_a_free_text_question(node):
    state = IntakeState(node, Answers(reporter_role="anak"), "id")
    assert load_state(dump_state(state)) is None
