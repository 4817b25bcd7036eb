"""Message catalogue for bundle validation: problem code -> (Vietnamese, English) templates.

Kept in one table so both languages stay in step and tests can refer to stable codes.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # Files and bundle
    "empty_bundle": ("Gói triển khai không có tệp nào.", "The bundle contains no files."),
    "too_many_files": (
        "Gói có {count} tệp, vượt quá giới hạn {limit} tệp.",
        "The bundle has {count} files, more than the limit of {limit}.",
    ),
    "unknown_extension": (
        "Loại tệp không được hỗ trợ; chỉ nhận .bpmn, .bpmn20.xml, .dmn, .form, .json.",
        "Unsupported file type; only .bpmn, .bpmn20.xml, .dmn, .form and .json are accepted.",
    ),
    "empty_file": ("Tệp rỗng.", "The file is empty."),
    "file_too_large": (
        "Tệp quá lớn ({size} byte, tối đa {limit} byte).",
        "File too large ({size} bytes, limit {limit}).",
    ),
    "too_many_elements": (
        "Tệp có {count} phần tử XML, vượt quá giới hạn {limit}.",
        "The file has {count} XML elements, more than the limit of {limit}.",
    ),
    "duplicate_filename": (
        "Tên tệp trùng với tệp '{other}' trong cùng gói.",
        "File name duplicates '{other}' in the same bundle.",
    ),
    "xml_refused": ("{detail}", "{detail_en}"),
    "xsd_invalid": ("Không đúng lược đồ {schema}: {detail}", "Does not conform to the {schema} schema: {detail}"),
    "wrong_root": (
        "Phần tử gốc phải là {expected} (đang là {actual}).",
        "The root element must be {expected} (found {actual}).",
    ),
    "dmn_unknown_namespace": (
        "Không nhận ra phiên bản DMN (namespace '{namespace}').",
        "Unknown DMN version (namespace '{namespace}').",
    ),
    "no_executable_process": (
        'Gói không có quy trình nào được đánh dấu có thể thực thi (isExecutable="true").',
        'The bundle has no executable process (isExecutable="true").',
    ),
    "duplicate_id": (
        "Mã phần tử '{id}' bị trùng (đã dùng ở dòng {first_line}).",
        "Element id '{id}' is duplicated (first used on line {first_line}).",
    ),
    "duplicate_process_id": (
        "Mã quy trình '{id}' đã được định nghĩa trong tệp '{other}'.",
        "Process id '{id}' is already defined in file '{other}'.",
    ),
    "duplicate_decision_id": (
        "Mã bảng quyết định '{id}' đã được định nghĩa trong tệp '{other}'.",
        "Decision id '{id}' is already defined in file '{other}'.",
    ),
    "duplicate_form_id": (
        "Mã biểu mẫu '{id}' đã được dùng bởi tệp '{other}'.",
        "Form id '{id}' is already used by file '{other}'.",
    ),
    # Sequence flows and graph shape
    "flow_missing_ref": ("Luồng tuần tự thiếu thuộc tính {attr}.", "Sequence flow has no {attr} attribute."),
    "flow_unknown_ref": (
        "Luồng tuần tự có {attr} '{ref}' không phải phần tử nào trong cùng quy trình.",
        "Sequence flow {attr} '{ref}' is not an element of the same process.",
    ),
    "no_incoming": (
        "Phần tử '{name}' không có luồng tuần tự đi vào nên không bao giờ được thực hiện.",
        "Element '{name}' has no incoming sequence flow, so it can never run.",
    ),
    "no_outgoing": (
        "Phần tử '{name}' không có luồng tuần tự đi ra (chỉ sự kiện kết thúc mới được phép).",
        "Element '{name}' has no outgoing sequence flow (only end events may have none).",
    ),
    "gateway_missing_condition": (
        "Luồng '{flow}' đi ra từ cổng '{gateway}' không có điều kiện và không phải luồng mặc định.",
        "Flow '{flow}' leaving gateway '{gateway}' has no condition and is not the default flow.",
    ),
    "gateway_bad_default": (
        "Luồng mặc định '{ref}' của cổng không phải là luồng đi ra từ cổng này.",
        "The gateway's default flow '{ref}' is not one of its outgoing flows.",
    ),
    "boundary_unknown_attached": (
        "Sự kiện biên gắn vào '{ref}' nhưng không có phần tử đó trong quy trình.",
        "Boundary event is attached to '{ref}', which is not in the process.",
    ),
    "lane_unknown_ref": (
        "Làn '{lane}' tham chiếu phần tử '{ref}' không có trong quy trình.",
        "Lane '{lane}' references '{ref}', which is not in the process.",
    ),
    "participant_unknown_process": (
        "Bên tham gia trỏ tới quy trình '{ref}' không có trong tệp.",
        "Participant references process '{ref}', which is not in the file.",
    ),
    # Expressions and scripts
    "bad_expression": ("Biểu thức {what} không hợp lệ: {error}", "Invalid {what_en} expression: {error}"),
    "empty_expression": ("Biểu thức {what} bị để trống.", "The {what_en} expression is empty."),
    "missing_script": ("Tác vụ kịch bản không có mã kịch bản.", "Script task has no script."),
    "timer_missing_definition": (
        "Sự kiện hẹn giờ thiếu timeDate, timeDuration hoặc timeCycle.",
        "Timer event has no timeDate, timeDuration or timeCycle.",
    ),
    "mi_missing_input": ("Tác vụ đa thể hiện phải có {options}.", "A multi-instance activity must specify {options}."),
    "mi_both_inputs": (
        "Tác vụ đa thể hiện chỉ được có một trong loopCardinality hoặc loopDataInputRef.",
        "A multi-instance activity must specify only one of loopCardinality or loopDataInputRef.",
    ),
    "unsupported_event_definition": (
        "Bộ máy quy trình không hỗ trợ {definition} trên {event}.",
        "The workflow engine does not support {definition} on a {event}.",
    ),
    # References between elements and files
    "undefined_reference": (
        "{attr} '{ref}' không trỏ tới {kind_vi} nào được định nghĩa trong tệp.",
        "{attr} '{ref}' does not refer to any {kind_en} defined in the file.",
    ),
    "call_missing_element": (
        "Hoạt động gọi (callActivity) không có thuộc tính calledElement.",
        "Call activity has no calledElement attribute.",
    ),
    "call_cycle": (
        "Quy trình '{process}' tự gọi lại chính nó (qua {path}): bộ máy sẽ tạo quy trình con lồng nhau không giới hạn.",
        "Process '{process}' calls itself (through {path}): the engine would nest called instances without end.",
    ),
    "call_unknown_process": (
        "Không tìm thấy quy trình được gọi '{ref}' trong gói hoặc trong các quy trình đã triển khai.",
        "Called process '{ref}' is neither in the bundle nor already deployed.",
    ),
    "id_too_long": (
        "Mã phần tử dài {length} ký tự, vượt quá {limit} ký tự.",
        "The element id is {length} characters long, more than {limit}.",
    ),
    "name_too_long": (
        "Tên phần tử dài {length} ký tự, vượt quá {limit} ký tự.",
        "The element name is {length} characters long, more than {limit}.",
    ),
    "unknown_starter_role": (
        "Thuộc tính '{property}' của '{owner}' nêu vai trò '{role}' không tồn tại trong hệ thống.",
        "Property '{property}' of '{owner}' names role '{role}', which does not exist.",
    ),
    "decision_missing_ref": (
        "Tác vụ quy tắc nghiệp vụ không chỉ định bảng quyết định ({how}).",
        "Business rule task does not name a decision ({how}).",
    ),
    "decision_unknown": (
        "Không tìm thấy bảng quyết định '{ref}' trong các tệp .dmn của gói hoặc đã triển khai.",
        "Decision '{ref}' is neither in the bundle's .dmn files nor already deployed.",
    ),
    "form_unknown": (
        "Không tìm thấy biểu mẫu '{ref}' trong các tệp .form của gói hoặc đã triển khai; bước này sẽ dùng "
        "biểu mẫu chung dựng từ các trường formData (hoặc trình sửa dữ liệu).",
        "Form '{ref}' is neither in the bundle's .form files nor already deployed; the task will show a "
        "generic form built from its formData fields (or a data editor).",
    ),
    # form-js files
    "form_invalid_json": ("JSON không hợp lệ: {error}", "Invalid JSON: {error}"),
    "form_not_object": ("Biểu mẫu phải là một đối tượng JSON.", "A form must be a JSON object."),
    "form_missing_components": ('Biểu mẫu phải có danh sách "components".', 'A form must have a "components" list.'),
    "form_wrong_type": (
        'Biểu mẫu phải có "type": "default" (đang là {value}).',
        'A form must have "type": "default" (found {value}).',
    ),
    "form_component_not_object": (
        "Thành phần thứ {index} của biểu mẫu không phải đối tượng JSON.",
        "Form component number {index} is not a JSON object.",
    ),
    "form_duplicate_key": (
        "Khóa trường '{key}' bị trùng trong biểu mẫu.",
        "Field key '{key}' is used more than once in the form.",
    ),
    # DMN
    "dmn_no_decision": ("Tệp DMN không có bảng quyết định nào.", "The DMN file defines no decision."),
    "dmn_no_decision_table": (
        "Quyết định '{id}' không có decisionTable (chỉ hỗ trợ bảng quyết định).",
        "Decision '{id}' has no decisionTable (only decision tables are supported).",
    ),
    "dmn_no_output": ("Bảng quyết định '{id}' không có cột đầu ra nào.", "Decision table '{id}' has no output column."),
    "dmn_rule_entries": (
        "Quy tắc có {got} ô {kind_vi} nhưng bảng có {expected} cột {kind_vi}.",
        "Rule has {got} {kind_en} entries but the table has {expected} {kind_en} columns.",
    ),
    # Warnings: the diagram deploys, and this is what will differ from the modeller's engine
    "implicit_end": (
        "Hoạt động '{name}' không có luồng đi ra: nhánh này kết thúc ngầm định sau khi hoạt động xong "
        "(như BPMN 2.0 cho phép).",
        "Activity '{name}' has no outgoing sequence flow: its path ends implicitly once it completes "
        "(as BPMN 2.0 allows).",
    ),
    "listener_ignored": (
        "Bộ lắng nghe {kind} (camunda:{tag}) bị bỏ qua: máy chủ này không chạy mã Java hay biểu thức của Camunda.",
        "The {kind_en} listener (camunda:{tag}) is ignored: this service runs no Camunda Java code or expressions.",
    ),
    "async_ignored": (
        "Cờ {flags} bị bỏ qua: mỗi bước chạy trong giao dịch của yêu cầu đã kích hoạt nó.",
        "The {flags} flag is ignored: each step runs in the transaction of the request that triggered it.",
    ),
    "external_task": (
        "Tác vụ ngoài (camunda:type=\"external\", chủ đề '{topic}') chạy trình xử lý đã đăng ký cùng tên "
        "ngay trong máy chủ; không có worker ngoài nào lấy việc.",
        "External task (camunda:type=\"external\", topic '{topic}') runs the registered handler of that "
        "name inside the service; no external worker fetches it.",
    ),
    "input_output_ignored": (
        "Ánh xạ đầu vào/đầu ra camunda:inputOutput bị bỏ qua (SpiffWorkflow không hỗ trợ): bước này đọc và "
        "ghi thẳng biến của quy trình.",
        "camunda:inputOutput mappings are ignored (SpiffWorkflow does not support them): the task reads and "
        "writes the process variables directly.",
    ),
    "call_variables_ignored": (
        "camunda:in/camunda:out bị bỏ qua: quy trình được gọi nhận toàn bộ dữ liệu và trả lại toàn bộ dữ liệu.",
        "camunda:in/camunda:out are ignored: the called process receives all data and returns all its data.",
    ),
    "interrupting_event_subprocess": (
        "Quy trình con sự kiện '{name}' được vẽ là ngắt (isInterrupting) nhưng SpiffWorkflow 3.2 chạy nó song "
        "song, không hủy luồng chính.",
        "Event subprocess '{name}' is drawn interrupting (isInterrupting) but SpiffWorkflow 3.2 runs it "
        "alongside the main flow without cancelling it.",
    ),
    "compensation_ignored": (
        "Bồi hoàn (compensation) không được hỗ trợ: {what}.",
        "Compensation is not supported: {what_en}.",
    ),
    "lane_unmapped": (
        "Làn '{lane}' chưa ứng với vai trò nào; hãy đặt vai trò cho làn này trong bảng ánh xạ của quy trình.",
        "Lane '{lane}' matches no role; set its role in the process's lane mapping.",
    ),
    "candidate_group_unmapped": (
        "Nhóm ứng viên '{group}' chưa ứng với vai trò nào; hãy đặt vai trò trong bảng ánh xạ của quy trình.",
        "Candidate group '{group}' matches no role; set its role in the process's lane mapping.",
    ),
    "too_many_problems": (
        "Dừng kiểm tra sau {limit} lỗi; hãy sửa các lỗi trên rồi tải lên lại.",
        "Validation stopped after {limit} problems; fix these and upload again.",
    ),
}

# Codes reported as warnings: the bundle deploys and the warning is returned and kept with the version.
WARNING_CODES = frozenset({
    "form_unknown", "implicit_end", "listener_ignored", "async_ignored", "external_task",
    "input_output_ignored", "call_variables_ignored", "interrupting_event_subprocess", "compensation_ignored",
    "lane_unmapped", "candidate_group_unmapped",
})  # fmt: skip
