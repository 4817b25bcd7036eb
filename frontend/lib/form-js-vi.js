// form-js's own strings (client-side validation, list and table controls) in the page's language.
import { pageLanguage } from './i18n.js';

export const VI = {
  'Field is required.': 'Vui lòng nhập trường này.',
  'Field must be a valid email.': 'Địa chỉ thư điện tử không hợp lệ.',
  'Field must be a valid international phone number. (e.g. +4930664040900)':
    'Số điện thoại không hợp lệ (ví dụ +84236382xxxx).',
  'Field must have maximum length of {value}.': 'Tối đa {value} ký tự.',
  'Field must have minimum length of {value}.': 'Tối thiểu {value} ký tự.',
  'Field must have maximum value of {value}.': 'Giá trị tối đa là {value}.',
  'Field must have minimum value of {value}.': 'Giá trị tối thiểu là {value}.',
  'Field must match pattern {value}.': 'Giá trị không đúng định dạng.',
  'Value is not a number.': 'Giá trị phải là số.',
  'Value is expected to be an integer.': 'Giá trị phải là số nguyên.',
  'Value is expected to have at most 1 decimal digit.': 'Tối đa 1 chữ số thập phân.',
  'Value is expected to have at most {value} decimal digits.': 'Tối đa {value} chữ số thập phân.',
  'Please select a valid value, the two nearest valid values are {previousValue} and {nextValue}.':
    'Giá trị không hợp lệ; hai giá trị hợp lệ gần nhất là {previousValue} và {nextValue}.',
  'Date and time must both be entered.': 'Vui lòng nhập cả ngày và giờ.',
  'Add new': 'Thêm mới',
  'Collapse': 'Thu gọn',
  'Expand all ({value})': 'Mở rộng tất cả ({value})',
  'Increment': 'Tăng',
  'Decrement': 'Giảm',
  'Search': 'Tìm kiếm',
  'Skip to search': 'Chuyển đến ô tìm kiếm',
  'Remove tag': 'Bỏ chọn',
  'No results': 'Không có kết quả',
  'All values selected': 'Đã chọn tất cả',
  'Nothing to show.': 'Không có dữ liệu.',
  'No content to show.': 'Không có nội dung.',
  '{page} of {total}': 'Trang {page}/{total}',
  'Previous page': 'Trang trước',
  'Next page': 'Trang sau',
  'Click to sort by {value} ascending': 'Sắp xếp theo {value} tăng dần',
  'Click to sort by {value} descending': 'Sắp xếp theo {value} giảm dần',
  'Click to remove sorting': 'Bỏ sắp xếp',
  'No files selected': 'Chưa chọn tệp',
  '{value} files selected': 'Đã chọn {value} tệp',
  'Download {fileName}': 'Tải xuống {fileName}',
  'Unable to download document': 'Không tải xuống được tài liệu',
};

export function translateModule(doc = document) {
  const vietnamese = pageLanguage(doc) === 'vi';
  const translate = (template, replacements = {}) => {
    const text = vietnamese ? VI[template] || template : template;
    return text.replace(/{([^}]+)}/g, (match, key) => (key in replacements ? replacements[key] : match));
  };
  return { translate: ['value', translate] };
}
