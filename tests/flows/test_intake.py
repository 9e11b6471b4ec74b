"""The intake flow as a pure function: tables of events in, replies and effects out."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from flows.core import ButtonEvent, CommandEvent, MediaEvent, TextEvent
from flows.core.errors import FlowError
from flows.domain.report import Report
from flows.intake import (
    Answers,
    ForgetMe,
    IntakeFlow,
    IntakeState,
    Node,
    ReportFiled,
    SubmitReport,
    dump_state,
)
from tests.flows.conftest import PATHS, Driver, play

STOP = "1|x|stop"
STOP_YES = "1|x|yes"
WELCOME = "report human trafficking without giving your name"
ACTIVE = list(PATHS)
QUESTION_NODES = [n for n in ACTIVE if n is not Node.REVIEW]
BUTTON_NODES = [n for n in QUESTION_NODES if n not in (Node.PLACE_TYPED, Node.STORY)]
# A phrase of each node's question (English msgid), to check which question is asked.
QUESTION = {
    Node.DANGER: "in danger right now, you or someone else?",
    Node.URGENT: "Where is the person in danger now?",
    Node.ROLE: "Who is making this report?",
    Node.MY_AGE: "How old are you?",
    Node.INDICATORS: "You can choose more than one",
    Node.PLACE_KIND: "Where did it happen",
    Node.PLACE_KECAMATAN: "Which kecamatan?",
    Node.PLACE_CROSSING: "Which crossing point?",
    Node.PLACE_SABAH: "Where in Sabah?",
    Node.PLACE_TYPED: "Please type the place",
    Node.WHEN: "When did it happen?",
    Node.VICTIM_COUNT: "How many people are affected?",
    Node.VICTIM_AGE: "How old is the youngest",
    Node.STORY: "in your own words",
    Node.REVIEW: "Please check the report.",
}
AFTER_SKIP = {
    Node.DANGER: Node.ROLE,
    Node.URGENT: Node.ROLE,
    Node.ROLE: Node.INDICATORS,
    Node.MY_AGE: Node.INDICATORS,
    Node.INDICATORS: Node.PLACE_KIND,
    Node.PLACE_KIND: Node.WHEN,
    Node.PLACE_KECAMATAN: Node.WHEN,
    Node.PLACE_CROSSING: Node.WHEN,
    Node.PLACE_SABAH: Node.WHEN,
    Node.PLACE_TYPED: Node.WHEN,
    Node.WHEN: Node.VICTIM_COUNT,
    Node.VICTIM_COUNT: Node.VICTIM_AGE,
    Node.VICTIM_AGE: Node.STORY,
    Node.STORY: Node.REVIEW,
}
SKIP_CODE = {
    Node.DANGER: "dg",
    Node.URGENT: "ug",
    Node.ROLE: "ro",
    Node.MY_AGE: "ma",
    Node.INDICATORS: "in",
    Node.PLACE_KIND: "pk",
    Node.PLACE_KECAMATAN: "kc",
    Node.PLACE_CROSSING: "cr",
    Node.PLACE_SABAH: "sb",
    Node.PLACE_TYPED: "pt",
    Node.WHEN: "wh",
    Node.VICTIM_COUNT: "vc",
    Node.VICTIM_AGE: "va",
    Node.STORY: "st",
}


# --- the forward path ---------------------------------------------------------------------------


def test_full_report_from_new_conversation_to_done(driver):
    d = driver()
    d.command("start")
    assert d.state.node is Node.DANGER
    assert len(d.replies) == 1  # one message: the welcome and the first question
    said = d.said
    assert "Gugus Tugas TPPO Kabupaten Nunukan" in said
    assert "cannot contact you back" in said
    assert "Telegram itself knows who uses this bot" in said
    assert "delete this chat" in said
    assert QUESTION[Node.DANGER] in said
    assert d.data[:2] == ["1|dg|yes", "1|dg|no"]

    play(
        d,
        [
            "1|dg|no",
            "1|ro|keluarga",
            "1|in|debt",
            "1|in|documents_held",
            "1|in|!done",
            "1|pk|sabah",
            "1|sb|tawau",
            "1|wh|this_week",
            "1|vc|two_five",
            "1|va|13_17",
        ],
    )
    assert d.state.node is Node.STORY
    d.text("  Dia dijanjikan kerja di ladang <b>Tawau</b>.  ")
    assert d.state.node is Node.REVIEW
    review = d.said
    for expected in (
        "No",
        "I am family",
        "Owes travel costs, pay cut",
        "Passport or permit taken",
        "Somewhere in Sabah: Tawau",
        "This week",
        "2 to 5 people",
        "13 to 17",
        "Dia dijanjikan kerja di ladang <b>Tawau</b>.",
    ):
        assert expected in review
    assert "(skipped)" not in review

    sent_at = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)
    tr = d.send(ButtonEvent(sent_at, "1|rv|send"))
    assert tr.effects == (
        SubmitReport(
            Report(
                submitted_at=sent_at,
                locale="id",
                in_danger=False,
                reporter_role="keluarga",
                indicators=("debt", "documents_held"),
                place_kind="sabah",
                place="tawau",
                place_text=None,
                when="this_week",
                victim_count="two_five",
                victim_age="13_17",
                story="Dia dijanjikan kerja di ladang <b>Tawau</b>.",
            )
        ),
    )
    report = tr.effects[0].report
    assert report.child and report.in_malaysia and not report.urgent
    assert not report.by_child  # a family member: the reporter is an adult
    assert tr.state.node is Node.SUBMITTING and tr.replies == ()

    tr = d.send(ReportFiled(sent_at, "TPPO-7K3M9Q"))
    assert tr.state == IntakeState(Node.DONE, Answers(), "id")  # no reference kept (§3)
    assert "TPPO-7K3M9Q" not in json.dumps(dump_state(tr.state))
    assert tr.effects == ()
    done = d.said
    assert "TPPO-7K3M9Q" in done
    assert "Gugus Tugas TPPO Kabupaten Nunukan" in done
    assert "on duty, usually within minutes" in done
    assert "cannot promise" in done and "nothing links you to this report" in done
    # The place was in Sabah: the numbers that work there come first.
    assert done.index("In Malaysia (Sabah)") < done.index("In Indonesia")
    assert "/lapor" in done


def test_everything_skipped_asks_once_before_sending_an_empty_report(driver):
    d = driver()
    play(
        d,
        [
            "/lapor",
            "1|dg|!skip",
            "1|ro|!skip",
            "1|in|!skip",
            "1|pk|!skip",
            "1|wh|!skip",
            "1|vc|!skip",
            "1|va|!skip",
            "1|st|!skip",
        ],
    )
    assert d.state.node is Node.REVIEW
    assert d.said.count("(skipped)") == 8
    before = d.state
    tr = d.press("1|rv|send")
    assert tr.effects == () and d.state == before
    assert "says nothing yet about what happened" in d.said
    assert d.data == ["1|rv|anyway", "1|rv|indicators", "1|rv|place", STOP]
    sent_at = datetime(2025, 12, 2, 1, 2, tzinfo=UTC)
    tr = d.send(ButtonEvent(sent_at, "1|rv|anyway"))
    assert tr.effects == (SubmitReport(Report(submitted_at=sent_at, locale="id")),)
    assert tr.effects[0].report.low_information


def test_an_empty_report_can_get_something_added_instead(driver):
    d = play(
        driver(),
        [
            "/lapor",
            "1|dg|!skip",
            "1|ro|!skip",
            "1|in|!skip",
            "1|pk|!skip",
            "1|wh|!skip",
            "1|vc|!skip",
            "1|va|!skip",
            "1|st|!skip",
            "1|rv|send",
            "1|rv|place",
            "1|pk|kecamatan",
            "1|kc|sebatik",
        ],
    )
    assert d.state.node is Node.REVIEW
    tr = d.press("1|rv|send")  # no longer empty: sent at once
    (sent,) = tr.effects
    assert isinstance(sent, SubmitReport)
    assert tr.effects == (
        SubmitReport(
            Report(
                submitted_at=sent.report.submitted_at,
                locale="id",
                place_kind="kecamatan",
                place="sebatik",
            )
        ),
    )


@pytest.mark.parametrize("answer", [["1|dg|yes", "1|ug|!skip"], ["1|dg|!skip", "Tolong"]])
def test_danger_or_words_alone_are_not_an_empty_report(driver, answer):
    d = play(driver(), ["/lapor", *answer])
    play(d, ["1|rv|send"] if d.state.node is Node.REVIEW else [])
    while d.state.node is not Node.REVIEW:
        d.press(f"1|{SKIP_CODE[d.state.node]}|!skip")
    assert len(d.press("1|rv|send").effects) == 1


def test_report_takes_the_locale_chosen_during_the_conversation(at):
    d = at(Node.REVIEW)
    d.command("bahasa")
    d.press("1|lg|en")
    assert d.state.locale == "en" and d.state.node is Node.REVIEW
    tr = d.press("1|rv|send")
    assert tr.effects[0].report.locale == "en"


def test_danger_yes_opens_the_fast_lane(at):
    d = at(Node.DANGER)
    d.press("1|dg|yes")
    assert d.state.answers.in_danger is True
    assert d.state.node is Node.URGENT
    assert len(d.replies) == 1
    said = d.said
    assert "Get help now" in said and "Police (24 hours): 110" in said
    assert "Nothing has been sent yet" in said  # the promise is true
    assert d.data == ["1|ug|send", "1|ug|malaysia", "1|ug|indonesia", "1|ug|!skip", STOP]


def test_danger_no_continues_without_help_message(at):
    d = at(Node.DANGER)
    d.press("1|dg|no")
    assert d.state.answers.in_danger is False
    assert len(d.replies) == 1
    assert "110" not in d.said


# --- skip and stop at every question ------------------------------------------------------------


@pytest.mark.parametrize("node", QUESTION_NODES)
def test_skip_moves_on_and_keeps_the_answer(at, node):
    d = at(node)
    before = d.state.answers
    d.press(f"1|{SKIP_CODE[node]}|!skip")
    assert d.state.node is AFTER_SKIP[node]
    assert QUESTION[AFTER_SKIP[node]] in d.said
    assert d.state.answers == before


def test_skipping_a_place_list_keeps_the_kind(at):
    d = at(Node.PLACE_SABAH)
    d.press("1|sb|!skip")
    assert (d.state.answers.place_kind, d.state.answers.place) == ("sabah", None)


@pytest.mark.parametrize("leave", ["1|in|!skip", "1|in|!done"])
def test_skip_on_indicators_never_erases_the_ticks(at, leave):
    d = at(Node.INDICATORS)
    d.press("1|in|debt")
    d.press("1|in|violence")
    d.press(leave)
    assert d.state.answers.indicators == ("debt", "violence")  # in the catalog's order
    assert d.state.node is Node.PLACE_KIND


def test_skip_on_an_answer_changed_from_the_review_keeps_it(at):
    d = at(Node.REVIEW)
    d.press("1|rv|when")
    d.press("1|wh|!skip")
    assert d.state.node is Node.REVIEW and d.state.answers.when == "today"


def _assert_stopped(d):
    assert d.state == IntakeState(Node.IDLE, Answers(), "id")
    assert d.last.effects == ()
    said = d.said
    assert "deleted from our side" in said
    assert "This chat stays on the phone" in said
    assert "Police (24 hours): 110" in said
    assert "/lapor" in said


@pytest.mark.parametrize("node", ACTIVE[1:])  # (nothing answered at the first: no question)
def test_stop_asks_first_then_deletes(at, node):
    d = at(node)
    assert STOP in d.data
    assert d.replies[-1].keyboard[-1] == (d.buttons[-1],)  # Stop alone on the last row
    before = d.state
    d.press(STOP)
    assert d.state == before and d.last.effects == ()
    assert "Stop and delete this report?" in d.said
    assert d.data == [STOP_YES, "1|rs|go"]
    d.press(STOP_YES)
    _assert_stopped(d)


@pytest.mark.parametrize("node", ACTIVE[1:])
def test_no_go_back_after_stop_asks_the_question_again(at, node):
    d = at(node)
    before = d.state
    d.press(STOP)
    d.press("1|rs|go")
    assert d.state == before and QUESTION[node] in d.said


def test_stop_with_nothing_answered_needs_no_confirmation(at):
    d = at(Node.DANGER)
    d.press(STOP)
    _assert_stopped(d)


def test_skip_and_stop_never_share_a_row(tour_keyboards):
    for keyboard in tour_keyboards:
        for row in keyboard:
            data = [b.data for b in row]
            if STOP in data:
                assert data == [STOP], data


@pytest.mark.parametrize("command", ["batal", "cancel"])
@pytest.mark.parametrize("node", ACTIVE)
def test_cancel_command_quits_anywhere(at, node, command):
    d = at(node)
    d.command(command)
    _assert_stopped(d)


def test_stop_on_an_old_message_still_asks_then_quits(at):
    d = at(Node.VICTIM_AGE)  # the Stop button of the first question is still on screen
    d.press(STOP)
    assert "Stop and delete this report?" in d.said
    d.press(STOP_YES)
    _assert_stopped(d)


def test_a_confirmed_stop_with_no_draft_left_says_so(driver):
    d = driver(IntakeState(Node.DONE, Answers(), "id"))
    d.press(STOP_YES)
    assert d.state.node is Node.DONE and "no report in progress" in d.said


@pytest.mark.parametrize("prefix", [[], ["/batal"]])
def test_cancel_with_no_report_in_progress(driver, prefix):
    d = play(driver(), prefix)
    d.command("batal")
    assert d.state.node is Node.IDLE
    assert "no report in progress" in d.said


def test_cancel_after_filing_says_the_report_was_sent(driver):
    d = driver(IntakeState(Node.DONE, Answers(), "id"))
    d.command("batal")
    assert d.state.node is Node.DONE
    assert "no report in progress" in d.said and "has been sent" in d.said


# --- /start, /lapor, resume ---------------------------------------------------------------------


@pytest.mark.parametrize("command", ["start", "lapor", "report"])
@pytest.mark.parametrize("node", ACTIVE[1:])
def test_start_mid_report_offers_continue_or_start_again(at, node, command):
    d = at(node)
    before = d.state
    d.command(command)
    assert d.state == before
    assert d.data[:2] == ["1|rs|go", "1|rs|new"]
    assert STOP in d.data
    assert "A report is in progress" in d.said


def test_resume_continue_asks_the_current_question_again(at):
    d = at(Node.WHEN)
    before = d.state
    d.command("start")
    d.press("1|rs|go")
    assert d.state == before
    assert QUESTION[Node.WHEN] in d.said


def test_resume_start_again_drops_the_draft(at):
    d = at(Node.WHEN)
    d.command("start")
    d.press("1|rs|new")
    assert d.state == IntakeState(Node.DANGER, Answers(), "id")
    assert WELCOME in d.said and QUESTION[Node.DANGER] in d.said
    assert len(d.replies) == 1


def test_start_at_first_question_with_nothing_answered_just_begins_again(at):
    d = at(Node.DANGER)
    d.command("start")
    assert d.state == IntakeState(Node.DANGER, Answers(), "id")
    assert WELCOME in d.said


@pytest.mark.parametrize("command", ["start", "lapor"])
def test_start_after_done_begins_a_new_report(driver, command):
    d = driver(IntakeState(Node.DONE, Answers(), "en"))
    d.command(command)
    assert d.state == IntakeState(Node.DANGER, Answers(), "en")
    assert QUESTION[Node.DANGER] in d.said


@pytest.mark.parametrize("data", ["1|rs|go", "1|rs|new"])
def test_resume_buttons_without_a_draft_are_stale(driver, data):
    d = driver(IntakeState(Node.DONE, Answers(), "id"))
    d.press(data)
    assert d.state.node is Node.DONE
    assert "no longer active" in d.said and "has been sent" in d.said


def test_new_conversation_with_text_keeps_it_and_welcomes(driver):
    d = driver()
    d.text("  halo  ")
    assert d.state == IntakeState(Node.DANGER, Answers(story="halo"), "id")
    assert "Your message is kept" in d.said and WELCOME in d.said
    assert len(d.replies) == 1


def test_new_conversation_with_an_old_button_says_it_is_not_active(driver):
    d = driver()
    d.press("1|wh|today")
    assert d.state.node is Node.IDLE
    assert "no longer active" in d.said and "/lapor" in d.said


# --- language -----------------------------------------------------------------------------------


def test_language_command_offers_each_language_in_its_own_name(at):
    d = at(Node.WHEN)
    d.command("bahasa")
    assert d.labels[:3] == ["Bahasa Indonesia", "English", "Bahasa Melayu"]
    assert d.data[:3] == ["1|lg|id", "1|lg|en", "1|lg|ms"]
    assert STOP in d.data


@pytest.mark.parametrize("node", ACTIVE)
def test_choosing_a_language_sets_it_and_asks_again(at, node):
    d = at(node)
    before = d.state
    d.command("language")
    d.press("1|lg|en")
    assert d.state == replace(before, locale="en")
    assert "Language changed." in d.said
    assert QUESTION[node] in d.said


def test_language_at_the_first_question_shows_the_welcome_again(at):
    d = at(Node.DANGER)
    d.press("1|lg|en")
    assert WELCOME in d.said and len(d.replies) == 1


def test_the_default_language_is_offered_first(catalog):
    flow = IntakeFlow(catalog, default_locale="ms", locales=("en", "id", "ms"))
    d = Driver(flow)
    d.command("bahasa")
    assert d.labels[:3] == ["Bahasa Melayu", "English", "Bahasa Indonesia"]


def test_unknown_language_is_stale(at):
    d = at(Node.ROLE)
    d.press("1|lg|fr")
    assert d.state.locale == "id" and "no longer active" in d.said


def test_a_stored_locale_no_longer_offered_falls_back_to_default(flow):
    s = IntakeState(Node.WHEN, Answers(), "fr")
    assert flow.step(s, TextEvent(datetime(2025, 1, 1, tzinfo=UTC), "x")).state.locale == "id"


def test_default_locale_must_be_offered(catalog):
    with pytest.raises(FlowError, match="default locale"):
        IntakeFlow(catalog, default_locale="fr", locales=("id", "en"))


def test_locales_must_fit_in_button_data(catalog):
    with pytest.raises(FlowError, match="pt-BR"):
        IntakeFlow(catalog, default_locale="id", locales=("id", "pt-BR"))


def test_a_locale_with_a_region_can_be_chosen(catalog):
    flow = IntakeFlow(catalog, default_locale="id", locales=("id", "pt_BR"))
    at = datetime(2025, 1, 1, tzinfo=UTC)
    state = IntakeState(Node.WHEN, Answers(), "id")
    languages = flow.step(state, CommandEvent(at, "bahasa")).replies[0].keyboard
    assert [b.data for row in languages for b in row][:2] == ["1|lg|id", "1|lg|pt_br"]
    assert flow.step(state, ButtonEvent(at, "1|lg|pt_br")).state.locale == "pt_BR"


# --- other commands -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["bantuan", "help"])
@pytest.mark.parametrize("node", ACTIVE)
def test_help_shows_numbers_and_commands_then_the_question(at, node, command):
    d = at(node)
    before = d.state
    d.command(command)
    assert d.state == before
    help_text, question = d.said.split("----")
    assert "Police (24 hours): 110" in help_text
    assert "KJRI Tawau (Tawau, Lahad Datu, Semporna, Kunak): +60 89 772052" in help_text
    assert "Other help</b> (not for emergencies)" in help_text and ": 148" in help_text
    for cmd in ("/lapor", "/batal", "/hapus", "/bahasa", "/status", "/bantuan"):
        assert cmd in help_text
    assert QUESTION[node] in question
    assert STOP in d.data


@pytest.mark.parametrize("command", ["hapus", "delete"])
@pytest.mark.parametrize("node", [*ACTIVE, Node.DONE])
def test_delete_forgets_me_and_is_honest_about_the_phone(at, driver, node, command):
    d = driver(IntakeState(Node.DONE, Answers(), "en")) if node is Node.DONE else at(node)
    d.command(command)
    assert d.last.effects == (ForgetMe(),)
    assert d.state.node is Node.IDLE and d.state.answers == Answers()
    said = d.said
    assert "deleted from our side" in said
    assert "stays with the task force" in said and "no name or phone number" in said
    assert "press and hold" in said and "Delete" in said


def test_status_without_a_receipt_explains_and_a_bad_one_is_not_checked(at):
    d = at(Node.WHEN)
    d.command("status", "")
    assert d.state.node is Node.WHEN and "/status" in d.said and d.last.effects == ()
    d.command("status", "ABCD-EFGH-IJKL")
    assert d.state.node is Node.WHEN and d.last.effects == ()
    assert "does not look like a receipt" in d.said
    assert "ABCD" not in d.said  # a receipt is a secret: never echoed


def test_unknown_command_is_gentle_and_asks_again(at):
    d = at(Node.VICTIM_COUNT)
    d.command("foo")
    assert d.state.node is Node.VICTIM_COUNT
    assert "do not know that command" in d.said and QUESTION[Node.VICTIM_COUNT] in d.said


# --- bad input ----------------------------------------------------------------------------------


# (typed text at place_kind is taken as the place, on the adult path)
@pytest.mark.parametrize(
    "node", [n for n in BUTTON_NODES if n is not Node.PLACE_KIND] + [Node.REVIEW]
)
def test_text_where_buttons_are_expected_is_kept_with_the_story(at, node):
    d = at(node)
    before = d.state
    d.text(" dia di Tawau sekarang ")
    assert d.state == replace(
        before, answers=replace(before.answers, story="dia di Tawau sekarang")
    )
    assert "what you wrote is kept with the report" in d.said and QUESTION[node] in d.said
    d.text("dengan dua temannya")
    assert d.state.answers.story == "dia di Tawau sekarang\n\ndengan dua temannya"


@pytest.mark.parametrize("node", [n for n in BUTTON_NODES if n is not Node.PLACE_KIND])
def test_blank_text_where_buttons_are_expected_asks_again(at, node):
    d = at(node)
    before = d.state
    d.text("   ")
    assert d.state == before
    assert "Please choose one of the buttons" in d.said and QUESTION[node] in d.said


@pytest.mark.parametrize("kind", ["sticker", "animation", "contact", "poll", "dice"])
@pytest.mark.parametrize("node", ACTIVE)
def test_stickers_and_the_like_are_declined_gently(at, node, kind):
    d = at(node)
    before = d.state
    d.media(kind)
    assert d.state == before
    assert "stickers and the like cannot go with a report" in d.said and QUESTION[node] in d.said


BAD_DATA = [
    "",
    "1",
    "1|ro",
    "1|ro|keluarga|x",
    "2|ro|keluarga",
    "v1|ro|keluarga",
    "1|zz|keluarga",
    "1|ro|KELUARGA",
    "1|ro|pirate",
    "1|ro|keluarga\n",
    "1|ro|kéluarga",
    "1|ro|" + "a" * 25,
    "1|ro|" + "a" * 70,
    "1|ro|!nope",
    "1|ro|!done",
    "1|wh|today",  # a button of another question
    "1|rv|send",  # forged: the review is not open
    "1|x|go",
    "1|lg|de",
    "I am family",  # a translated label is never data
    "<b>x</b>",
]


@pytest.mark.parametrize("data", BAD_DATA)
def test_forged_or_stale_buttons_change_nothing(at, data):
    d = at(Node.ROLE)
    before = d.state
    tr = d.press(data)
    assert tr.state == before and tr.effects == ()
    assert "That button is no longer active." in d.said
    assert QUESTION[Node.ROLE] in d.said


def test_a_button_from_an_earlier_question_is_stale(at):
    d = at(Node.VICTIM_AGE)
    before = d.state
    d.press("1|dg|yes")
    assert d.state == before and "no longer active" in d.said


def test_double_tap_on_send_files_one_report(at):
    d = at(Node.REVIEW)
    assert len(d.press("1|rv|send").effects) == 1
    assert d.press("1|rv|send").effects == ()
    d.send(ReportFiled(datetime(2025, 12, 1, tzinfo=UTC), "TPPO-7K3M9Q"))
    tr = d.press("1|rv|send")
    assert tr.effects == () and tr.state.node is Node.DONE
    assert "has been sent" in d.said  # a reminder; the reference itself is not kept (§3)


@pytest.mark.parametrize("event", [TextEvent, MediaEvent])
def test_anything_after_done_reminds_that_it_was_sent(driver, event):
    d = driver(IntakeState(Node.DONE, Answers(), "id"))
    tr = d.send(event(datetime(2025, 12, 1, tzinfo=UTC), "x"))
    assert tr.state.node is Node.DONE and tr.effects == ()
    assert "has been sent" in d.said and "/lapor" in d.said


def test_messages_while_submitting_say_it_is_being_sent(driver):
    d = driver(IntakeState(Node.SUBMITTING, Answers(), "id"))
    d.text("halo?")
    assert d.state.node is Node.SUBMITTING and "being sent" in d.said


# --- free text ----------------------------------------------------------------------------------


def test_story_over_3000_characters_is_kindly_refused(at):
    d = at(Node.STORY)
    d.text("a" * 3001)
    assert d.state.node is Node.STORY and d.state.answers.story is None
    assert "shorten it to 3000" in d.said and "3001" in d.said
    d.text("b" * 3000)
    assert d.state.node is Node.REVIEW and d.state.answers.story == "b" * 3000


def test_the_story_question_adds_to_words_already_kept(at):
    d = at(Node.WHEN)
    d.text("Paspornya ditahan.")
    play(d, ["1|wh|today", "1|vc|one", "1|va|adult"])
    assert d.state.node is Node.STORY
    assert "Your words so far" in d.said and "Paspornya ditahan." in d.said
    assert d.data == ["1|st|!skip", "1|st|clear", STOP]
    d.text("Dia di Tawau.")
    assert d.state.node is Node.REVIEW
    assert d.state.answers.story == "Paspornya ditahan.\n\nDia di Tawau."


def test_words_already_kept_can_be_deleted_at_the_story_question(at):
    d = at(Node.WHEN)
    d.text("salah ketik")
    play(d, ["1|wh|today", "1|vc|one", "1|va|adult", "1|st|clear"])
    assert d.state.node is Node.STORY and d.state.answers.story is None
    assert "deleted from this report" in d.said and QUESTION[Node.STORY] in d.said
    d.press("1|st|!skip")
    assert d.state.node is Node.REVIEW and d.state.answers.story is None


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_story_asks_again(at, text):
    d = at(Node.STORY)
    d.text(text)
    assert d.state.node is Node.STORY and d.state.answers.story is None
    assert QUESTION[Node.STORY] in d.said


def test_typed_place_at_the_kind_question_is_taken(at):
    d = at(Node.PLACE_KIND)
    d.text(" Desa Binusan, dekat pelabuhan ")
    a = d.state.answers
    assert (a.place_kind, a.place, a.place_text) == ("typed", None, "Desa Binusan, dekat pelabuhan")
    assert d.state.node is Node.WHEN


def test_typed_place_step(at):
    d = at(Node.PLACE_TYPED)
    d.text("x" * 201)
    assert d.state.node is Node.PLACE_TYPED and "shorten it to 200" in d.said
    d.text("Jalan Tien Tse")
    assert d.state.answers.place_text == "Jalan Tien Tse" and d.state.node is Node.WHEN


@pytest.mark.parametrize("node", [Node.PLACE_KECAMATAN, Node.PLACE_TYPED])
def test_back_from_a_place_list_returns_to_the_kinds(at, node):
    d = at(node)
    d.press(f"1|{SKIP_CODE[node]}|!back")
    assert d.state.node is Node.PLACE_KIND and QUESTION[Node.PLACE_KIND] in d.said


# --- indicators ---------------------------------------------------------------------------------


def test_indicators_toggle_in_place_and_keep_catalog_order(at):
    d = at(Node.INDICATORS)
    d.press("1|in|violence")
    d.press("1|in|broker")
    assert d.replies[-1].edit is True
    assert d.state.answers.indicators == ("broker", "violence")
    assert "✅ Tekong or unofficial agent" in d.labels
    assert "✅ Hit or threatened by a mandur" in d.labels
    d.press("1|in|violence")
    assert d.state.answers.indicators == ("broker",)
    assert "Hit or threatened by a mandur" in d.labels
    assert "✅ Hit or threatened by a mandur" not in d.labels
    d.press("1|in|!done")
    assert d.state.node is Node.PLACE_KIND and d.state.answers.indicators == ("broker",)
    assert d.replies[-1].edit is False


def test_done_with_nothing_selected_is_skipped(at):
    d = at(Node.INDICATORS)
    d.press("1|in|!done")
    assert d.state.answers.indicators == () and d.state.node is Node.PLACE_KIND


def test_the_indicator_screen_says_several_may_be_chosen_and_has_next_twice(at, catalog):
    d = at(Node.INDICATORS)
    assert "You can choose more than one" in d.said
    keyboard = d.replies[-1].keyboard
    assert [b.data for b in keyboard[0]] == ["1|in|!done"]
    assert [b.data for b in keyboard[-2]] == ["1|in|!done"]
    assert [b.data for b in keyboard[-1]] == [STOP]
    assert d.labels[0] == d.labels[-2] == "Next"
    headings = [render_row for render_row in d.labels if render_row.startswith("—")]
    assert headings == [
        "— Recruitment and travel —",
        "— Work and pay —",
        "— Force and harm —",
        "— Other —",
    ]
    toggles = [b for b in d.data if b not in ("1|in|!done", "1|in|!hd", STOP)]
    assert len(toggles) == len(catalog.indicators)
    assert "1|in|lost_contact" in toggles  # for families who lost contact
    assert len(keyboard) < 19  # two to a row: shorter than one per row


def test_pressing_a_heading_does_nothing(at):
    d = at(Node.INDICATORS)
    d.press("1|in|debt")
    before = d.state
    tr = d.press("1|in|!hd")
    assert tr.state == before and tr.replies == () and tr.effects == ()


# --- the review ---------------------------------------------------------------------------------

CHANGES = [
    ("danger", ["1|dg|yes", "1|ug|!skip"], {"in_danger": True}),
    (
        "danger",
        ["1|dg|yes", "1|ug|malaysia", "1|ug|!skip"],
        {"in_danger": True, "now_in": "malaysia"},
    ),
    ("role", ["1|ro|korban", "1|ma|adult"], {"reporter_role": "korban", "victim_age": "adult"}),
    ("role", ["1|ro|teman"], {"reporter_role": "teman"}),
    ("indicators", ["1|in|child", "1|in|debt", "1|in|!done"], {"indicators": ("child",)}),
    (
        "place",
        ["1|pk|kecamatan", "1|kc|sebatik_utara"],
        {"place_kind": "kecamatan", "place": "sebatik_utara"},
    ),
    (
        "place",
        ["1|pk|crossing", "1|cr|!back", "1|pk|typed", "Aji Kuning"],
        {"place_kind": "typed", "place_text": "Aji Kuning"},
    ),
    ("place", ["1|pk|!skip"], {"place_kind": None}),  # (it was skipped before too)
    ("when", ["1|wh|earlier"], {"when": "earlier"}),
    (
        "victims",
        ["1|vc|six_plus", "1|va|under_13"],
        {"victim_count": "six_plus", "victim_age": "under_13"},
    ),
    ("story", ["Mereka dibawa malam hari."], {"story": "Mereka dibawa malam hari."}),
]


@pytest.mark.parametrize(("section", "actions", "expected"), CHANGES)
def test_change_an_answer_returns_to_the_review(at, section, actions, expected):
    d = at(Node.REVIEW)
    d.press(f"1|rv|{section}")
    assert d.state.return_to_review is True
    play(d, actions)
    assert d.state.node is Node.REVIEW and d.state.return_to_review is False
    for name, value in expected.items():
        assert getattr(d.state.answers, name) == value
    assert "Please check the report." in d.said


def test_review_shows_skipped_answers_and_user_text_as_raw(at, rendered):
    d = at(Node.REVIEW)
    said = d.said
    assert "<b>Where:</b> (skipped)" in said
    assert "<b>Your words:</b> (skipped)" in said
    assert "<b>When:</b> Today" in said
    d.press("1|rv|story")
    d.text("<i>tolong</i>")
    review = d.replies[-1].text
    # The story reaches the renderer as Raw (escaped), never as part of a msgid.
    assert "<i>tolong</i>" not in repr_msgids(review)
    assert "<i>tolong</i>" in rendered(review)


def repr_msgids(text) -> str:
    """Every msgid inside a Text, joined."""
    from flows.core import Join, Msg

    if isinstance(text, Msg):
        return text.msgid + "".join(repr_msgids(v) for _, v in text.params)
    if isinstance(text, Join):
        return "".join(repr_msgids(p) for p in text.parts)
    return ""


def test_review_buttons(at):
    d = at(Node.REVIEW)
    assert d.data[0] == "1|rv|send"
    assert d.data[-1] == STOP
    assert {
        f"1|rv|{s}" for s in ("danger", "role", "indicators", "place", "when", "victims", "story")
    } <= set(d.data)
    assert not any(x.endswith("!skip") for x in d.data)


def test_review_of_a_long_report_fits_one_telegram_message(at, catalog, rendered):
    d = at(Node.REVIEW)
    full = replace(
        d.state.answers,
        in_danger=True,
        indicators=tuple(o.id for o in catalog.indicators),
        place_kind="typed",
        place_text="p" * 200,
        story="s" * 3000,
    )
    d = type(d)(d.flow, replace(d.state, answers=full))
    d.command("status")  # re-shows the review
    assert len(rendered(d.replies[-1].text)) < 4096


@pytest.fixture
def tour_keyboards(at):
    """The keyboard of every question of the adult path."""
    return [r.keyboard for node in ACTIVE for r in at(node).replies]
