"""Navigation of the intake flow: question order, review sections, and what each answer sets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flows.domain.report import VICTIM_ROLE
from flows.intake.state import ACTIVE_NODES, PLACE_LIST_NODES, Answers, Node

PLACE_NODES = (Node.PLACE_KIND, *PLACE_LIST_NODES.values())

# The question after each one (the place lists are entered from PLACE_KIND, the fast lane from
# a "yes" to the danger question, the reporter's own age from "It happened to me").
NEXT: dict[Node, Node] = {
    Node.DANGER: Node.ROLE,
    Node.URGENT: Node.ROLE,
    Node.ROLE: Node.INDICATORS,
    Node.MY_AGE: Node.INDICATORS,
    Node.INDICATORS: Node.PLACE_KIND,
    **dict.fromkeys(PLACE_NODES, Node.WHEN),
    Node.WHEN: Node.VICTIM_COUNT,
    Node.VICTIM_COUNT: Node.VICTIM_AGE,
    Node.VICTIM_AGE: Node.STORY,
    Node.STORY: Node.REVIEW,
}

# Review sections: the node each one starts at, and the section of every question node.
SECTION_START: dict[str, Node] = {
    "danger": Node.DANGER,
    "role": Node.ROLE,
    "indicators": Node.INDICATORS,
    "place": Node.PLACE_KIND,
    "when": Node.WHEN,
    "victims": Node.VICTIM_COUNT,
    "story": Node.STORY,
}
SECTION: dict[Node, str] = {
    **{node: name for name, node in SECTION_START.items()},
    Node.URGENT: "danger",
    Node.MY_AGE: "role",
    **dict.fromkeys(PLACE_NODES, "place"),
    Node.VICTIM_AGE: "victims",
}

Setter = Callable[[Answers, str | None], Answers]

# The answer field set by each single-choice node (a catalog option id).
SETTERS: dict[Node, Setter] = {
    Node.ROLE: lambda a, v: replace(a, reporter_role=v),
    Node.MY_AGE: lambda a, v: replace(a, victim_age=v),
    Node.PLACE_KECAMATAN: lambda a, v: replace(a, place=v),
    Node.PLACE_CROSSING: lambda a, v: replace(a, place=v),
    Node.PLACE_SABAH: lambda a, v: replace(a, place=v),
    Node.WHEN: lambda a, v: replace(a, when=v),
    Node.VICTIM_COUNT: lambda a, v: replace(a, victim_count=v),
    Node.VICTIM_AGE: lambda a, v: replace(a, victim_age=v),
}


def next_node(node: Node, answers: Answers, return_to_review: bool) -> Node:
    """The node after answering (or skipping) `node`: the next question, or the review."""
    nxt = NEXT[node]
    if node is Node.ROLE and answers.reporter_role == VICTIM_ROLE:
        nxt = Node.MY_AGE
    if (
        nxt is Node.VICTIM_AGE
        and answers.reporter_role == VICTIM_ROLE
        and answers.victim_age is not None
    ):
        nxt = Node.STORY  # their own age was asked already
    if nxt is Node.STORY and answers.child_path:
        nxt = Node.REVIEW  # a child is never asked to type
    if return_to_review and SECTION.get(nxt) != SECTION[node]:
        nxt = Node.REVIEW
    return nxt


def in_progress(state_node: Node, answers: Answers) -> bool:
    """A draft worth resuming (or worth confirming before deleting) exists at `state_node`."""
    return state_node in ACTIVE_NODES and (state_node is not Node.DANGER or answers != Answers())
