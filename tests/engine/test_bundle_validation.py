"""Bundle validation: one fixture per problem kind, each must yield exactly the expected problem."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from lxml import etree

from service.engine.bundle.validation import Problem, detect_dialect, validate_bundle

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
VALID = FIXTURES / "valid"


def valid_bundle() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(VALID.iterdir())}


def line_of(filename: str, snippet: str) -> int:
    """1-based line of the first fixture line containing `snippet` (so expectations survive edits)."""
    lines = (FIXTURES / filename).read_text(encoding="utf-8").splitlines()
    matches = [number for number, text in enumerate(lines, start=1) if snippet in text]
    assert matches, f"{snippet!r} not in {filename}"
    return matches[0]


def with_fixture(filename: str) -> dict[str, bytes]:
    """The valid bundle plus one broken fixture: every problem must then come from that fixture."""
    return {**valid_bundle(), filename: (FIXTURES / filename).read_bytes()}


# fixture, code, element id, snippet on the reported line (None: no line), message substring
SINGLE_PROBLEM_CASES = [
    ("camunda_flow_unknown_target.bpmn", "flow_unknown_ref", "Flow_bad", 'id="Flow_bad"', "Task_khong_ton_tai"),
    ("camunda_no_incoming.bpmn", "no_incoming", "Task_mo_coi", 'id="Task_mo_coi"', "không có luồng tuần tự đi vào"),
    ("spiff_no_outgoing.bpmn", "implicit_end", "Task_cut", 'id="Task_cut"', "'Ký duyệt' không có luồng đi ra"),
    (
        "camunda_gateway_missing_condition.bpmn",
        "gateway_missing_condition",
        "Flow_khong",
        'id="Flow_khong"',
        "cổng 'Đủ điều kiện?' không có điều kiện",
    ),
    ("camunda_gateway_bad_default.bpmn", "gateway_bad_default", "Gateway_1", 'id="Gateway_1"', "'Flow_1'"),
    ("camunda_bad_condition.bpmn", "bad_expression", "Flow_co", "${approved ==}", "Biểu thức điều kiện không hợp lệ"),
    ("spiff_bad_script.bpmn", "bad_expression", "Script_1", "diem = = 10", "Biểu thức kịch bản không hợp lệ"),
    ("spiff_bad_pre_script.bpmn", "bad_expression", "Task_1", "<spiffworkflow:preScript>", "preScript"),
    ("spiff_missing_script.bpmn", "missing_script", "Script_1", 'id="Script_1"', "không có mã kịch bản"),
    ("camunda_bad_timer.bpmn", "bad_expression", "Timer_cho", "<bpmn:timeDuration>", "Biểu thức hẹn giờ"),
    (
        "spiff_timer_missing_definition.bpmn",
        "timer_missing_definition",
        "Boundary_han",
        'id="TimerDef_1"',
        "thiếu timeDate, timeDuration hoặc timeCycle",
    ),
    (
        "camunda_bad_mi_collection.bpmn",
        "bad_expression",
        "Task_moi_thanh_vien",
        "camunda:collection",
        "tập hợp đa thể hiện",
    ),
    (
        "camunda_mi_missing_input.bpmn",
        "mi_missing_input",
        "Task_lap",
        "multiInstanceLoopCharacteristics",
        "loopCardinality hoặc camunda:collection",
    ),
    ("spiff_mi_both_inputs.bpmn", "mi_both_inputs", "Task_lap", "multiInstanceLoopCharacteristics", "chỉ được có một"),
    ("camunda_call_unknown.bpmn", "call_unknown_process", "Call_1", 'id="Call_1"', "'quy_trinh_khong_co'"),
    ("camunda_decision_unknown.bpmn", "decision_unknown", "Rule_1", 'id="Rule_1"', "'bang_khong_co'"),
    ("spiff_decision_unknown.bpmn", "decision_unknown", "Rule_1", 'id="Rule_1"', "'bang_khong_co'"),
    ("camunda_decision_missing_ref.bpmn", "decision_missing_ref", "Rule_1", 'id="Rule_1"', "camunda:decisionRef"),
    ("camunda_form_unknown.bpmn", "form_unknown", "User_1", 'id="User_1"', "'embedded:deployment:khong_co.form'"),
    ("spiff_form_unknown.bpmn", "form_unknown", "User_1", "formJsonSchemaFilename", "'khong_co.json'"),
    (
        "camunda_undefined_message.bpmn",
        "undefined_reference",
        "Catch_ket_qua",
        'messageRef="Message_khong_co"',
        "messageRef 'Message_khong_co' không trỏ tới thông điệp",
    ),
    (
        "spiff_undefined_error.bpmn",
        "undefined_reference",
        "Boundary_loi",
        'errorRef="Error_khong_co"',
        "errorRef 'Error_khong_co'",
    ),
    ("camunda_lane_unknown_ref.bpmn", "lane_unknown_ref", "Lane_van_thu", "Task_da_xoa", "'Task_da_xoa'"),
    ("camunda_duplicate_id.bpmn", "duplicate_id", "Message_1", 'name="ho_so_bo_sung"', "đã dùng ở dòng 3"),
    ("camunda_xsd_invalid.bpmn", "xsd_invalid", "Task_1", "<bpmn:noSuchElement", "bpmn:noSuchElement"),
    ("spiff_extension_invalid.bpmn", "xsd_invalid", "Task_1", "spiffworkflow:propety", "spiffworkflow:propety"),
    (
        "camunda_boundary_unknown_attached.bpmn",
        "boundary_unknown_attached",
        "Boundary_lac",
        'id="Boundary_lac"',
        "'Task_da_xoa'",
    ),
    ("camunda_malformed.bpmn", "xml_refused", None, "</bpmn:process>", "XML không hợp lệ"),
    ("form_invalid_json.form", "form_invalid_json", None, "],", "JSON không hợp lệ"),
    ("form_wrong_type.form", "form_wrong_type", "form_sai_loai", '"type": "wizard"', '"wizard"'),
    ("form_missing_components.form", "form_missing_components", "form_thieu_thanh_phan", "{", '"components"'),
    ("form_not_object.form", "form_not_object", None, "[", "đối tượng JSON"),
    ("form_duplicate_key.form", "form_duplicate_key", "ho_ten", "nhập lại", "'ho_ten' bị trùng"),
    ("dmn_rule_entries.dmn", "dmn_rule_entries", "Rule_thieu", 'id="Rule_thieu"', "1 ô đầu vào nhưng bảng có 2"),
    ("dmn_no_decision_table.dmn", "dmn_no_decision_table", "he_so", 'id="he_so"', "không có decisionTable"),
    ("dmn_unknown_namespace.dmn", "dmn_unknown_namespace", None, "<definitions", "https://example.org/dmn/99"),
    ("dmn_xsd_invalid.dmn", "xsd_invalid", "Table_1", "SOMETIMES", "'SOMETIMES'"),
]


@pytest.mark.parametrize(
    ("fixture", "code", "element_id", "line_snippet", "message_part"),
    SINGLE_PROBLEM_CASES,
    ids=[case[0] for case in SINGLE_PROBLEM_CASES],
)
def test_fixture_reports_exactly_its_problem(fixture, code, element_id, line_snippet, message_part):
    problems = validate_bundle(with_fixture(fixture))

    assert [(p.file, p.code, p.element_id) for p in problems] == [(fixture, code, element_id)]
    assert problems[0].line == line_of(fixture, line_snippet)
    assert message_part in problems[0].message
    assert problems[0].message_en  # English text is always available


def test_valid_bundle_has_no_problems():
    assert validate_bundle(valid_bundle()) == []


def test_valid_bundle_accepts_sequence_of_pairs():
    assert validate_bundle(list(valid_bundle().items())) == []


def test_exempt_nodes_need_no_flows():
    # boundary events, event sub-processes and their start events are reached without incoming flows
    problems = validate_bundle(with_fixture("camunda_exempt_nodes.bpmn"))
    # Its event sub-process is drawn interrupting: a warning, never an error.
    assert [(p.code, p.level) for p in problems] == [("interrupting_event_subprocess", "warning")]


def test_link_events_are_accepted_and_unsupported_event_definitions_reported():
    fixture = "spiff_unsupported_event.bpmn"
    # A link throw continues at its catch: rewritten into a sequence flow before parsing.
    assert validate_bundle(with_fixture(fixture)) == []
    xml = (FIXTURES / fixture).read_bytes().replace(
        b'<bpmn:startEvent id="Start_1" />',
        b'<bpmn:startEvent id="Start_1"><bpmn:errorEventDefinition id="ErrDef_1" /></bpmn:startEvent>')
    problems = validate_bundle({**valid_bundle(), fixture: xml})
    assert [(p.code, p.element_id, p.level) for p in problems] == [
        ("unsupported_event_definition", "Start_1", "error")]
    assert "errorEventDefinition" in problems[0].message


def test_undefined_signal_and_escalation():
    fixture = "camunda_undefined_signal.bpmn"
    problems = validate_bundle(with_fixture(fixture))
    assert [(p.code, p.element_id, p.line) for p in problems] == [
        ("undefined_reference", "Throw_1", line_of(fixture, "Signal_sai")),
        ("undefined_reference", "End_1", line_of(fixture, "Escalation_sai")),
    ]
    assert "tín hiệu" in problems[0].message
    assert "leo thang" in problems[1].message


def test_dmn_without_output_is_reported_by_schema_and_semantics():
    problems = validate_bundle(with_fixture("dmn_no_output.dmn"))
    codes = {(p.code, p.element_id) for p in problems}
    assert codes == {("xsd_invalid", "Table_1"), ("dmn_no_output", "xep_loai")}


def test_dmn_1_2_schema_loads_and_validates():
    # SpiffWorkflow 3.2's DMN12.xsd cannot be built as shipped; our patched copy must work.
    assert validate_bundle(with_fixture("dmn12_valid.dmn")) == []


def test_no_executable_process():
    fixture = "camunda_not_executable.bpmn"
    problems = validate_bundle({fixture: (FIXTURES / fixture).read_bytes()})
    assert [(p.file, p.code, p.element_id, p.line) for p in problems] == [
        (fixture, "no_executable_process", None, None)
    ]
    assert 'isExecutable="true"' in problems[0].message


def test_bundle_without_bpmn_has_no_executable_process():
    problems = validate_bundle({"ho_so.form": (VALID / "ho_so.form").read_bytes()})
    assert [(p.file, p.code) for p in problems] == [("", "no_executable_process")]


@pytest.mark.parametrize(
    ("fixture", "keyword", "value"),
    [
        ("camunda_call_unknown.bpmn", "known_process_ids", "quy_trinh_khong_co"),
        ("camunda_decision_unknown.bpmn", "known_decision_ids", "bang_khong_co"),
        ("spiff_decision_unknown.bpmn", "known_decision_ids", "bang_khong_co"),
        ("camunda_form_unknown.bpmn", "known_form_ids", "khong_co"),
        ("spiff_form_unknown.bpmn", "known_form_ids", "khong_co.json"),
    ],
)
def test_already_deployed_ids_satisfy_references(fixture, keyword, value):
    assert validate_bundle(with_fixture(fixture), **{keyword: {value}}) == []


@pytest.mark.parametrize(
    "form_key",
    [
        "embedded:deployment:ho_so.form",
        "camunda-forms:deployment:ho_so.form",
        "ho_so.form",
        "ho_so",
        "ho_so_de_nghi",  # the form's top-level id
    ],
)
def test_form_key_variants_resolve(form_key):
    files = valid_bundle()
    files["de_nghi_khen_thuong.bpmn"] = files["de_nghi_khen_thuong.bpmn"].replace(
        b"camunda-forms:deployment:ho_so.form", form_key.encode()
    )
    assert validate_bundle(files) == []


def test_custom_expression_checker_is_used_for_expressions_and_scripts():
    seen: list[str] = []

    def checker(source: str) -> str | None:
        seen.append(source)
        return "cấm dùng len()" if "len(" in source else None

    problems = validate_bundle(valid_bundle(), expression_checker=checker)

    assert [(p.file, p.code, p.element_id) for p in problems] == [("tham_dinh.bpmn", "bad_expression", "Task_chuan_bi")]
    assert "cấm dùng len()" in problems[0].message
    assert '"P3D"' in seen and any("muc_khen in" in s for s in seen) and "thanh_vien" in seen


def test_crashing_checker_is_reported_not_raised():
    def checker(source: str) -> str | None:
        raise RuntimeError("boom")

    problems = validate_bundle(with_fixture("camunda_bad_condition.bpmn"), expression_checker=checker)
    assert problems and all(p.code == "bad_expression" for p in problems)
    assert any("RuntimeError: boom" in p.message for p in problems)


# --- files of the bundle -------------------------------------------------------------------------


def test_unknown_extension_empty_file_and_case_duplicate():
    files = valid_bundle()
    files["ghi_chu.txt"] = b"hello"
    files["rong.bpmn"] = b"  \n"
    files["HO_SO.FORM"] = files["ho_so.form"]
    problems = validate_bundle(files)
    assert [(p.file, p.code) for p in problems] == [
        ("ghi_chu.txt", "unknown_extension"),
        ("rong.bpmn", "empty_file"),
        ("HO_SO.FORM", "duplicate_filename"),
    ]
    assert "'ho_so.form'" in problems[2].message


def test_repeated_upload_name_in_pairs_is_a_duplicate():
    pairs = [*valid_bundle().items(), ("tham_dinh.bpmn", (VALID / "tham_dinh.bpmn").read_bytes())]
    problems = validate_bundle(pairs)
    assert [(p.file, p.code) for p in problems] == [("tham_dinh.bpmn", "duplicate_filename")]


def test_file_kinds_by_extension():
    from service.engine.bundle.validation import file_kind

    assert file_kind("a.bpmn") == file_kind("A.BPMN20.XML") == "bpmn"
    assert file_kind("b.dmn") == "dmn"
    assert file_kind("c.form") == file_kind("c.json") == "form"
    assert file_kind("d.xml") is None
    assert file_kind(".bpmn") is None


def test_empty_bundle_and_too_many_files():
    assert [p.code for p in validate_bundle({})] == ["empty_bundle"]
    many = {f"f{i}.form": b"{}" for i in range(5)}
    assert [p.code for p in validate_bundle(many, max_files=4)] == ["too_many_files"]


def test_oversize_file_is_refused_without_parsing():
    big = b"<a>" + b" " * 20_000 + b"</a>"
    problems = validate_bundle({**valid_bundle(), "lon.bpmn": big}, max_file_bytes=10_000)
    assert [(p.file, p.code) for p in problems] == [("lon.bpmn", "file_too_large")]


def test_doctype_in_bundle_is_refused():
    attack = b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<d>&x;</d>'
    problems = validate_bundle({**valid_bundle(), "xxe.bpmn": attack})
    assert [(p.file, p.code, p.line) for p in problems] == [("xxe.bpmn", "xml_refused", 2)]
    assert "DOCTYPE" in problems[0].message


def test_wrong_root_element():
    dmn_as_bpmn = (VALID / "muc_khen_thuong.dmn").read_bytes()
    problems = validate_bundle({**valid_bundle(), "nham.bpmn": dmn_as_bpmn})
    assert [(p.file, p.code) for p in problems] == [("nham.bpmn", "wrong_root")]


def test_duplicate_process_decision_and_form_ids_across_files():
    files = valid_bundle()
    files["tham_dinh_ban_sao.bpmn"] = files["tham_dinh.bpmn"]
    files["muc_khen_ban_sao.dmn"] = files["muc_khen_thuong.dmn"]
    files["y_kien_ban_sao.form"] = files["y_kien.form"]
    problems = validate_bundle(files)
    assert sorted((p.file, p.code, p.element_id) for p in problems) == [
        ("muc_khen_ban_sao.dmn", "duplicate_decision_id", "muc_khen_thuong"),
        ("tham_dinh_ban_sao.bpmn", "duplicate_process_id", "tham_dinh"),
        ("y_kien_ban_sao.form", "duplicate_form_id", "y_kien_tham_dinh"),
    ]


def test_problem_as_dict_matches_api_shape():
    problem = validate_bundle(with_fixture("camunda_call_unknown.bpmn"))[0]
    assert isinstance(problem, Problem)
    assert problem.as_dict() == {
        "file": "camunda_call_unknown.bpmn",
        "element_id": "Call_1",
        "line": line_of("camunda_call_unknown.bpmn", 'id="Call_1"'),
        "message": problem.message,
        "level": "error",
    }
    assert "Called process 'quy_trinh_khong_co'" in problem.as_dict(lang="en")["message"]


# --- limits and speed --------------------------------------------------------------------------------


def _chain_bpmn(tasks: int, *, connected: bool = True) -> bytes:
    """A start event, `tasks` script tasks and gateways in a chain, and an end event."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="D" targetNamespace="http://example.org">',
        '<bpmn:process id="dai" isExecutable="true">',
        '<bpmn:startEvent id="s" />',
    ]
    previous = "s"
    for i in range(tasks):
        parts.append(f'<bpmn:scriptTask id="t{i}"><bpmn:script>x{i} = {i} + 1</bpmn:script></bpmn:scriptTask>')
        if connected:
            parts.append(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{previous}" targetRef="t{i}" />')
        previous = f"t{i}"
    parts.append(f'<bpmn:sequenceFlow id="f_end" sourceRef="{previous}" targetRef="e" />')
    parts += ['<bpmn:endEvent id="e" />', "</bpmn:process>", "</bpmn:definitions>"]
    return "\n".join(parts).encode()


def test_problem_count_is_bounded():
    started = time.perf_counter()
    problems = validate_bundle({"hong.bpmn": _chain_bpmn(2000, connected=False)}, max_problems=50)
    elapsed = time.perf_counter() - started
    assert len(problems) == 51
    assert problems[-1].code == "too_many_problems"
    assert elapsed < 5


def test_element_count_is_bounded():
    # XSD errors cost libxml2 (errors x siblings), so very large files are refused before validation.
    problems = validate_bundle({"dai.bpmn": _chain_bpmn(200)}, max_elements=300)
    assert [(p.file, p.code) for p in problems] == [("dai.bpmn", "too_many_elements")]
    assert "300" in problems[0].message


def test_validating_200_elements_is_fast(capsys):
    files = {"dai.bpmn": _chain_bpmn(100)}  # 100 tasks + 101 flows + 2 events = 203 elements
    assert validate_bundle(files) == []
    durations = []
    for _ in range(15):
        started = time.perf_counter()
        validate_bundle(files)
        durations.append((time.perf_counter() - started) * 1000)
    median = statistics.median(durations)
    with capsys.disabled():
        print(f"\nvalidate_bundle, 203-element BPMN: median {median:.1f} ms")
    assert median < 250


# --- dialects ------------------------------------------------------------------------------------------


def _root(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


def test_detect_dialect():
    assert detect_dialect(_root(VALID / "de_nghi_khen_thuong.bpmn")) == "camunda"
    assert detect_dialect(_root(VALID / "tham_dinh.bpmn")) == "spiff"
    assert detect_dialect(_root(FIXTURES / "camunda_call_unknown.bpmn")) == "camunda"  # declared only
    plain = b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="x"/>'
    assert detect_dialect(etree.fromstring(plain)) == "plain"


def test_juel_conditions_of_camunda_files_are_checked_as_their_python_meaning():
    xml = (FIXTURES / "camunda_bad_condition.bpmn").read_bytes()
    xml = xml.replace(b"${approved ==}", b"${approved &amp;&amp; !late}")
    assert validate_bundle({**valid_bundle(), "camunda_bad_condition.bpmn": xml}) == []


def test_a_process_calling_itself_is_refused():
    def process(process_id: str, called: str) -> bytes:
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_{process_id}" targetNamespace="t">
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="s_{process_id}" />
    <bpmn:callActivity id="call_{process_id}" calledElement="{called}" />
    <bpmn:endEvent id="e_{process_id}" />
    <bpmn:sequenceFlow id="f1_{process_id}" sourceRef="s_{process_id}" targetRef="call_{process_id}" />
    <bpmn:sequenceFlow id="f2_{process_id}" sourceRef="call_{process_id}" targetRef="e_{process_id}" />
  </bpmn:process>
</bpmn:definitions>""".encode()

    problems = validate_bundle({"a.bpmn": process("vong_a", "vong_b"), "b.bpmn": process("vong_b", "vong_a")})
    assert sorted((p.code, p.element_id, p.level) for p in problems) == [
        ("call_cycle", "call_vong_a", "error"), ("call_cycle", "call_vong_b", "error")]
    assert "vong_a → vong_b → vong_a" in next(p.message for p in problems if p.element_id == "call_vong_b")
    assert validate_bundle({"a.bpmn": process("thang", "thang")})[0].code == "call_cycle"


def test_form_field_ids_are_keys_of_their_form_not_element_ids():
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="two_forms" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:userTask id="t1"><bpmn:extensionElements><camunda:formData>
      <camunda:formField id="approved" type="boolean" /></camunda:formData></bpmn:extensionElements></bpmn:userTask>
    <bpmn:userTask id="t2"><bpmn:extensionElements><camunda:formData>
      <camunda:formField id="approved" type="boolean" /></camunda:formData></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t1" />
    <bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="t2" />
    <bpmn:sequenceFlow id="f3" sourceRef="t2" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""
    assert validate_bundle({"two_forms.bpmn": xml}) == []
    # ... while a BPMN element id used twice still is a duplicate
    twice = xml.replace(b'<bpmn:endEvent id="e" />', b'<bpmn:endEvent id="e" /><bpmn:endEvent id="t1" />')
    assert "duplicate_id" in {p.code for p in validate_bundle({"two_forms.bpmn": twice})}
