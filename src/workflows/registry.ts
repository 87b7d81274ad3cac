import type { DueHandlers } from "../scheduler/tick.js";
import type { Outcome, WorkflowDeps } from "./deps.js";

// Each workflow module contributes its commands, buttons, forms and due-item kinds here, so the
// dispatcher and the scheduler stay the same as features are added.

export type CommandHandler = (
  deps: WorkflowDeps,
  personId: string,
  args: string[],
  now: Date,
) => Promise<Outcome>;
export type ActionHandler = (
  deps: WorkflowDeps,
  personId: string,
  context: string,
  now: Date,
) => Promise<Outcome>;
export type SubmitHandler = (
  deps: WorkflowDeps,
  personId: string,
  context: string,
  values: Record<string, unknown>,
  now: Date,
) => Promise<Outcome>;

export interface WorkflowModule {
  /** Command word -> handler, with the help line shown for it (`usage`). */
  commands?: Record<string, { usage: string; help: string; handler: CommandHandler }>;
  actions?: Record<string, ActionHandler>;
  submits?: Record<string, SubmitHandler>;
  due?: (deps: WorkflowDeps) => DueHandlers;
}
