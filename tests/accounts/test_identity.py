import pytest

from backend.accounts import identity


def test_resident_id_checksum() -> None:
    # GB 11643-1999's published example.
    assert identity.resident_id("11010519491231002X") == "11010519491231002X"
    assert identity.resident_id("11010519491231002x") == "11010519491231002X"
    with pytest.raises(identity.InvalidIdentifier, match="check digit"):
        identity.resident_id("110105194912310021")


def test_full_width_and_punctuation_do_not_hide_an_address_match() -> None:
    a = identity.address("福建省福州市鼓楼区 五四路１２８号（恒力城）")
    b = identity.address("福建省福州市鼓楼区五四路128号恒力城")
    assert a == b == "福建省福州市鼓楼区五四路128号恒力城"


@pytest.mark.parametrize("raw", ["+86 138-0013-8000", "8613800138000", "138 0013 8000",
                                 "0086 13800138000"])
def test_phone_forms_normalise_to_one(raw: str) -> None:
    assert identity.phone(raw) == "13800138000"


def test_landline_keeps_area_code() -> None:
    assert identity.phone("0591-87654321") == "059187654321"


def test_email_domain_from_address_or_domain() -> None:
    assert identity.email_domain("Zhang.San@Fzu.EDU.cn") == "fzu.edu.cn"
    assert identity.email_domain("@fzu.edu.cn") == "fzu.edu.cn"
    with pytest.raises(identity.InvalidIdentifier):
        identity.email_domain("not a domain")


def test_bank_account_ignores_spaces_and_dashes() -> None:
    assert identity.bank_account("6222 0202-0011 2233 445") == "6222020200112233445"
    with pytest.raises(identity.InvalidIdentifier):
        identity.bank_account("6222abc")


def test_masks_keep_only_what_identifies_loosely() -> None:
    assert identity.mask_resident_id("11010519491231002X") == "110105********002X"
    assert identity.mask_phone("13800138000") == "138****8000"
    assert identity.mask_bank_account("6222020200112233445") == "****3445"
