"""The one escaping and sanitising module: what each function lets through and what it stops."""

from __future__ import annotations

import markdown as python_markdown
import pytest

from playbook.safety import (
    dot_string,
    escape,
    is_safe_url,
    is_site_link,
    markdown_text,
    sanitize_markdown,
    shorten,
    spreadsheet_cell,
)
from tests.hostile import active_content

#: The Markdown extensions of mkdocs.yml that read a data field's Markdown.
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "def_list", "toc"]
EXTENSIONS += ["pymdownx.superfences", "pymdownx.details"]


def to_html(value: str) -> str:
    return python_markdown.markdown(sanitize_markdown(value), extensions=EXTENSIONS)


@pytest.mark.parametrize(
    "payload",
    [
        "a <SCRIPT>alert(1)</SCRIPT> b",
        "<ScRiPt src=//evil.example/x.js></sCrIpT>",
        "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
        '<IFRAME src="file:///etc/passwd"></IFRAME>',
        "<img src=x onerror=alert(1)> <b OnClick='alert(1)'>bold</b>",
        "<svg><g ONLOAD=alert(1)></g></svg>",
        "<style>body{display:none}</style><object data=x></object><EMBED src=x>",
        "<form action=https://evil.example><input name=q></form>",
        '<a href="JaVaScRiPt:alert(1)">x</a> <a href="VBSCRIPT:x">y</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        "<<script>script>alert(1)<</script>/script>",
        "\\`<script>alert(1)</script>`",
        "`x\n\n<script>alert(1)</script>\n\n`",
        "text\n```\n<script>alert(1)</script>\n\nmore\n",
        'para {: onclick="alert(1)" }\n\n# h {: onmouseover=alert(1) }',
        '<div markdown="1" onclick="alert(1)">x</div>',
    ],
)
def test_markdown_fields_lose_scripts_handlers_and_active_tags(payload: str) -> None:
    assert active_content(to_html(payload)) == []


@pytest.mark.parametrize(
    "payload",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( java&#115;cript:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "![i](data:image/svg+xml;base64,PHN2Zz4=)",
        "[f](FILE:///etc/passwd)",
        "[v](vbscript:msgbox)",
        "[r][a]\n\n[a]: JAVASCRIPT:alert(1)",
    ],
)
def test_markdown_links_to_unsafe_schemes_are_not_links(payload: str) -> None:
    html = to_html(payload)
    assert active_content(html) == []
    assert "src=" not in html


def test_markdown_keeps_code_safe_links_and_quotes_as_written() -> None:
    value = (
        "Use `{{ x }}` and `<b>` in code; see [docs](https://example.org/a?b=1&c=2) "
        "and [the RACI](../people/raci.md).\n\n> a quote\n\n```yaml\nkey: <value> {{ y }}\n```"
    )
    html = to_html(value)
    assert "<code>{{ x }}</code>" in html  # not &#123;&#123; x }}
    assert "<code>&lt;b&gt;</code>" in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html
    assert 'href="../people/raci.md"' in html
    assert "<blockquote>" in html
    assert "&lt;value&gt; {{ y }}" in html


def test_markdown_braces_in_prose_are_text_not_attributes() -> None:
    html = to_html("x {: .big #id }")
    assert "class=" not in html
    assert "{: .big #id }" in html.replace("&#123;", "{").replace("&#125;", "}")


def test_escape_covers_html_and_attribute_contexts() -> None:
    assert escape("<a href=\"x\" title='y'>&</a>") == (
        "&lt;a href=&#34;x&#34; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
    )
    assert escape("{{ x }}") == "{{ x }}"


def test_markdown_text_neutralises_markdown_and_html() -> None:
    assert markdown_text("a|b *c* _d_ `e` [f](g) <h> & {i} #j\nk\\") == (
        r"a\|b \*c\* \_d\_ \`e\` \[f\](g) &lt;h&gt; &amp; &#123;i&#125; &#35;j k\\"
    )


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("plain", '"plain"'),
        ("<B>html?</B>", '"<B>html?</B>"'),
        ('a "quote"', '"a \\"quote\\""'),
        ("back\\slash \\N \\G", '"back\\\\slash \\\\N \\\\G"'),
        ("two\nlines\r\nend", '"two\\nlines\\nend"'),
        ("trailing\\", '"trailing\\\\"'),
        ('x" URL="javascript:alert(1)', '"x\\" URL=\\"javascript:alert(1)"'),
    ],
)
def test_dot_string_is_always_one_literal_quoted_string(value: str, quoted: str) -> None:
    assert dot_string(value) == quoted


@pytest.mark.parametrize(
    ("url", "safe", "site"),
    [
        ("../people/raci.md", True, True),
        ("#anchor", True, True),
        ("https://example.org", True, False),
        ("mailto:a@b.c", True, False),
        ("//evil.example/x", True, False),
        ("/\\evil.example", True, False),
        ("JAVASCRIPT:alert(1)", False, False),
        (" java\nscript:alert(1)", False, False),
        ("&#106;avascript:alert(1)", False, False),
        ("Data:text/html,x", False, False),
        ("vbScript:x", False, False),
        ("file:///etc/passwd", False, False),
    ],
)
def test_url_checks(url: str, safe: bool, site: bool) -> None:
    assert is_safe_url(url) is safe
    assert is_site_link(url) is site


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("https://evil")', '\'=HYPERLINK("https://evil")'),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Plain = text", "Plain = text"),
        ("", ""),
    ],
)
def test_spreadsheet_cells_never_start_a_formula(cell: str, written: str) -> None:
    assert spreadsheet_cell(cell) == written


def test_shorten_caps_echoed_values_on_one_line() -> None:
    assert shorten("a\nb") == "a b"
    long = shorten("x" * 500)
    assert len(long) == 80
    assert long.endswith("…")
