// The console: GOV.UK Frontend's and MOJ Frontend's components (sortable tables among them).
import { initAll } from "/assets/govuk-frontend.min.js";
import { initAll as initAllMoj } from "/assets/moj-frontend.min.js";

initAll();
initAllMoj();
