"""Certificate codes: generation, the check symbol, and forgiving input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.core.certificates.codes import (
    ALPHABET,
    CODE_LENGTH,
    PAYLOAD_LENGTH,
    CodeStatus,
    check_code,
    check_symbol,
    format_code,
    new_code,
    normalize_code,
)

# Fixed codes make the exhaustive tests repeatable; one fresh code keeps them honest.
SAMPLE_CODES = ["7K3M9QXAT4VD2HJ" + check_symbol("7K3M9QXAT4VD2HJ"),
                "0Z0Z0Z0Z0Z0Z0Z0" + check_symbol("0Z0Z0Z0Z0Z0Z0Z0"),
                new_code()]

codes = st.text(alphabet=ALPHABET, min_size=PAYLOAD_LENGTH, max_size=PAYLOAD_LENGTH).map(
    lambda payload: payload + check_symbol(payload))


def is_well_formed(text: str) -> bool:
    return check_code(text).is_well_formed


def test_new_codes_are_sixteen_symbols_that_pass_their_own_check():
    for _ in range(500):
        code = new_code()
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET)
        assert check_code(code).code == code


def test_check_symbol_worked_by_hand():
    assert check_symbol("000000000000001") == "Y"  # 1 × 2 = 2; 32 − 2 = 30 → Y
    assert check_symbol("000000000000010") == "Z"  # 1 × 1 = 1; 32 − 1 = 31 → Z
    assert check_symbol("00000000000000Z") == "1"  # 31 × 2 = 62 = 1·32 + 30 → 1 + 30 = 31 → 1


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_every_single_symbol_substitution_is_caught(code):
    for position in range(CODE_LENGTH):
        for symbol in ALPHABET.replace(code[position], ""):
            typo = code[:position] + symbol + code[position + 1:]
            assert not is_well_formed(typo), typo


def _codes_with_pair_at(code: str, position: int):
    """Every well-formed variant of ``code`` whose symbols at ``position`` and the next differ."""
    payload = code[:PAYLOAD_LENGTH]
    for first in ALPHABET:
        for second in ALPHABET:
            changed = payload[:position] + first + payload[position + 1:]
            if position + 1 < PAYLOAD_LENGTH:
                changed = changed[:position + 1] + second + changed[position + 2:]
            variant = changed + check_symbol(changed)
            if variant[position] != variant[position + 1]:
                yield variant


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_adjacent_transpositions_are_caught_except_zero_and_z(code):
    missed = set()
    for position in range(CODE_LENGTH - 1):  # the last pair is the check symbol and its neighbour
        for variant in _codes_with_pair_at(code, position):
            swapped = (variant[:position] + variant[position + 1] + variant[position]
                       + variant[position + 2:])
            if is_well_formed(swapped):
                missed.add(frozenset(variant[position:position + 2]))
    assert missed == {frozenset("0Z")}


def test_swaps_of_symbols_one_apart_are_never_caught():
    code = SAMPLE_CODES[0]
    for position in range(CODE_LENGTH - 2):
        swapped = list(code)
        swapped[position], swapped[position + 2] = swapped[position + 2], swapped[position]
        assert is_well_formed("".join(swapped))


def test_format_code_groups_by_four():
    assert format_code("7K3M9QXAT4VD2HJ8") == "7K3M-9QXA-T4VD-2HJ8"


@pytest.mark.parametrize("bad", ["7K3M9QXAT4VD2HJ", "7K3M-9QXA-T4VD-2HJ8", "7k3m9qxat4vd2hj8", "U" * 16])
def test_format_code_rejects_anything_but_sixteen_symbols(bad):
    with pytest.raises(ValueError):
        format_code(bad)


@settings(database=None)
@given(codes)
def test_normalising_a_printed_code_gives_it_back(code):
    assert normalize_code(format_code(code)) == code
    assert check_code(format_code(code)).code == code


@settings(database=None)
@given(codes, st.data())
def test_typing_variations_do_not_matter(code, data):
    look_alikes = {"0": ["0", "O", "o"], "1": ["1", "I", "i", "L", "l"]}
    separators = st.sampled_from(["", " ", "-", "  ", " - ", "\u2013", "\u2014", "\u00a0", "\u2212"])
    typed = data.draw(separators)
    for position, symbol in enumerate(code):
        variants = look_alikes.get(symbol, [symbol, symbol.lower()])
        typed += data.draw(st.sampled_from(variants))
        if position % 4 == 3:
            typed += data.draw(separators)
    assert normalize_code(typed) == code
    assert check_code(typed) == check_code(code)


@pytest.mark.parametrize("typed, expected", [
    ("7k3m-9qxa-t4vd-2hj8", "7K3M9QXAT4VD2HJ8"),
    (" 7K3M 9QXA T4VD 2HJ8 ", "7K3M9QXAT4VD2HJ8"),
    ("OIL", "011"),
    ("oil", "011"),
    ("7K3M\u20139QXA\u2014T4VD\u22122HJ8", "7K3M9QXAT4VD2HJ8"),
])
def test_normalize_examples(typed, expected):
    assert normalize_code(typed) == expected


def test_check_code_accepts_a_sloppily_typed_valid_code():
    code = "0" + "1" * 14
    code += check_symbol(code)
    typed = format_code(code).lower().replace("0", "o").replace("1", "l")
    assert check_code(typed).status is CodeStatus.WELL_FORMED
    assert check_code(typed).code == code


@pytest.mark.parametrize("text", [
    "", "-", "7K3M9QXAT4VD2HJ", "7K3M9QXAT4VD2HJ8X", "U" + "0" * 15, "7K3M9QXAT4VD2HJ#", "ÑK3M9QXAT4VD2HJ8",
])
def test_malformed_input_is_told_apart(text):
    result = check_code(text)
    assert result.status is CodeStatus.MALFORMED
    assert result.code is None
    assert not result.is_well_formed


def test_a_code_with_u_is_malformed_even_with_a_matching_check():
    payload = "U" + "0" * 14
    # U has no value, so no check symbol can make it well formed.
    assert all(not is_well_formed(payload + symbol) for symbol in ALPHABET)
