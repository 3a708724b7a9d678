"""The one Markdown renderer: course text once at load, people's text once when it is saved.

Course text is trusted and rendered with Python-Markdown. What a person writes goes through a small
renderer of our own, because Python-Markdown's inline patterns backtrack: 8,000 ``[`` took 11 s, and
markdown-it-py is quadratic on the same input. Ours reads each line once and every pattern stops at
the first character that could end it, so its time grows with the length of the text and nothing else
(tests/security/test_pathological_input.py). It knows what a trainee or facilitator writes on a phone:
paragraphs, line breaks, ``**bold**``, ``*italics*``, `` `code` ``, lists, ``>`` quotes, ``###`` headings,
fenced code and ``[links](https://…)``. Its output then goes through nh3 all the same.
"""

import html
import re

import markdown as md
import nh3
from markupsafe import Markup

EXTENSIONS = ["tables", "sane_lists", "smarty"]

# What a person's own text may become: formatting, lists, quotes and links, nothing active.
USER_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "code", "pre", "a", "hr"}

_WEEK_LINK = re.compile(r'href="\.\./(\d{2})-[a-z0-9-]+/?"')
_GLOSSARY_LINK = re.compile(r'href="\.\./glossary\.[a-z]{2}\.md(#[a-z0-9-]*)?"')

# The glossary page (GET /glosario, lms.learn) as reached from the page that shows each kind of week text:
# lessons are at /weeks/<n>; reflections at /weeks/<n>/reflection and /facilitate/reflections/<id>; guides at
# /facilitate/guide/<n>. Relative, like the week links, so that the app works under a URL prefix.
GLOSSARY_FROM = {"lesson": "../glosario", "reflection": "../../glosario", "facilitator": "../../glosario"}


def render_course_markdown(text: str, glossary_href: str | None = None) -> Markup:
    """Render trusted course Markdown; links to other weeks (`../04-slug/`) become relative week links, and
    links to the glossary (`../glossary.es.md#derivar`) become links to ``glossary_href`` and the entry."""
    html_text = md.markdown(text, extensions=EXTENSIONS, output_format="html")
    html_text = _WEEK_LINK.sub(lambda m: f'href="{int(m.group(1))}"', html_text)
    if glossary_href is not None:
        html_text = _GLOSSARY_LINK.sub(lambda m: f'href="{glossary_href}{m.group(1) or ""}"', html_text)
    return Markup(html_text)


# Each inline pattern's body excludes its own closing character, so a failed match stops at the
# first one: no run of `[`, `*`, `_` or backticks makes the scan go back over the line.
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\((https?://[^\s()<>\"'`]{1,2000})\)")
_STRONG = re.compile(r"\*\*([^*\n]+)\*\*|(?<![\w_])__([^_\n]+)__(?![\w_])")
_EM = re.compile(r"\*([^*\n]+)\*|(?<![\w_])_([^_\n]+)_(?![\w_])")
_BULLET = re.compile(r"[-*+] (.*)")
_NUMBERED = re.compile(r"\d{1,9}[.)] (.*)")
_HEADING = re.compile(r"(#{1,6}) (.*)")
_RULE = re.compile(r"(?:-{3,}|\*{3,}|_{3,})")


def _inline(text: str) -> str:
    """Escape one block's text and apply the inline formatting; code spans are left as written."""
    out = []
    for i, part in enumerate(_CODE_SPAN.split(text) if "`" in text else (text,)):
        if i % 2:
            out.append(f"<code>{html.escape(part)}</code>")
            continue
        part = html.escape(part, quote=True)
        # Escaped first, so a link's text and address are already inert when they become tags. A pattern
        # runs only where its opening character occurs: most text has none of them.
        if "](" in part:
            part = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', part)
        if "*" in part or "_" in part:
            part = _STRONG.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", part)
            part = _EM.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", part)
        out.append(part)
    return "<br>\n".join("".join(out).split("\n"))


def _blocks(lines: list[str]) -> list[str]:
    """HTML blocks for a list of lines: paragraphs, lists, quotes, headings, rules and fenced code."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""
    quote: list[str] = []
    code: list[str] | None = None

    def flush():
        nonlocal paragraph, items, list_tag, quote
        if paragraph:
            out.append(f"<p>{_inline(chr(10).join(paragraph))}</p>")
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{list_tag}>")
        if quote:
            # One level of quoting: a second `>` stays a character, so nesting cannot deepen the work.
            out.append("<blockquote>" + "".join(_blocks_flat(quote)) + "</blockquote>")
        paragraph, items, list_tag, quote = [], [], "", []

    for raw in lines:
        line = raw.rstrip()
        if code is not None:
            if line.lstrip().startswith("```"):
                out.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
                code = None
            else:
                code.append(raw)
            continue
        stripped = line.lstrip()
        if stripped.startswith("```"):
            flush()
            code = []
            continue
        if not stripped:
            flush()
            continue
        if stripped.startswith(">"):
            if not quote:
                flush()
            quote.append(stripped[1:].removeprefix(" "))
            continue
        if quote:
            flush()
        if _RULE.fullmatch(stripped):
            flush()
            out.append("<hr>")
            continue
        heading = _HEADING.fullmatch(stripped)
        if heading:
            flush()
            level = 3 if len(heading.group(1)) <= 3 else 4
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            continue
        bullet, numbered = _BULLET.fullmatch(stripped), _NUMBERED.fullmatch(stripped)
        if bullet or numbered:
            tag = "ul" if bullet else "ol"
            if paragraph or (items and tag != list_tag):
                flush()
            list_tag = tag
            items.append((bullet or numbered).group(1))
            continue
        if items:
            items[-1] += "\n" + stripped  # a line under an item continues it
            continue
        paragraph.append(stripped)
    if code is not None:
        out.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
    flush()
    return out


def _blocks_flat(lines: list[str]) -> list[str]:
    """The blocks inside a quote: paragraphs and lists, with any further `>` kept as text."""
    escaped = [("\\" + line) if line.lstrip().startswith(">") else line for line in lines]
    return [block.replace("\\&gt;", "&gt;") for block in _blocks(escaped)]


def render_user_markdown(text: str) -> Markup:
    """Render what a person wrote, in time linear in its length, with nothing outside a small safe set of tags."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    clean = nh3.clean("\n".join(_blocks(text.split("\n"))), tags=USER_TAGS, attributes={"a": {"href"}},
                      url_schemes={"http", "https"}, link_rel="nofollow noopener noreferrer")
    return Markup(clean)
