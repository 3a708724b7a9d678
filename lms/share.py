"""Sharing by WhatsApp with its public share address (wa.me): no API, no account, no number of ours."""

import re
from urllib.parse import quote

PERU = "51"


def whatsapp_number(phone: str | None) -> str:
    """The number as wa.me wants it (country code and digits, no +), or "" when there is none.

    Nine digits starting with 9 are a Peruvian mobile written the local way, so Peru's code goes first.
    """
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 9 and digits.startswith("9"):
        return PERU + digits
    return digits if 8 <= len(digits) <= 15 else ""


def whatsapp_url(text: str, phone: str | None = None) -> str:
    """A link that opens WhatsApp with ``text`` ready to send, to ``phone`` if given, else to a chosen chat."""
    return f"https://wa.me/{whatsapp_number(phone)}?text={quote(text, safe='')}"
