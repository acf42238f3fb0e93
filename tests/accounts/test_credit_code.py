import pytest

from backend.accounts import credit_code

# Published codes of real firms (an independent oracle for the algorithm), plus the
# standard's own example.
VALID = [
    "91350100M000100Y43",
    "9144030071526726XG",
    "91330100716105852F",
    "91110000802100433B",
    "91440300708461136T",
    "91110108551385082Q",
]
# Letters are legal in the first two positions (N = agriculture authority, Y = other);
# these are built with the algorithm, so they test that letters are not rejected there.
LETTER_PREFIXED = ["N2350102MA2Y1PQN31", "Y1350100MA8TGW4B1Y"]


@pytest.mark.parametrize("code", VALID + LETTER_PREFIXED)
def test_valid_codes_pass(code: str) -> None:
    assert credit_code.validate(code) == code


def test_lowercase_and_spaces_are_normalised() -> None:
    assert credit_code.validate("  91350100m000100y43 ") == "91350100M000100Y43"


def test_weights_are_powers_of_three_mod_31() -> None:
    assert credit_code.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(credit_code.InvalidCreditCode, match="expected 3, got 4"):
        credit_code.validate("91350100M000100Y44")


@pytest.mark.parametrize("code, message", [
    ("91350100M000100Y4", "18 characters"),
    ("91350100M000100Y433", "18 characters"),
    ("91350100M0001O0Y43", "not allowed.*O"),
    ("9135010IM000100Y43", "not allowed.*I"),
])
def test_malformed_codes_are_rejected(code: str, message: str) -> None:
    with pytest.raises(credit_code.InvalidCreditCode, match=message):
        credit_code.validate(code)


def test_every_single_character_substitution_is_detected() -> None:
    code = "91350100M000100Y43"
    for i in range(17):
        for c in credit_code.CHARSET:
            if c != code[i]:
                assert not credit_code.is_valid(code[:i] + c + code[i + 1:])


def test_complete_appends_the_check_character() -> None:
    assert credit_code.complete("91350100M000100Y4") == "91350100M000100Y43"
