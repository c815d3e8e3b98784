// The console: wires the key form, the tabs and their views. Everything it shows comes from the edge's API
// with the key typed in here.
import { credentials } from "./api.js";
import { loadDecisions } from "./decisions-view.js";
import { loadLibrary } from "./library-view.js";
import { initRoute, loadModels, route } from "./route-view.js";
import { loadUsage } from "./usage-view.js";

const status = document.getElementById("status");
let models = [];

function showError(err) {
  status.className = "";
  status.textContent = err instanceof Error ? err.message : String(err);
}

function ok(text) {
  status.className = "ok";
  status.textContent = text;
}

const loaders = {
  route: async () => route(),
  decisions: () => loadDecisions(showError),
  library: () => loadLibrary(models),
  usage: () => loadUsage(models),
};

function showTab(name) {
  for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const t of document.querySelectorAll(".tab")) t.hidden = t.id !== `tab-${name}`;
  loaders[name]().then(() => ok(""), showError);
}

async function connect() {
  models = await loadModels();
  ok(`${models.length} models in the library`);
  await route();
}

initRoute(showError);
document.getElementById("api-key").value = credentials.apiKey;
document.getElementById("admin-token").value = credentials.adminToken;
document.getElementById("credentials").addEventListener("submit", (e) => {
  e.preventDefault();
  credentials.set(document.getElementById("api-key").value.trim(), document.getElementById("admin-token").value.trim());
  connect().catch(showError);
});
for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => showTab(b.dataset.tab));
document.getElementById("decisions-refresh").addEventListener("click", () => loadDecisions(showError).catch(showError));
document.getElementById("usage-form").addEventListener("submit", (e) => {
  e.preventDefault();
  loadUsage(models).catch(showError);
});
if (credentials.apiKey) connect().catch(showError);
