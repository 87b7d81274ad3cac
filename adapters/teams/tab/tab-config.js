// The channel tab's setup page: Teams shows it when someone adds the coachbot tab to a channel,
// and saves the dashboard URL when they select Save.
import { teams } from "./tab.js";

const publicUrl = document.querySelector('meta[name="coachbot-public-url"]').content;
const status = document.getElementById("status");
const host = await teams;

if (!host) {
  status.textContent =
    "Open this page from Microsoft Teams (Add a tab, coachbot) to add the dashboard to a channel.";
} else {
  const { pages } = host.sdk;
  pages.config.registerOnSaveHandler((save) => {
    pages.config
      .setConfig({
        entityId: "coachbot-dashboard",
        suggestedDisplayName: "Coaching dashboard",
        contentUrl: `${publicUrl}/dashboard?host=teams`,
        websiteUrl: `${publicUrl}/dashboard`,
      })
      .then(
        () => save.notifySuccess(),
        (err) => save.notifyFailure(String(err)),
      );
  });
  pages.config.setValidityState(true);
  status.textContent = "Select Save to add the coaching dashboard to this channel.";
}
