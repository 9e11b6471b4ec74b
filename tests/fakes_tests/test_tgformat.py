"""Telegram's HTML and MarkdownV2 parsers of the fake, checked against documented behaviour."""

from __future__ import annotations

import pytest

from tests.fakes.tgformat import EntityParseError, parse_formatted
from tests.fakes.tghtml import parse_html


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("<b>a</b><strong>b</strong>", "ab", [("bold", 0, 1), ("bold", 1, 1)]),
        (
            "<i>a</i> <em>b</em> <u>c</u> <ins>d</ins>",
            "a b c d",
            [("italic", 0, 1), ("italic", 2, 1), ("underline", 4, 1), ("underline", 6, 1)],
        ),
        (
            "<s>a</s><strike>b</strike><del>c</del>",
            "abc",
            [("strikethrough", 0, 1), ("strikethrough", 1, 1), ("strikethrough", 2, 1)],
        ),
        (
            '<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>',
            "ab",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        ("<code>x &lt; y</code>", "x < y", [("code", 0, 5)]),
        ('<pre><code class="language-python">p</code></pre>', "p", [("pre", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ("&#65;&#x42;&quot;&gt;", 'AB">', []),
        ("😀<b>x</b>", "😀x", [("bold", 2, 1)]),
        ("  \n<b>trimmed</b>\n ", "trimmed", [("bold", 0, 7)]),
        ("a > b", "a > b", []),
        ("<B>upper</B>", "upper", [("bold", 0, 5)]),
    ],
)
def test_html_subset(html: str, text: str, entities: list[tuple[str, int, int]]) -> None:
    parsed = parse_formatted(html, "HTML")
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


def test_html_link_and_custom_emoji_arguments() -> None:
    parsed = parse_html(
        '<a href="https://x.id/?a=1&amp;b=2">l</a><tg-emoji emoji-id="5">👍</tg-emoji>'
    )
    assert parsed.entities[0]["url"] == "https://x.id/?a=1&b=2"
    assert parsed.entities[1]["custom_emoji_id"] == "5"


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("é & x", 'unescaped "&" in "&" at byte offset 3'),
        ("<a href=x y>l</a>", "Expected equal sign"),
    ],
)
def test_html_errors(html: str, error: str) -> None:
    with pytest.raises(EntityParseError) as err:
        parse_html(html)
    assert error in str(err.value)


def test_markdown_v2_and_legacy_markdown() -> None:
    parsed = parse_formatted("*b* _i_ __u__ ~s~ ||p|| [l](https://x.id) `c` 1\\.5", "MarkdownV2")
    assert parsed.text == "b i u s p l c 1.5"
    assert [e["type"] for e in parsed.entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "text_link",
        "code",
    ]
    with pytest.raises(EntityParseError, match=r"Character '.' is reserved"):
        parse_formatted("Terima kasih.", "MarkdownV2")
    with pytest.raises(EntityParseError, match="Can't find end of Bold entity"):
        parse_formatted("*x", "MarkdownV2")
    assert parse_formatted("*b* 1.5", "Markdown").text == "b 1.5"
