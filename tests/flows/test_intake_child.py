"""The forum anak path: child reporters report, never investigate, and are asked no free text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.core import ButtonEvent
from flows.domain.report import Report
from flows.intake import Answers, IntakeState, Node, SubmitReport, dump_state, load_state

CHILD_START = ["/start", "1|dg|no", "1|ro|forum_anak"]
STORY_PROMPT = "in your own words"
TYPE_PLACE = "Please type the place"


def play(d, actions):
    for action in actions:
        if action.startswith("/"):
            d.command(action[1:])
        elif action.startswith("1|"):
            d.press(action)
        else:
            d.text(action)
    return d


def test_choosing_forum_anak_thanks_and_says_report_do_not_investigate(driver):
    d = play(driver(), CHILD_START)
    thanks, question = d.said.split("----")
    assert "Thank you for speaking up" in thanks
    assert "reporter, not an investigator" in thanks
    assert "do <b>not</b> check, follow, photograph or go near anyone" in thanks
    assert "will not ask your name" in thanks
    assert d.replies[0].keyboard == ()
    assert "What did you notice?" in question  # simpler words than the adult question
    assert d.state.node is Node.INDICATORS and d.state.answers.child_path


def test_forum_anak_full_path_asks_no_free_text(driver):
    d = driver()
    seen = []
    for action in [
        *CHILD_START,
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
    assert d.state.node is Node.REVIEW
    assert not any(STORY_PROMPT in s or TYPE_PLACE in s for s in seen)
    assert "Your words" not in d.said
    assert "1|rv|story" not in d.data
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


def test_forum_anak_is_not_offered_to_type_a_place(driver):
    d = play(driver(), [*CHILD_START, "1|in|!done"])
    assert d.state.node is Node.PLACE_KIND
    assert "1|pk|typed" not in d.data
    assert "Where was it?" in d.said
    before = d.state
    d.press("1|pk|typed")  # forged
    assert d.state == before and "no longer active" in d.said
    d.text("Desa Sungai Nyamuk")  # typed anyway: not kept
    assert d.state == before and "Please choose one of the buttons" in d.said


def test_forum_anak_cannot_open_the_story_from_the_review(driver):
    d = play(
        driver(),
        [*CHILD_START, "1|in|!done", "1|pk|!skip", "1|wh|!skip", "1|vc|!skip", "1|va|!skip"],
    )
    assert d.state.node is Node.REVIEW
    before = d.state
    d.press("1|rv|story")
    assert d.state == before and "no longer active" in d.said


def test_switching_to_forum_anak_drops_free_text_already_given(driver):
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
    assert d.state.answers.story == "Cerita saya"
    play(d, ["1|rv|role", "1|ro|forum_anak"])
    a = d.state.answers
    assert d.state.node is Node.REVIEW
    assert a.story is None and a.place_text is None and a.place_kind is None
    assert "Thank you for speaking up" in d.said


@pytest.mark.parametrize(
    "bad",
    [
        {"story": "x"},
        {"place_kind": "typed", "place_text": "x"},
    ],
)
def test_load_state_refuses_a_childs_free_text(bad):
    state = IntakeState(Node.REVIEW, Answers(reporter_role="forum_anak", **bad), "id")
    assert load_state(dump_state(state)) is None


@pytest.mark.parametrize("node", [Node.STORY, Node.PLACE_TYPED])
def test_load_state_refuses_a_child_at_a_free_text_question(node):
    state = IntakeState(node, Answers(reporter_role="forum_anak"), "id")
    assert load_state(dump_state(state)) is None
