"""State persistence, keyboard invariants and callback data, over a tour of every node."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from flows.core import MediaEvent
from flows.domain.report import Attachment
from flows.intake import (
    STATE_VERSION,
    Answers,
    IntakeState,
    Node,
    ReportFiled,
    UrgentFiled,
    dump_state,
    load_state,
)
from flows.intake import callbacks as cb
from flows.intake.ask import wipe_keyboard
from flows.intake.state import ACTIVE_NODES

STOP = "1|x|stop"
TOURS = [
    [
        "Tolong",
        "1|dg|yes",
        "1|ug|malaysia",
        "1|ug|send",
        "URGENT",
        "1|ro|korban",
        "1|ma|13_17",
        "1|in|child",
        "PHOTO",
        "1|in|!done",
        "1|pk|sabah",
        "1|sb|tawau",
        "1|wh|today",
        "1|vc|one",
        "1|rv|send",
        "FILED",
    ],
    [
        "/start",
        "1|dg|yes",
        "1|ug|!skip",
        "1|ro|korban",
        "1|ma|adult",
        "1|in|debt",
        "1|in|violence",
        "1|in|!done",
        "1|pk|kecamatan",
        "1|kc|!back",
        "1|pk|crossing",
        "1|cr|!back",
        "1|pk|sabah",
        "1|sb|!back",
        "1|pk|typed",
        "Pelabuhan",
        "1|wh|ongoing",
        "1|vc|six_plus",
        "1|va|under_13",
        "Cerita <b>saya</b>",
        "1|rv|place",
        "1|pk|sabah",
        "1|sb|kunak",
        "1|rv|victims",
        "1|vc|one",
        "1|va|adult",
        "/bahasa",
        "1|lg|en",
        "/start",
        "1|rs|go",
        "1|rv|send",
        "FILED",
        "halo",
        "/lapor",
    ],
    [
        "/start",
        "1|dg|no",
        "1|ro|forum_anak",
        "1|in|child",
        "1|in|!done",
        "1|pk|sabah",
        "1|sb|ladang",
        "1|wh|today",
        "1|vc|two_five",
        "1|va|13_17",
        "1|rv|danger",
        "1|dg|!skip",
        "1|x|stop",
        "1|rs|go",
        "/batal",
    ],
    ["/start", "/hapus"],
]


def play(d, action):
    at = datetime(2025, 12, 1, tzinfo=UTC)
    if action == "FILED":
        d.send(ReportFiled(at, "TPPO-7K3M9Q"))
    elif action == "URGENT":
        d.send(UrgentFiled(at, "TPPO-7K3M9Q"))
    elif action == "PHOTO":
        d.send(
            MediaEvent(at, "photo", file_id="AgAC-1", file_unique_id="u1", media_group_id="1234")
        )
    elif action.startswith("/"):
        d.command(action[1:])
    elif action.startswith("1|"):
        d.press(action)
    else:
        d.text(action)


@pytest.fixture
def tour(driver):
    """Every (state, replies) seen while playing the tours, one step at a time."""
    seen = []
    for actions in TOURS:
        d = driver()
        for action in actions:
            play(d, action)
            seen.append((d.state, d.replies))
    return seen


def test_the_tour_visits_every_node(tour):
    assert {state.node for state, _ in tour} == set(Node)


def test_dump_and_load_round_trip_at_every_step(tour):
    for state, _ in tour:
        data = json.loads(json.dumps(dump_state(state)))
        assert data["v"] == STATE_VERSION
        assert load_state(data) == state


def test_every_button_data_is_short_ascii_and_parses(tour):
    for _, replies in tour:
        for reply in replies:
            for row in reply.keyboard:
                assert 1 <= len(row) <= 3
                for button in row:
                    assert button.data.isascii()
                    assert 1 <= len(button.data.encode()) <= 64
                    assert cb.parse(button.data) is not None


def test_every_question_keyboard_has_stop_and_a_way_on_without_answering(tour):
    checked = 0
    for state, replies in tour:
        for reply in replies:
            data = [b.data for row in reply.keyboard for b in row]
            if state.node in ACTIVE_NODES and data and data[0] != "1|x|yes":
                assert STOP in data
                assert reply.keyboard[-1] == tuple(
                    b for b in reply.keyboard[-1] if b.data == STOP
                )  # alone on its row
                checked += 1
                if state.node is not Node.REVIEW and not data[0].startswith(("1|lg|", "1|rs|")):
                    # The indicator list goes on with Next (its Skip would do the same).
                    way_on = cb.DONE if state.node is Node.INDICATORS else cb.SKIP
                    assert cb.node_data(state.node, way_on) in data
    assert checked > 20


def test_no_keyboard_outside_a_report_but_delete_this_chat(tour):
    for state, replies in tour:
        if state.node in (Node.IDLE, Node.DONE, Node.SUBMITTING):
            assert all(reply.keyboard in ((), wipe_keyboard()) for reply in replies)


GARBAGE = [
    {},
    {"v": 3, "node": "role", "locale": "id"},
    {"v": True, "node": "role", "locale": "id"},
    {"v": "1", "node": "role", "locale": "id"},
    {"v": 1, "node": "nowhere", "locale": "id"},
    {"v": 1, "node": 3, "locale": "id"},
    {"v": 1, "node": "role"},
    {"v": 1, "node": "role", "locale": "../../etc"},
    {"v": 1, "node": "role", "locale": "id", "review": "yes"},
    {"v": 1, "node": "done", "locale": "id", "reference": "<script>"},
    {"v": 1, "node": "role", "locale": "id", "answers": []},
    {"v": 1, "node": "role", "locale": "id", "answers": {"name": "Siti"}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"in_danger": "yes"}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"reporter_role": "Bad Id"}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"indicators": "debt"}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"indicators": ["debt", "debt"]}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"indicators": [["x"]]}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"indicators": [1]}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"place_kind": "moon"}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"story": "x" * 3001}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"story": ""}},
    {"v": 1, "node": "role", "locale": "id", "answers": {"place_text": 5}},
    {"v": 2, "node": "role", "locale": "id", "answers": {"now_in": "singapore"}},
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "answers": {"attachments": [{"kind": "sticker", "file_id": "x"}]},
    },
    {"v": 2, "node": "role", "locale": "id", "answers": {"attachments": [{"kind": "photo"}]}},
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "answers": {"attachments": [{"kind": "location", "latitude": 91.0, "longitude": 0.0}]},
    },
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "answers": {"attachments": [{"kind": "location", "latitude": True, "longitude": 0.0}]},
    },
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "answers": {
            "attachments": [{"kind": "location", "latitude": float("nan"), "longitude": 0.0}]
        },
    },
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "answers": {"attachments": [{"kind": "location", "latitude": "4.2", "longitude": 0.0}]},
    },
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "answers": {"attachments": [{"kind": "photo", "file_id": "a b"}]},
    },
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "answers": {"attachments": [{"kind": "photo", "file_id": "x", "name": "Siti"}]},
    },
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "answers": {"attachments": [{"kind": "photo", "file_id": "x"}] * 21},
    },
    {
        "v": 2,
        "node": "done",
        "locale": "id",
        "linked": {"reference": "TPPO-7K3M9Q", "at": "2025-12-01T00:00:00+00:00"},
    },
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "linked": {"reference": "<b>", "at": "2025-12-01T00:00:00+00:00"},
    },
    {
        "v": 2,
        "node": "role",
        "locale": "id",
        "linked": {"reference": "TPPO-7K3M9Q", "at": "2025-12-01T00:00:00"},
    },
    {"v": 2, "node": "role", "locale": "id", "linked": {"reference": "TPPO-7K3M9Q"}},
    {"v": 2, "node": "story", "locale": "id", "answers": {"reporter_role": "anak"}},
]


@pytest.mark.parametrize("data", GARBAGE)
def test_load_state_of_garbage_is_none(data):
    assert load_state(data) is None


@pytest.mark.parametrize("data", [None, [], "state", 42, b"{}"])
def test_load_state_of_non_mappings_is_none(data):
    assert load_state(data) is None


def test_load_state_fills_missing_answers_with_defaults():
    state = load_state({"v": 1, "node": "when", "locale": "en"})
    assert state == IntakeState(Node.WHEN, Answers(), "en")


def test_a_version_1_state_is_read_as_the_same_conversation():
    old = {
        "v": 1,
        "node": "victim_count",
        "locale": "id",
        "review": False,
        "answers": {
            "in_danger": False,
            "reporter_role": "keluarga",
            "indicators": ["debt", "child"],
            "place_kind": "sabah",
            "place": "tawau",
            "place_text": None,
            "when": "today",
            "victim_count": None,
            "victim_age": None,
            "story": "Cerita",
        },
    }
    state = load_state(old)
    assert state == IntakeState(
        Node.VICTIM_COUNT,
        Answers(
            in_danger=False,
            reporter_role="keluarga",
            indicators=("debt", "child"),
            place_kind="sabah",
            place="tawau",
            when="today",
            story="Cerita",
        ),
        "id",
    )
    assert dump_state(state)["v"] == STATE_VERSION == 2


def test_the_fast_lane_link_and_attachments_round_trip():
    at = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
    state = IntakeState(
        Node.WHEN,
        Answers(
            in_danger=True,
            now_in="malaysia",
            attachments=(
                Attachment("voice", file_id="AwAC-x_1", file_unique_id="AgAD"),
                Attachment("location", latitude=4.25, longitude=117.89),
            ),
        ),
        "id",
        linked="TPPO-7K3M9Q",
        linked_at=at,
    )
    data = json.loads(json.dumps(dump_state(state)))
    assert data["linked"] == {"reference": "TPPO-7K3M9Q", "at": "2025-12-01T09:00:00+00:00"}
    assert load_state(data) == state


def test_dump_state_is_plain_json():
    state = IntakeState(
        Node.INDICATORS,
        Answers(in_danger=True, indicators=("debt", "child")),
        "id",
        return_to_review=True,
    )
    data = dump_state(state)
    assert data["answers"]["indicators"] == ["debt", "child"]
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("1|ro|keluarga", cb.Callback("ro", "keluarga")),
        ("1|in|!done", cb.Callback("in", "!done")),
        ("1|x|stop", cb.Callback("x", "stop")),
        ("1|va|13_17", cb.Callback("va", "13_17")),
        ("1|ro|keluarga ", None),
        ("1|ro||", None),
        ("1||ro", None),
        ("1|RO|keluarga", None),
        ("1|ro|" + "a" * 24, cb.Callback("ro", "a" * 24)),
        ("1|ro|" + "a" * 25, None),
        ("1|ro|ke\u0301luarga", None),
    ],
)
def test_parse_callback(data, expected):
    assert cb.parse(data) == expected


@pytest.mark.parametrize(("code", "value"), [("ro", "Bad"), ("zz", "x"), ("ro", "a|b"), ("ro", "")])
def test_encode_refuses_what_parse_would_reject(code, value):
    with pytest.raises(ValueError, match="invalid callback data"):
        cb.encode(code, value)
