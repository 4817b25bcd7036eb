"""A realistic form: the nomination draft (Đề nghị khen thưởng) used by the emulation movements."""

from __future__ import annotations

import copy

import pytest

from service.forms import merge_submission

GOOD = {
    "movement_code": "CDS-2025",
    "nominee_name": "Phòng Văn hóa và Thông tin quận Hoàn Kiếm",
    "kind": "collective",
    "dx_index_score": 86.5,
    "achievement": "Dẫn đầu chỉ số chuyển đổi số cấp quận năm 2025, số hóa 100% hồ sơ thủ tục hành chính.",
    "proposed_on": "2025-11-20",
    "unit": {
        "code": "UB_HOANKIEM",
        "contact_email": "vhtt@hoankiem.hanoi.gov.vn",
        "contact_phone": "024 3825 3536",
    },
    "nominees": [
        {
            "full_name": "Nguyễn Thị Thu Hà",
            "position": "Trưởng phòng",
            "sex": "female",
            "birth_date": "1980-03-15",
            "proposed_award": "city_commendation",
        },
        {
            "full_name": "Trần Văn Minh",
            "proposed_award": "grassroots_emulation_fighter",
        },
    ],
    "nominee_count": 2,
    "submit": True,
}


def test_good_data_validates_and_drops_owned_elsewhere_keys(nomination_form, accept):
    cleaned = accept(nomination_form, copy.deepcopy(GOOD))
    expected = {k: v for k, v in GOOD.items() if k not in ("movement_code", "nominee_count", "submit")}
    assert cleaned == expected


def test_tax_clearance_is_optional_but_typed(nomination_form, accept, reject):
    assert accept(nomination_form, {**GOOD, "kind": "enterprise", "tax_clearance": True})["tax_clearance"] is True
    assert reject(nomination_form, {**GOOD, "tax_clearance": "có"}) == {
        "tax_clearance": ["Giá trị phải là đúng hoặc sai (true/false)."]
    }


def test_bad_data_is_rejected_with_the_right_paths(nomination_form, reject):
    bad = copy.deepcopy(GOOD)
    bad.update(
        {
            "nominee_name": "",
            "kind": "household",
            "dx_index_score": 100.125,
            "achievement": "Ngắn",
            "proposed_on": "20/11/2025",
            "approved_by_director": True,
        }
    )
    bad["unit"] = {"code": "ub hoan kiem", "contact_email": "not-an-email"}
    bad["nominees"] = [
        {
            "full_name": "Nguyễn Thị Thu Hà",
            "sex": "nu",
            "proposed_award": "city_commendation",
        },
        {
            "position": "Chuyên viên",
            "proposed_award": "medal_of_labour",
            "birth_date": "1990-02-30",
        },
    ]
    assert reject(nomination_form, bad) == {
        "nominee_name": ["Trường này là bắt buộc."],
        "kind": ["Giá trị không nằm trong danh sách cho phép."],
        "dx_index_score": [
            "Giá trị phải nhỏ hơn hoặc bằng 100.",
            "Giá trị chỉ được có tối đa 2 chữ số thập phân.",
        ],
        "achievement": ["Độ dài tối thiểu là 20 ký tự."],
        "proposed_on": ["Ngày không hợp lệ; cần dạng YYYY-MM-DD."],
        "approved_by_director": ["Trường này không có trong biểu mẫu."],
        "unit.code": ["Không đúng định dạng."],
        "unit.contact_email": ["Địa chỉ email không hợp lệ."],
        "nominees[0].sex": ["Giá trị không nằm trong danh sách cho phép."],
        "nominees[1].full_name": ["Trường này là bắt buộc."],
        "nominees[1].proposed_award": ["Giá trị không nằm trong danh sách cho phép."],
        "nominees[1].birth_date": ["Ngày không hợp lệ; cần dạng YYYY-MM-DD."],
    }


def test_missing_required_values(nomination_form, reject):
    assert reject(nomination_form, {}) == {
        "nominee_name": ["Trường này là bắt buộc."],
        "kind": ["Trường này là bắt buộc."],
        "achievement": ["Trường này là bắt buộc."],
        "unit": ["Trường này là bắt buộc."],
    }


@pytest.mark.parametrize("score", [0, 80, 100, 79.99])
def test_dx_index_score_range(score, nomination_form, accept):
    assert accept(nomination_form, {**GOOD, "dx_index_score": score})["dx_index_score"] == score


@pytest.mark.parametrize(("score", "problem"), [(-0.5, "lớn hơn hoặc bằng 0"), ("86", "phải là số")])
def test_dx_index_score_refused(score, problem, nomination_form, reject):
    errors = reject(nomination_form, {**GOOD, "dx_index_score": score})
    assert list(errors) == ["dx_index_score"] and problem in errors["dx_index_score"][0]


def test_english_messages_for_the_same_form(nomination_form, reject):
    assert reject(nomination_form, {**GOOD, "kind": "household"}, locale="en") == {
        "kind": ["The value is not one of the allowed options."]
    }


def test_cleaned_data_merges_over_stored_task_data(nomination_form, accept):
    stored = {
        "movement_code": "CDS-2025",
        "instance_ref": 42,
        "unit": {"code": "OLD", "region": "HN"},
    }
    cleaned = accept(nomination_form, copy.deepcopy(GOOD))
    merged = merge_submission(stored, cleaned)
    assert merged["movement_code"] == "CDS-2025"  # read-only: the stored value wins
    assert merged["instance_ref"] == 42
    assert merged["unit"] == {**GOOD["unit"], "region": "HN"}
    assert merged["nominees"] == GOOD["nominees"]
