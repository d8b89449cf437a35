// The public pages: GOV.UK Frontend's components (skip link, error summary, service navigation).
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();
