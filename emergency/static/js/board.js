// The incidents board: only its list of incidents refreshes, every 30 seconds, by fetching the
// list alone; the form to open an incident by hand is never reloaded, so nothing typed is lost.
import "./console.js";

const list = document.querySelector("[data-refresh-url]");
const said = document.querySelector("[data-refresh-status]");
const seconds = list ? Number(list.dataset.refreshSeconds) : 0;

function clock(moment) {
  return moment.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

async function refresh() {
  // Someone reading or tabbing through the list keeps their place; the next turn catches up.
  if (!list.contains(document.activeElement)) {
    try {
      const response = await fetch(list.dataset.refreshUrl, {
        headers: { Accept: "text/html" }, credentials: "same-origin", redirect: "error", cache: "no-store",
      });
      if (!response.ok) {
        throw new Error(`the server answered ${response.status}`);
      }
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      list.replaceChildren(...fresh.body.childNodes);
      said.textContent = `List updated at ${clock(new Date())}.`;
    } catch (error) {
      said.textContent = "The list could not be updated: reload the page to see the latest.";
      return;
    }
  }
  window.setTimeout(refresh, seconds * 1000);
}

if (list && seconds > 0) {
  window.setTimeout(refresh, seconds * 1000);
}
