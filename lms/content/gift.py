"""Moodle's GIFT quiz format: read it into frozen Questions and write it back.

The reader follows Moodle's importer (question/format/gift/format.php) step by step, so a file
that Moodle imports means the same thing here: questions are separated by blank lines, lines
starting with ``//`` are comments, the answer block runs from the first ``{`` to the first ``}``,
and the question type is guessed from that block in Moodle's order. Where Moodle would import
nonsense (an empty answer, a weight of 150%, a numerical answer that is not a number) we stop
with a GiftError naming the line instead.

The writer produces GIFT that Moodle imports and that `parse_gift` reads back unchanged.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

QUESTION_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description")
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")

# PHP's trim() set, which Moodle applies everywhere; Python's default would also eat e.g. NBSP.
_WHITESPACE = " \t\n\r\0\x0b"
# What a backslash escapes, and the character it stands for.
_ESCAPES = {"\\": "\\", "~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "n": "\n"}
_MASK = "\0"
_BLANK = "_____"
_CATEGORY = "$CATEGORY:"
_DEFAULT_NAME_LENGTH = 80
_FALLBACK_NAME = "Question"

_FORMAT_PREFIX = re.compile(r"\[(" + "|".join(TEXT_FORMATS) + r")\]")
# Moodle's weight pattern, kept as loose as Moodle's so the same answers count as weighted.
_WEIGHT = re.compile(r"%(-*[0-9]{1,2}\.?[0-9]*)%")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NUMERIC_SOURCE = re.compile(r"[0-9eE+\-.: ]+")
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")
_HTML_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Answer:
    """One answer of a question.

    Matching pairs keep their two sides in `question` and `answer` (`question` is "" for an
    extra wrong answer) and have `text` equal to `answer` and `fraction` 1.0 (0.0 for the extra
    answer). Numerical answers keep the author's notation in `text` ("3.14:0.01", "1..3") and
    its meaning in `value` and `tolerance`; the "anything else" answer has `text` "*".
    """

    text: str
    fraction: float
    feedback: str = ""
    value: float | None = None
    tolerance: float | None = None
    question: str | None = None
    answer: str | None = None


@dataclass(frozen=True)
class Question:
    """One GIFT question with every escape resolved.

    True/false questions hold two answers, "true" and "false", each with the fraction earned
    and the feedback shown when the trainee gives that answer.
    """

    name: str
    type: str
    text: str
    text_format: str = "moodle"
    answers: tuple[Answer, ...] = ()
    general_feedback: str = ""
    single: bool = True
    category: str | None = None
    line: int = 0
    id_number: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def max_score(self) -> float:
        """The fraction the best possible response earns: 1.0 normally, 0.0 for a description."""
        if self.type == "description":
            return 0.0
        if self.type == "essay":
            return 1.0
        if self.type == "matching":
            return 1.0 if any(a.question for a in self.answers) else 0.0
        if self.type == "multichoice" and not self.single:
            best = sum(a.fraction for a in self.answers if a.fraction > 0)
        else:
            best = max((a.fraction for a in self.answers), default=0.0)
        return min(max(best, 0.0), 1.0)


class GiftError(ValueError):
    """A malformed GIFT file; .line (1-based), .source (file name or '<string>'), .message (lazy, translatable)."""

    def __init__(self, message, line: int, source: str = "<string>"):
        super().__init__(message, line, source)
        self.message = message
        self.line = line
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}, line {self.line}: {self.message}"


class _Problem(Exception):
    """Raised while reading one block; parse_gift turns it into a GiftError naming the file."""

    def __init__(self, message, line: int):
        super().__init__(message, line)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class _Span:
    """A stretch of GIFT source that knows the file line it starts on.

    `raw` keeps the escapes as written. `syntax` has the same length with every escape pair
    masked, so searching it finds only characters that have a meaning in GIFT; slicing keeps
    the two aligned, which is why the mask is computed once for the whole block.
    """

    raw: str
    syntax: str
    line: int

    @classmethod
    def of(cls, raw: str, line: int) -> "_Span":
        syntax = list(raw)
        index = 0
        while index < len(raw) - 1:
            if raw[index] == "\\" and raw[index + 1] in _ESCAPES:
                syntax[index] = syntax[index + 1] = _MASK
                index += 2
            else:
                index += 1
        return cls(raw, "".join(syntax), line)

    def __getitem__(self, part: slice) -> "_Span":
        start = part.indices(len(self.raw))[0]
        return _Span(self.raw[part], self.syntax[part], self.line + self.raw.count("\n", 0, start))

    def __add__(self, other: "_Span") -> "_Span":
        return _Span(self.raw + other.raw, self.syntax + other.syntax, self.line)

    def __contains__(self, sub: str) -> bool:
        return sub in self.syntax

    def find(self, sub: str, start: int = 0) -> int:
        return self.syntax.find(sub, start)

    def strip(self) -> "_Span":
        start = len(self.raw) - len(self.raw.lstrip(_WHITESPACE))
        end = len(self.raw.rstrip(_WHITESPACE))
        return self[start:max(start, end)]

    def split(self, separator: str, limit: int = -1) -> list["_Span"]:
        """Split at unescaped `separator`s, at most `limit` times (like PHP's explode)."""
        pieces, start = [], 0
        while limit != 0 and (found := self.syntax.find(separator, start)) != -1:
            pieces.append(self[start:found])
            start = found + len(separator)
            limit -= 1
        pieces.append(self[start:])
        return pieces

    def unescaped(self) -> str:
        chars, index = [], 0
        while index < len(self.raw):
            if self.raw[index] == "\\" and self.syntax[index] == _MASK:
                chars.append(_ESCAPES[self.raw[index + 1]])
                index += 2
            else:
                chars.append(self.raw[index])
                index += 1
        return "".join(chars)


# ---------------------------------------------------------------------------------- reading


def parse_gift(text: str, source: str = "<string>") -> list[Question]:
    """Read every question of a GIFT file, in order.

    Raises GiftError naming the first malformed question's line; never any other exception.
    """
    questions: list[Question] = []
    category = None
    try:
        for first_line, lines in _blocks(_normalise_newlines(text)):
            comment, body = _split_comments(lines, first_line)
            if not body.raw:
                continue
            if body.raw.startswith(_CATEGORY):
                category = _read_category(body)
            else:
                questions.append(_read_question(body, comment, category))
    except _Problem as problem:
        raise GiftError(problem.message, problem.line, source) from None
    return questions


def _normalise_newlines(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _blocks(text: str) -> Iterable[tuple[int, list[str]]]:
    """Yield (first line number, trimmed lines) for each run of non-blank lines."""
    block: list[str] = []
    first_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip(_WHITESPACE)
        if line:
            if not block:
                first_line = number
            block.append(line)
        elif block:
            yield first_line, block
            block = []
    if block:
        yield first_line, block


def _split_comments(lines: list[str], first_line: int) -> tuple[str, _Span]:
    """Separate a block's // comments from its body, which starts at the first line that is not one.

    Comment lines stay in the body as empty lines so that line numbers keep matching the file.
    """
    comments = [line for line in lines if line.startswith("//")]
    body = "\n".join("" if line.startswith("//") else line for line in lines)
    return "\n".join(comments), _Span.of(body, first_line).strip()


def _read_category(body: _Span) -> str:
    rest = body[len(_CATEGORY):]
    if "\n" in rest.raw:
        raise _Problem(_l("$CATEGORY must be alone, with a blank line after it"), rest.line + 1)
    category = rest.unescaped().strip(_WHITESPACE)
    if not category:
        raise _Problem(_l("$CATEGORY needs the name of a category"), body.line)
    return category


def _read_question(body: _Span, comment: str, category: str | None) -> Question:
    name, rest = _read_name(body)
    opening, closing = _braces(rest)
    kind, answers, single, general_feedback = "description", (), True, ""
    if opening == -1:
        text_format, text = _text_with_format(rest, "moodle")
    else:
        # Moodle inserts the blank only when text follows the block.
        blank = _Span.of("" if rest.syntax.endswith("}") else _BLANK, body.line)
        text_format, text = _text_with_format(rest[:opening] + blank + rest[closing + 1:], "moodle")
        general_feedback, block = _general_feedback(rest[opening + 1:closing].strip(), text_format)
        kind = _question_type(block)
        answers, single = _ANSWER_READERS[kind](block, text_format, rest[opening:].line)
    id_number, tags = _id_and_tags(comment)
    return Question(name=name or _default_name(text), type=kind, text=text, text_format=text_format,
                    answers=answers, general_feedback=general_feedback, single=single, category=category,
                    line=body.line, id_number=id_number, tags=tags)


def _braces(rest: _Span) -> tuple[int, int]:
    """Where the answer block's first { and first } are; (-1, -1) when there is no block at all."""
    opening, closing = rest.find("{"), rest.find("}")
    if opening == -1 and closing == -1:
        return opening, closing
    if closing == -1:
        raise _Problem(_l("the answer block opened with { is never closed with }"), rest[opening:].line)
    if opening == -1 or closing < opening:
        raise _Problem(_l("a } closes an answer block that was never opened (write \\} for a brace)"),
                       rest[closing:].line)
    return opening, closing


def _general_feedback(block: _Span, text_format: str) -> tuple[str, _Span]:
    """Take the general feedback (after the last ####) off the answer block; return (feedback, rest of block)."""
    separator = block.syntax.rfind("####")
    if separator == -1:
        return "", block
    return _text_with_format(block[separator + 4:], text_format)[1], block[:separator].strip()


def _read_name(body: _Span) -> tuple[str | None, _Span]:
    """Take a leading ::name:: off the body. Like Moodle, a :: never closed is dropped silently."""
    if not body.syntax.startswith("::"):
        return None, body
    end = body.find("::", 2)
    if end == -1:
        return None, body[2:]
    return body[2:end].unescaped().strip(_WHITESPACE) or None, body[end + 2:].strip()


def _default_name(text: str) -> str:
    """Moodle's name for an unnamed question: the start of its text without HTML tags."""
    plain = " ".join(_HTML_TAG.sub("", text).split())
    return plain[:_DEFAULT_NAME_LENGTH].strip(_WHITESPACE) or _FALLBACK_NAME


def _text_with_format(span: _Span, default_format: str) -> tuple[str, str]:
    """Read an optional [format] prefix, then the text with escapes resolved and ends trimmed."""
    prefix = _FORMAT_PREFIX.match(span.syntax)
    if prefix is None:
        return default_format, span.unescaped().strip(_WHITESPACE)
    return prefix[1], span[prefix.end():].unescaped().strip(_WHITESPACE)


def _id_and_tags(comment: str) -> tuple[str | None, tuple[str, ...]]:
    """Read `[id:...]` and `[tag:...]` from a question's comments (`\\]` stands for `]`)."""
    found = _ID.search(comment)
    id_number = found[1].strip(_WHITESPACE).replace("\\]", "]") if found else ""
    tags = (tag.strip(_WHITESPACE).replace("\\]", "]") for tag in _TAG.findall(comment))
    return id_number or None, tuple(dict.fromkeys(tag for tag in tags if tag))


def _question_type(block: _Span) -> str:
    """Moodle's type detection, in Moodle's order."""
    syntax = block.syntax
    if not syntax:
        return "essay"
    if syntax.startswith("#"):
        return "numerical"
    if "~" in syntax:
        return "multichoice"
    if "=" in syntax and "->" in syntax:
        return "matching"
    if syntax.split("#", 1)[0].strip(_WHITESPACE) in ("T", "TRUE", "F", "FALSE"):
        return "truefalse"
    return "shortanswer"


def _answer_pieces(pieces: list[_Span]) -> list[_Span]:
    """Trim the pieces of a split answer block; text before the first marker counts only if not blank."""
    pieces = [piece.strip() for piece in pieces]
    return pieces if pieces[0].raw else pieces[1:]


def _weight(piece: _Span, default: float) -> tuple[float, _Span]:
    """Read a leading %weight% off an answer; return (fraction, rest of the answer)."""
    found = _WEIGHT.match(piece.syntax)
    if found is None:
        return default, piece
    try:
        percent = Decimal(found[1])
    except InvalidOperation:  # "%--5%": Moodle's pattern lets repeated minus signs through
        percent = None
    if percent is None or not -100 <= percent <= 100:
        raise _Problem(_l("the weight %(weight)s is not a percentage between -100 and 100",
                          weight=found[0]), piece.line)
    # Decimal division keeps 33.33333% as the float nearest 0.3333333, which _percent writes back.
    return float(percent / 100), piece[found.end():]


def _answer_and_feedback(piece: _Span, text_format: str) -> tuple[str, str]:
    """Split `answer#feedback`; both may carry a [format] prefix, which the question's format replaces."""
    parts = piece.split("#", 1)
    text = _text_with_format(parts[0].strip(), text_format)[1]
    feedback = _text_with_format(parts[1].strip(), text_format)[1] if len(parts) > 1 else ""
    return text, feedback


def _require_text(text: str, piece: _Span) -> None:
    if not text:
        raise _Problem(_l("an answer is empty"), piece.line)


def _read_multichoice(block: _Span, text_format: str, line: int) -> tuple[tuple[Answer, ...], bool]:
    # Moodle turns every "=" into "~=" and splits on "~": a "=" starts a right answer of its own.
    markers = [i for i, char in enumerate(block.syntax) if char in "~="]
    starts = [0] + [i + 1 if block.syntax[i] == "~" else i for i in markers]
    ends = markers + [len(block.raw)]
    pieces = _answer_pieces([block[start:end] for start, end in zip(starts, ends)])
    if len(pieces) < 2:
        raise _Problem(_l("a multiple-choice question needs at least two answers"), line)
    answers = []
    for piece in pieces:
        if piece.syntax.startswith("="):
            fraction, piece = 1.0, piece[1:]
        else:
            fraction, piece = _weight(piece, 0.0)
        text, feedback = _answer_and_feedback(piece, text_format)
        _require_text(text, piece)
        answers.append(Answer(text=text, fraction=fraction, feedback=feedback))
    return tuple(answers), "=" in block


def _read_matching(block: _Span, text_format: str, line: int) -> tuple[tuple[Answer, ...], bool]:
    pairs = []
    for piece in _answer_pieces(block.split("=")):
        arrow = piece.find("->")
        if arrow == -1:
            raise _Problem(_l("a matching pair must look like =question -> answer"), piece.line)
        question = _text_with_format(piece[:arrow], text_format)[1]
        answer = piece[arrow + 2:].unescaped().strip(_WHITESPACE)
        if not answer:
            raise _Problem(_l("a matching pair has nothing after ->"), piece.line)
        pairs.append(Answer(text=answer, fraction=1.0 if question else 0.0, question=question, answer=answer))
    if sum(1 for pair in pairs if pair.question) < 2:
        raise _Problem(_l("a matching question needs at least two pairs =question -> answer"), line)
    return tuple(pairs), True


def _read_truefalse(block: _Span, text_format: str, line: int) -> tuple[tuple[Answer, ...], bool]:
    parts = [_text_with_format(part.strip(), text_format)[1] for part in block.split("#", 2)]
    answer, if_wrong, if_right = parts + [""] * (3 - len(parts))
    if answer in ("T", "TRUE"):
        answers = (Answer("true", 1.0, if_right), Answer("false", 0.0, if_wrong))
    else:
        answers = (Answer("true", 0.0, if_wrong), Answer("false", 1.0, if_right))
    return answers, True


def _read_shortanswer(block: _Span, text_format: str, line: int) -> tuple[tuple[Answer, ...], bool]:
    answers = []
    for piece in _answer_pieces(block.split("=")):
        fraction, piece = _weight(piece, 1.0)
        text, feedback = _answer_and_feedback(piece, text_format)
        _require_text(text, piece)
        answers.append(Answer(text=text, fraction=fraction, feedback=feedback))
    return tuple(answers), True


def _read_numerical(block: _Span, text_format: str, line: int) -> tuple[tuple[Answer, ...], bool]:
    block = block[1:]
    otherwise = None
    tilde = block.find("~")
    if tilde != -1:
        block, otherwise = block[:tilde], block[tilde:]
    pieces = _answer_pieces(block.split("="))
    if not pieces:
        raise _Problem(_l("a numerical question needs at least one number, as in {#42}"), line)
    answers = [_numerical_answer(piece, text_format) for piece in pieces]
    if otherwise is not None:
        answers.append(Answer(text="*", fraction=0.0, feedback=_answer_and_feedback(otherwise, text_format)[1]))
    return tuple(answers), True


def _numerical_answer(piece: _Span, text_format: str) -> Answer:
    fraction, piece = _weight(piece, 1.0)
    text, feedback = _answer_and_feedback(piece, text_format)
    if text == "*":
        return Answer(text="*", fraction=fraction, feedback=feedback)
    value_and_tolerance = _value_and_tolerance(text)
    if value_and_tolerance is None:
        raise _Problem(_l('"%(answer)s" is not a number, a number:tolerance or a min..max range',
                          answer=text), piece.line)
    value, tolerance = value_and_tolerance
    return Answer(text=text, fraction=fraction, feedback=feedback, value=value, tolerance=tolerance)


def _value_and_tolerance(text: str) -> tuple[float, float] | None:
    """Read `value`, `value:tolerance` or `min..max` into (value, tolerance); None if it is not one."""
    if text.find("..") > 0:
        low, high = (_number(bound) for bound in text.split("..", 1))
        if low is None or high is None:
            return None
        value = (low + high) / 2
        tolerance = high - value
    else:
        value_text, _, tolerance_text = text.partition(":") if text.find(":") > 0 else (text, "", "0")
        value, tolerance = _number(value_text), _number(tolerance_text)
        if value is None or tolerance is None:
            return None
    if not (math.isfinite(value) and math.isfinite(tolerance)):
        return None
    # Moodle grades with the absolute tolerance, so {#3..1} means the same as {#1..3}.
    return value, abs(tolerance)


def _number(text: str) -> float | None:
    text = text.strip(_WHITESPACE)
    return float(text) if _NUMBER.fullmatch(text) else None


def _read_essay(block: _Span, text_format: str, line: int) -> tuple[tuple[Answer, ...], bool]:
    return (), True


# Each reader takes the answer block (general feedback already removed), the question's text format
# and the line of its "{", and returns (answers, single).
_ANSWER_READERS = {
    "multichoice": _read_multichoice,
    "matching": _read_matching,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
    "essay": _read_essay,
}


# ---------------------------------------------------------------------------------- writing


def write_gift(questions: Iterable[Question]) -> str:
    """Write questions as GIFT that Moodle imports and `parse_gift` reads back unchanged.

    A `$CATEGORY:` line is written whenever the category changes. Every question gets its
    name and, when it has them, a `// [id:...] [tag:...]` comment.
    """
    blocks = []
    category = None
    for question in questions:
        if question.category is not None and question.category != category:
            category = question.category
            blocks.append(f"{_CATEGORY} {_escape_category(category)}")
        blocks.append(_write_question(question))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _write_question(question: Question) -> str:
    head = f"::{_escape(question.name)}::{_format_prefix(question.text, question.text_format, 'moodle')}"
    if question.type == "description":
        body = head + _escape(question.text)
    else:
        body = head + _text_around_block(question.text, _ANSWER_WRITERS[question.type](question))
    comment = _metadata_comment(question)
    return f"{comment}\n{body}" if comment else body


def _text_around_block(text: str, block: str) -> str:
    """Put the answer block where the missing word is, or after the text when that reads back the same.

    Moodle inserts "_____" only when text follows the block, so a blank at the very end stays
    in the text and the block goes after it.
    """
    blank = text.find(_BLANK)
    after = text[blank + len(_BLANK):] if blank != -1 else ""
    if blank == -1 or not after.strip(_WHITESPACE):
        return _escape(text) + block
    return _escape(text[:blank]) + block + _escape(after)


def _metadata_comment(question: Question) -> str:
    items = [f"[id:{_escape_bracket(question.id_number)}]"] if question.id_number else []
    items += [f"[tag:{_escape_bracket(tag)}]" for tag in question.tags]
    return "// " + " ".join(items) if items else ""


def _write_multichoice(question: Question) -> str:
    right = [a.fraction == 1 for a in question.answers]
    if question.single and all(right):
        # A block of "=" answers alone would read back as short answer; one of them must be "~".
        right = [index == 0 for index in range(len(right))]
    lines = []
    for answer, is_right in zip(question.answers, right):
        text = _escape_with_prefix(answer.text, question.text_format)
        if question.single and is_right:
            marker = "="
        elif answer.fraction == 0 and not _WEIGHT.match(text):
            marker = "~"
        else:
            marker = f"~%{_percent(answer.fraction)}%"
        lines.append(marker + text + _feedback_source(answer.feedback, question.text_format))
    return _block_lines(lines, question)


def _write_shortanswer(question: Question) -> str:
    if len(question.answers) == 1 and _has_arrow(question.answers[0]):
        # "=" and "->" together would read back as matching; a lone answer needs no "=".
        answer = question.answers[0]
        text = _escape_with_prefix(answer.text, question.text_format)
        feedback = _feedback_source(answer.feedback, question.text_format)
        return "{%" + _percent(answer.fraction) + "%" + text + feedback + _inline_general_feedback(question) + "}"
    lines = []
    for answer in question.answers:
        text = _escape_with_prefix(answer.text, question.text_format)
        weight = "" if answer.fraction == 1 and not _WEIGHT.match(text) else f"%{_percent(answer.fraction)}%"
        lines.append("=" + weight + text + _feedback_source(answer.feedback, question.text_format))
    return _block_lines(lines, question)


def _has_arrow(answer: Answer) -> bool:
    return "->" in answer.text or "->" in answer.feedback


def _write_numerical(question: Question) -> str:
    lines = []
    last = len(question.answers) - 1
    for index, answer in enumerate(question.answers):
        if answer.text == "*" and answer.fraction == 0 and index == last:
            lines.append("~#" + _escape_with_prefix(answer.feedback, question.text_format))
        else:
            weight = "" if answer.fraction == 1 else f"%{_percent(answer.fraction)}%"
            feedback = _feedback_source(answer.feedback, question.text_format)
            lines.append("=" + weight + _numeric_source(answer) + feedback)
    return _block_lines(lines, question, opening="{#")


def _numeric_source(answer: Answer) -> str:
    """The author's notation when it still means this answer's numbers, else value:tolerance."""
    if answer.text == "*" or answer.value is None:
        return _escape(answer.text)
    tolerance = answer.tolerance or 0.0
    if _NUMERIC_SOURCE.fullmatch(answer.text) and _value_and_tolerance(answer.text) == (answer.value, tolerance):
        return answer.text
    return f"{answer.value!r}:{tolerance!r}"


def _write_matching(question: Question) -> str:
    lines = []
    for answer in question.answers:
        # The answer side of a pair takes no [format] prefix in Moodle, so it gets none here.
        sub_question = _escape_with_prefix(answer.question or "", question.text_format)
        lines.append(f"={sub_question} -> {_escape(answer.answer or answer.text)}")
    return _block_lines(lines, question)


def _write_truefalse(question: Question) -> str:
    true, false = question.answers
    right, wrong = (true, false) if true.fraction > false.fraction else (false, true)
    if_right = _escape_with_prefix(right.feedback, question.text_format)
    if_wrong = _escape_with_prefix(wrong.feedback, question.text_format)
    block = "TRUE" if right is true else "FALSE"
    if if_wrong or if_right:
        block += "#" + if_wrong
    if if_right:
        block += "#" + if_right
    return "{" + block + _inline_general_feedback(question) + "}"


def _write_essay(question: Question) -> str:
    return "{" + _inline_general_feedback(question) + "}"


_ANSWER_WRITERS = {
    "multichoice": _write_multichoice,
    "matching": _write_matching,
    "truefalse": _write_truefalse,
    "shortanswer": _write_shortanswer,
    "numerical": _write_numerical,
    "essay": _write_essay,
}


def _block_lines(lines: list[str], question: Question, opening: str = "{") -> str:
    """An answer block with one answer per line, general feedback last."""
    return opening + "\n" + "".join(f"\t{line}\n" for line in lines) + _general_feedback_line(question) + "}"


def _general_feedback_line(question: Question) -> str:
    feedback = _inline_general_feedback(question)
    return f"\t{feedback}\n" if feedback else ""


def _inline_general_feedback(question: Question) -> str:
    if not question.general_feedback:
        return ""
    return "####" + _escape_with_prefix(question.general_feedback, question.text_format)


def _feedback_source(feedback: str, text_format: str) -> str:
    return "#" + _escape_with_prefix(feedback, text_format) if feedback else ""


def _escape_with_prefix(text: str, inherited_format: str) -> str:
    return _format_prefix(text, inherited_format, inherited_format) + _escape(text)


def _format_prefix(text: str, text_format: str, default_format: str) -> str:
    """The [format] prefix needed so the text reads back in `text_format` and keeps a leading [html] etc."""
    if text_format != default_format or _FORMAT_PREFIX.match(text):
        return f"[{text_format}]"
    return ""


def _escape(text: str) -> str:
    """Escape GIFT's reserved characters; a newline becomes \\n because a real one could end the question."""
    escaped = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    for char in "~=#{}:":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", "\\n")


def _escape_category(category: str) -> str:
    # Moodle takes the category path literally; only a backslash and a newline need escaping here.
    return category.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_bracket(text: str) -> str:
    """Escape ] in an id or tag.

    A trailing backslash gets a space after it (trimmed on reading) so that it cannot escape the closing ].
    """
    escaped = text.replace("]", "\\]")
    return escaped + " " if escaped.endswith("\\") else escaped


def _percent(fraction: float) -> str:
    """The percentage that reads back as exactly `fraction`, in plain digits (weights take no exponent)."""
    percent = format(Decimal(repr(fraction)) * 100, "f")
    if "." in percent:
        percent = percent.rstrip("0").rstrip(".")
    return "0" if percent == "-0" else percent


# ---------------------------------------------------------------------------------- JSON


def question_to_dict(question: Question) -> dict:
    """The question as plain JSON data (what `flask lms gift check FILE --json` prints)."""
    return {
        "name": question.name,
        "type": question.type,
        "text": question.text,
        "text_format": question.text_format,
        "answers": [_answer_to_dict(question.type, answer) for answer in question.answers],
        "general_feedback": question.general_feedback,
        "single": question.single,
        "max_score": question.max_score,
        "category": question.category,
        "id_number": question.id_number,
        "tags": list(question.tags),
        "line": question.line,
    }


def _answer_to_dict(question_type: str, answer: Answer) -> dict:
    data = {"text": answer.text, "fraction": answer.fraction, "feedback": answer.feedback}
    if question_type == "numerical":
        data.update(value=answer.value, tolerance=answer.tolerance)
    elif question_type == "matching":
        data.update(question=answer.question, answer=answer.answer)
    return data
