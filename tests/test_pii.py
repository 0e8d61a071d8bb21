from __future__ import annotations

import datetime as dt
import random

import pytest

from credit_check.pii import (
    BANK_CARD,
    MOBILE,
    RESIDENT_ID,
    credit_code_ok,
    find_personal_data,
    id_checksum_ok,
    mask_text,
)
from tests.builders.sheets import credit_code, luhn_complete, random_id, resident_id, wrong_check


def kinds(text: str) -> list[str]:
    return [h.kind for h in find_personal_data(text)]


def test_valid_id_found_and_masked() -> None:
    number = resident_id("370102", dt.date(1990, 3, 7), "123")
    hits = find_personal_data(f"张三，身份证号：{number}，住址济南市")
    assert [h.kind for h in hits] == [RESIDENT_ID]
    assert hits[0].masked == number[:6] + "*" * 8 + number[-4:]
    assert hits[0].confident
    assert number not in mask_text(f"张三 {number}")


def test_id_with_x_check_character() -> None:
    rng = random.Random(5)
    number = next(n for n in (random_id(rng) for _ in range(2000)) if n.endswith("X"))
    assert id_checksum_ok(number)
    assert kinds(f"证件号码 {number.lower()}") == [RESIDENT_ID]


def test_wrong_check_digit_and_bad_birth_date_are_not_ids() -> None:
    number = resident_id()
    assert kinds(f"订单号 {wrong_check(number)}") == []
    bad_date = resident_id("370102", dt.date(1990, 3, 7))[:10] + "1340" + "1234"  # month 13
    assert kinds(bad_date) == []


def test_legacy_15_digit_id_needs_valid_date() -> None:
    assert kinds("身份证 370102900307123") == [RESIDENT_ID]
    assert kinds("身份证 370102901307123") == []  # month 13
    assert not find_personal_data("编号 370102900307123")[0].confident


def test_masked_values_are_ignored() -> None:
    assert kinds("身份证号 370116********1234，电话 138****5678，卡号 6222 **** **** 1234") == []


def test_credit_codes_are_not_personal_data() -> None:
    code = credit_code()
    assert credit_code_ok(code)
    assert kinds(f"统一社会信用代码：{code}") == []
    assert kinds(f"统一社会信用代码：{credit_code('12370100004123456')}") == []


def test_mobile_numbers() -> None:
    assert kinds("联系电话：13812345678") == [MOBILE]
    assert kinds("手机 138-1234-5678") == [MOBILE]
    assert kinds("+8613912345678") == [MOBILE]
    assert kinds("12812345678") == []  # 12x is not a mobile prefix
    assert kinds("流水号 2013812345678999") == []  # inside a longer digit run
    assert mask_text("电话13812345678。") == "电话138****5678。"
    assert not find_personal_data("13812345678")[0].confident


def test_bank_cards_need_luhn() -> None:
    card = luhn_complete("622202123456789012")
    assert kinds(f"银行卡号 {card}") == [BANK_CARD]
    bad = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert kinds(f"银行卡号 {bad}") == []
    spaced = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    hits = find_personal_data(f"卡号：{spaced}")
    assert [h.kind for h in hits] == [BANK_CARD]
    assert hits[0].masked.startswith("6222 ****")


def test_id_shaped_numbers_are_never_cards() -> None:
    rng = random.Random(1)
    for _ in range(300):
        wrong = wrong_check(random_id(rng))
        assert kinds(f"卡号 {wrong}") == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recall_on_random_ids(seed: int) -> None:
    rng = random.Random(seed)
    numbers = [random_id(rng) for _ in range(200)]
    text = "；".join(f"{i}号 {n}" for i, n in enumerate(numbers))
    assert sum(1 for h in find_personal_data(text) if h.kind == RESIDENT_ID) == len(numbers)
    masked = mask_text(text)
    assert not any(n in masked for n in numbers)


def test_mask_text_leaves_clean_text_alone() -> None:
    text = "莱芜区交字〔2024〕19号 2024年5月6日 第3页"
    assert mask_text(text) is text


def test_grouped_id_numbers() -> None:
    number = resident_id("370102", dt.date(1990, 3, 7), "123")
    for text in (f"{number[:6]} {number[6:14]} {number[14:]}", " ".join(number[i:i + 4] for i in range(0, 18, 4))):
        hits = find_personal_data(f"身份证 {text}")
        assert [h.kind for h in hits] == [RESIDENT_ID]
        assert number[6:14] not in hits[0].masked.replace(" ", "")
    assert kinds(f"{wrong_check(number)[:6]} {number[6:14]} {wrong_check(number)[14:]}") == []


def test_company_registration_numbers_are_not_ids() -> None:
    assert kinds("营业执照注册号：370102900307123") == []
    assert kinds("身份证 370102900307123") == [RESIDENT_ID]


def test_id_number_wrapped_across_lines_is_found_and_masked() -> None:
    number = resident_id("370102", dt.date(1980, 5, 17), "032")
    text = f"法定代表人身份证号：{number[:16]}\n{number[16:]}\n联系电话\n13869312345\n15963412378"
    hits = find_personal_data(text)
    assert [h.kind for h in hits] == ["resident_id", "mobile", "mobile"]
    masked = mask_text(text)
    assert number[6:14] not in masked.replace("\n", "") and "13869312345" not in masked
    # Two numbers on consecutive lines that only look like an ID when joined are left alone.
    assert [h.kind for h in find_personal_data("订单号 12345678\n9012345678")] == []


def test_numbers_with_full_width_or_no_break_separators_are_masked() -> None:
    """ASCII digits joined by a full-width hyphen, a no-break space or an ideographic space are
    found, so they must be masked too (the cheap early exit folded them only beside full-width digits)."""
    for text, secret in (("电话138－1234－5678", "1234"), ("银行卡：6222\u00a00212\u00a03456\u00a07894", "0212 3456"),
                         ("手机 139\u30001234\u30005678", "1234")):
        assert find_personal_data(text), text
        masked = mask_text(text)
        assert masked != text and secret not in masked.replace("\u00a0", " ").replace("\u3000", " ").replace("－", "")
