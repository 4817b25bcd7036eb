// Every page: htmx, the CSRF header on every non-GET htmx request, htmx error messages, the phone menu, the site
// CSS.
import htmx from 'htmx.org';
import './css/app.css';
import { installCsrfHeader } from './lib/csrf.js';
import { installNavMenu } from './lib/nav-menu.js';
import { installRequestErrors } from './lib/request-errors.js';

window.htmx = htmx; // extensions and hx-on handlers look for the global
// 422 carries re-rendered fields with their error messages: swap it like a success; other 4xx/5xx are errors.
htmx.config.responseHandling = [
  { code: '204', swap: false },
  { code: '[23]..', swap: true },
  { code: '422', swap: true },
  { code: '[45]..', swap: false, error: true },
];
installCsrfHeader(document);
installRequestErrors(document);
installNavMenu(document);
