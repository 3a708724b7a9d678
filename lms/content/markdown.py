"""The one Markdown renderer: course text once at load, people's text sanitised with nh3."""

import re

import markdown as md
import nh3
from markupsafe import Markup

EXTENSIONS = ["tables", "sane_lists", "smarty"]

# What a person's own text may become: formatting, lists, quotes and links, nothing active.
USER_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "code", "pre", "a", "hr"}

_WEEK_LINK = re.compile(r'href="\.\./(\d{2})-[a-z0-9-]+/?"')


def render_course_markdown(text: str) -> Markup:
    """Render trusted course Markdown; links to other weeks (`../04-slug/`) become relative week links."""
    html = md.markdown(text, extensions=EXTENSIONS, output_format="html")
    html = _WEEK_LINK.sub(lambda m: f'href="{int(m.group(1))}"', html)
    return Markup(html)


def render_user_markdown(text: str) -> Markup:
    """Render what a person wrote as Markdown, with every tag and attribute outside a small safe set removed."""
    html = md.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=USER_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"},
                      link_rel="nofollow noopener noreferrer")
    return Markup(clean)
