// surveyapp front-end entry point (ES module).
//
// Replaces GOV.UK Frontend's usual inline <script> snippet, which our
// Content-Security-Policy (no inline script) forbids. Any browser that runs
// a type="module" script supports what govuk-frontend needs, so
// 'govuk-frontend-supported' is added unconditionally here.
//
// Load with: <script type="module" src="/static/app.js"></script>
import { initAll } from './govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
