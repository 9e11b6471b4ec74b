"""Navigation of the intake flow: question order, review sections, and what each answer sets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flows.intake.state import ACTIVE_NODES, PLACE_LIST_NODES, Answers, Node

PLACE_NODES = (Node.PLACE_KIND, *PLACE_LIST_NODES.values())

# The question after each one (the place lists are entered from PLACE_KIND).
NEXT: dict[Node, Node] = {
    Node.DANGER: Node.ROLE,
    Node.ROLE: Node.INDICATORS,
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
    **dict.fromkeys(PLACE_NODES, "place"),
    Node.VICTIM_AGE: "victims",
}

Setter = Callable[[Answers, str | None], Answers]

# The answer field set by each single-choice node (a catalog option id, or None when skipped).
SETTERS: dict[Node, Setter] = {
    Node.ROLE: lambda a, v: replace(a, reporter_role=v),
    Node.PLACE_KECAMATAN: lambda a, v: replace(a, place=v),
    Node.PLACE_CROSSING: lambda a, v: replace(a, place=v),
    Node.PLACE_SABAH: lambda a, v: replace(a, place=v),
    Node.WHEN: lambda a, v: replace(a, when=v),
    Node.VICTIM_COUNT: lambda a, v: replace(a, victim_count=v),
    Node.VICTIM_AGE: lambda a, v: replace(a, victim_age=v),
}


def skipped(node: Node, a: Answers) -> Answers:
    """The answers after skipping the question at `node` (a skipped place list keeps the kind)."""
    if node is Node.DANGER:
        return replace(a, in_danger=None)
    if node is Node.INDICATORS:
        return replace(a, indicators=())
    if node in (Node.PLACE_KIND, Node.PLACE_TYPED):
        return replace(a, place_kind=None, place=None, place_text=None)
    if node is Node.STORY:
        return replace(a, story=None)
    return SETTERS[node](a, None)


def next_node(node: Node, answers: Answers, return_to_review: bool) -> Node:
    """The node after answering `node`: the next question, or the review."""
    nxt = NEXT[node]
    if nxt is Node.STORY and answers.child_path:
        nxt = Node.REVIEW
    if return_to_review and SECTION.get(nxt) != SECTION[node]:
        nxt = Node.REVIEW
    return nxt


def in_progress(state_node: Node, answers: Answers) -> bool:
    """A draft worth resuming exists at `state_node`."""
    return state_node in ACTIVE_NODES and (state_node is not Node.DANGER or answers != Answers())
