// Included by coachbot's pages (the dashboard, the tab setup page) as
// <script type="module" src="/teams/tab.js">. Inside Teams it connects to the host and follows
// its theme through <html data-theme="default|dark|contrast">; anywhere else it gives up after
// a moment. It never hides or delays the page: content is shown from the start.

/** app.initialize() never settles in a browser tab, and waits 60 s when another page frames us. */
const CONNECT_TIMEOUT_MS = 1500;
const THEMES = new Set(["default", "dark", "contrast"]);
const root = document.documentElement;

if (!THEMES.has(root.dataset.theme)) root.dataset.theme = "default";

/** Resolves to { sdk, context } inside Teams, or null elsewhere (never rejects). */
export const teams = connect();

async function connect() {
  try {
    // The UMD build defines globalThis.microsoftTeams when loaded as a module.
    await import("./teams-js.js");
    const sdk = globalThis.microsoftTeams;
    const connected = await Promise.race([
      sdk.app.initialize().then(() => true),
      timeout(CONNECT_TIMEOUT_MS),
    ]);
    if (!connected) return outside();
    const context = await sdk.app.getContext();
    applyTheme(context.app.theme);
    sdk.app.registerOnThemeChangeHandler(applyTheme);
    root.dataset.host = "teams";
    return { sdk, context };
  } catch {
    return outside();
  }
}

function outside() {
  root.dataset.host = "browser";
  return null;
}

function applyTheme(theme) {
  root.dataset.theme = THEMES.has(theme) ? theme : "default";
}

function timeout(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms));
}
