"""intake.md stays in step with the code: every node is drawn, every callback code documented."""

from __future__ import annotations

import re
from pathlib import Path

from flows.intake import Node
from flows.intake import callbacks as cb

DOC = Path(__file__).resolve().parents[2] / "flows" / "intake" / "intake.md"


def _diagram() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split("```mermaid", 1)[1].split("```", 1)[0]


def test_every_node_is_in_the_diagram_and_nothing_else() -> None:
    edges = re.findall(r"^\s*(\[\*\]|\w+) --> (\w+):?", _diagram(), re.MULTILINE)
    drawn = {name for edge in edges for name in edge if name != "[*]"}
    assert drawn == {node.value for node in Node}


def test_every_edge_has_a_label_without_a_second_colon() -> None:
    for line in _diagram().splitlines():
        if "-->" in line and "[*]" not in line:
            assert line.count(":") == 1, line  # mermaid reads the first colon as the label


def test_every_callback_code_is_documented() -> None:
    table = DOC.read_text(encoding="utf-8").split("## Callback data", 1)[1]
    for code in (*cb.NODE_CODES.values(), cb.STOP, cb.LANGUAGE, cb.RESUME, cb.ADD_INFO, cb.REPLY):
        assert f"`{code}`" in table, code
