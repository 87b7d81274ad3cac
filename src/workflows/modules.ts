import { checkinsModule } from "./checkins.js";
import { commandsModule } from "./commands.js";
import { dashboardModule } from "./dashboard.js";
import { digestModule } from "./digest/schedule.js";
import { feedbackModule } from "./feedback.js";
import { followupsModule } from "./followups.js";
import { observationsModule } from "./observations.js";
import type { WorkflowModule } from "./registry.js";
import { retentionModule } from "./retention.js";

/** Every workflow the bot runs. Add a module here and its commands, buttons, forms and due kinds are live. */
export const MODULES: WorkflowModule[] = [
  commandsModule,
  observationsModule,
  followupsModule,
  feedbackModule,
  checkinsModule,
  digestModule,
  dashboardModule,
  retentionModule,
];
