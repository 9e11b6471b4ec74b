"""The danger fast lane: an urgent ticket within three taps, later answers to the same ticket."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flows.core import ButtonEvent, MediaEvent, TextEvent
from flows.domain.report import Report
from flows.intake import (
    AddToReport,
    Answers,
    FileUrgent,
    IntakeState,
    Node,
    ReportFiled,
    SubmitReport,
    UrgentFiled,
    dump_state,
)
from flows.intake.state import LINK_WINDOW

AT = datetime(2025, 12, 1, 9, 30, tzinfo=UTC)
REF = "TPPO-7K3M9Q"


def play(d, actions):
    for action in actions:
        if action.startswith("/"):
            d.command(action[1:])
        elif action.startswith("1|"):
            d.press(action)
        elif action == "URGENT":
            d.send(UrgentFiled(AT, REF))
        elif action == "FILED":
            d.send(ReportFiled(AT, REF))
        else:
            d.text(action)
    return d


def linked(driver, *more):
    """A conversation whose urgent ticket was filed, at the role question."""
    return play(driver(), ["/start", "1|dg|yes", "1|ug|malaysia", "1|ug|send", "URGENT", *more])


def test_three_taps_file_an_urgent_ticket_with_what_is_known(driver):
    d = play(driver(), ["/start", "1|dg|yes", "1|ug|malaysia"])
    tr = d.send(ButtonEvent(AT, "1|ug|send"))
    assert tr.effects == (
        FileUrgent(
            Report(submitted_at=AT, locale="id", in_danger=True, now_in="malaysia", fast_lane=True)
        ),
    )
    report = tr.effects[0].report
    assert report.urgent and report.in_malaysia and not report.low_information
    assert tr.replies == ()  # the reply comes with the reference


def test_send_now_works_even_without_saying_where(driver):
    d = play(driver(), ["/start", "1|dg|yes"])
    tr = d.press("1|ug|send")
    assert [type(e) for e in tr.effects] == [FileUrgent]
    assert tr.effects[0].report.now_in is None


def test_the_reference_comes_back_and_the_questions_go_on(driver):
    d = linked(driver)
    assert d.state.node is Node.ROLE and d.state.linked == REF and d.state.linked_at == AT
    said = d.said
    assert REF in said and "added to the same report" in said
    assert "Who is making this report?" in said
    assert len(d.replies) == 1  # the confirmation and the next question in one message


def test_saying_where_reorders_the_numbers_in_place(driver):
    d = play(driver(), ["/start", "1|dg|yes"])
    assert d.said.index("In Indonesia") < d.said.index("In Malaysia (Sabah)")
    d.press("1|ug|malaysia")
    (screen,) = d.replies
    assert screen.edit is True and d.state.node is Node.URGENT
    assert d.said.index("In Malaysia (Sabah)") < d.said.index("In Indonesia")
    assert "✅ In Malaysia" in d.labels and "In Indonesia" in d.labels
    d.press("1|ug|indonesia")
    assert d.state.answers.now_in == "indonesia"
    assert d.said.index("In Indonesia") < d.said.index("In Malaysia (Sabah)")


def test_every_later_answer_goes_to_the_same_ticket(driver):
    d = linked(driver)
    tr = d.press("1|ro|keluarga")
    (push,) = tr.effects
    assert isinstance(push, AddToReport) and push.reference == REF and not push.final
    assert push.report.reporter_role == "keluarga" and push.report.in_danger
    assert push.announce


def test_ticks_wait_for_next_then_go_as_one_update(driver):
    d = linked(driver, "1|ro|keluarga")
    assert d.press("1|in|debt").effects == ()
    assert d.press("1|in|confined").effects == ()
    (push,) = d.press("1|in|!done").effects
    assert push.report.indicators == ("debt", "confined")


def test_the_rest_of_an_album_updates_the_ticket_without_editing_the_card(driver):
    d = linked(driver, "1|ro|keluarga")
    first = d.send(MediaEvent(AT, "photo", file_id="p1", media_group_id="77"))
    second = d.send(MediaEvent(AT, "photo", file_id="p2", media_group_id="77"))
    assert first.effects[0].announce is True and len(first.replies) == 1
    assert second.effects[0].announce is False and second.replies == ()
    assert len(second.effects[0].report.attachments) == 2


def test_nothing_is_pushed_when_nothing_changed(driver):
    d = linked(driver)
    assert d.press("1|ro|!skip").effects == ()
    assert d.command("bantuan").effects == ()


def test_the_final_send_adds_to_the_ticket_and_never_files_a_second(driver):
    d = linked(
        driver,
        "1|ro|keluarga",
        "1|in|!done",
        "1|pk|!skip",
        "1|wh|today",
        "1|vc|!skip",
        "1|va|!skip",
        "1|st|!skip",
    )
    assert d.state.node is Node.REVIEW
    assert f"Already sent as urgent report {REF}" in d.said
    assert "1|rv|danger" not in d.data  # the urgent report's danger answer stays as sent
    tr = d.press("1|rv|send")  # (no empty check: the report is urgent)
    (final,) = tr.effects
    assert isinstance(final, AddToReport) and final.final and final.reference == REF
    assert final.report.when == "today"
    tr = d.send(ReportFiled(AT, REF))
    assert tr.state == IntakeState(Node.DONE, Answers(), "id")
    assert REF not in json.dumps(dump_state(tr.state))  # DONE keeps no reference
    assert "Everything is added to the urgent report" in d.said and REF in d.said


def test_a_whole_fast_lane_walk_files_exactly_one_ticket(driver):
    d = driver()
    effects = []
    for action in [
        "/start",
        "1|dg|yes",
        "1|ug|send",
        "URGENT",
        "1|ro|korban",
        "1|ma|adult",
        "1|in|debt",
        "1|in|!done",
        "1|pk|sabah",
        "1|sb|tawau",
        "1|wh|ongoing",
        "1|vc|one",
        "Tolong saya",
        "1|rv|send",
        "FILED",
    ]:
        play(d, [action])
        effects += d.last.effects
    assert sum(isinstance(e, FileUrgent) for e in effects) == 1
    assert not any(isinstance(e, SubmitReport) for e in effects)
    assert all(e.reference == REF for e in effects if isinstance(e, AddToReport))
    assert d.state.node is Node.DONE


def test_not_now_skips_the_fast_lane_and_the_report_is_still_urgent(driver):
    d = play(driver(), ["/start", "1|dg|yes", "1|ug|!skip"])
    assert d.state.node is Node.ROLE and d.state.linked is None and d.last.effects == ()
    while d.state.node is not Node.REVIEW:
        code = d.data[-2].split("|")[1]
        d.press(f"1|{code}|!done" if code == "in" else f"1|{code}|!skip")
    (submit,) = d.press("1|rv|send").effects
    assert isinstance(submit, SubmitReport) and submit.report.urgent
    assert not submit.report.fast_lane


def test_a_second_tap_on_send_now_is_stale(driver):
    d = linked(driver)
    before = d.state
    tr = d.press("1|ug|send")
    assert tr.effects == () and d.state == before and "no longer active" in d.said


def test_stop_after_the_fast_lane_says_the_urgent_report_stays(driver):
    d = linked(driver, "1|ro|keluarga")
    d.press("1|x|stop")
    assert "urgent report already sent stays with the task force" in d.said
    tr = d.press("1|x|yes")
    assert tr.effects == () and d.state == IntakeState(Node.IDLE, Answers(), "id")
    assert "urgent report already sent stays with the task force" in d.said


def test_the_link_lets_go_after_its_window(driver):
    d = linked(driver, "1|ro|keluarga")
    later = AT + LINK_WINDOW + timedelta(minutes=1)
    tr = d.send(ButtonEvent(later, "1|in|debt"))
    assert tr.effects == ()
    assert d.state.linked is None and d.state.node is Node.IDLE
    assert "no longer adds to it" in d.said and "no longer active" in d.said
    tr = d.send(TextEvent(later, "Ada yang baru"))  # a new report, with its own ticket later
    assert d.state.node is Node.DANGER and d.state.answers.story == "Ada yang baru"
    assert d.state.linked is None


def test_within_the_window_the_link_holds(driver):
    d = linked(driver)
    d.send(ButtonEvent(AT + LINK_WINDOW - timedelta(minutes=1), "1|ro|teman"))
    assert d.state.linked == REF and d.last.effects[0].reference == REF


def test_starting_again_drops_the_link(driver):
    d = linked(driver, "1|ro|keluarga", "/start", "1|rs|new")
    assert d.state.linked is None and d.state.node is Node.DANGER


def test_changing_the_danger_answer_from_the_review_can_take_the_fast_lane(driver):
    d = play(
        driver(),
        [
            "/start",
            "1|dg|no",
            "1|ro|teman",
            "1|in|debt",
            "1|in|!done",
            "1|pk|!skip",
            "1|wh|!skip",
            "1|vc|!skip",
            "1|va|!skip",
            "1|st|!skip",
            "1|rv|danger",
            "1|dg|yes",
            "1|ug|send",
        ],
    )
    (urgent,) = d.last.effects
    assert isinstance(urgent, FileUrgent) and urgent.report.indicators == ("debt",)
    d.send(UrgentFiled(AT, REF))
    assert d.state.node is Node.REVIEW and d.state.linked == REF


def test_a_state_holding_a_link_is_a_report_in_progress(driver):
    state = replace(linked(driver).state, node=Node.WHEN)
    d = driver(state)
    d.command("start")
    assert "A report is in progress" in d.said


def test_the_final_send_carries_the_follow_up_choice_for_the_linked_ticket(driver):
    d = linked(driver, "1|ro|keluarga", "1|in|!done", "1|pk|!skip", "1|wh|!skip", "1|vc|!skip")
    d.press("1|va|!skip")
    d.press("1|st|!skip")
    assert d.state.node is Node.REVIEW
    d.press("1|rv|contact")
    assert d.last.effects == ()  # the choice is no answer: nothing is pushed to the ticket
    (final,) = d.press("1|rv|send").effects
    assert isinstance(final, AddToReport) and final.final and final.followup
