// The plan search: on a narrow screen the MOJ filter folds away behind a "Show filter" button.
import "./console.js";
import { FilterToggleButton } from "/assets/moj-frontend.min.js";

const filter = document.querySelector("[data-module='moj-filter']");
if (filter) {
  new FilterToggleButton(filter, { startHidden: filter.dataset.startHidden === "true" });
}
