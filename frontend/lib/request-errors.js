// A failed htmx request shows one line in the page's flash region (#flash-region) instead of failing silently.
import { messages } from './i18n.js';

const CATALOGUE = {
  vi: {
    403: 'Bạn không có quyền thực hiện thao tác này.',
    404: 'Không tìm thấy trang.',
    409: 'Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang.',
    413: 'Tệp quá lớn.',
    network: 'Không kết nối được máy chủ. Vui lòng thử lại.',
    other: 'Đã có lỗi xảy ra. Vui lòng thử lại.',
  },
  en: {
    403: 'You are not allowed to do this.',
    404: 'Page not found.',
    409: 'Someone else has just updated this record. Please reload the page.',
    413: 'The file is too large.',
    network: 'The server could not be reached. Please try again.',
    other: 'Something went wrong. Please try again.',
  },
};

export function showFlash(doc, text, kind = 'error') {
  const region = doc.getElementById('flash-region');
  if (!region) return;
  const item = doc.createElement('p');
  item.className = `flash flash--${kind}`;
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  item.textContent = text;
  region.replaceChildren(item);
}

export function installRequestErrors(doc) {
  const t = messages(CATALOGUE, doc);
  doc.addEventListener('htmx:responseError', (event) => {
    const status = String(event.detail.xhr.status);
    showFlash(doc, t(status in CATALOGUE.vi ? status : 'other'));
  });
  doc.addEventListener('htmx:sendError', () => showFlash(doc, t('network')));
}
