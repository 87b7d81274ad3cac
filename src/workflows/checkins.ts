import { randomUUID } from "node:crypto";
import { localDate } from "../domain/calendar.js";
import type { Contact } from "../domain/model.js";
import { formView, validateForm } from "../ui/forms.js";
import { CHECKIN_FORM_ID, checkinForm } from "./checkin-forms.js";
import { LOG_CONTACT_ACTION, ledgerLine, ledgerMessage, ledgerRow, ledgerRows } from "./cst-ledger.js";
import { CADENCE_KIND, cadenceCheck, cadenceTick, LEDGER_KIND, weeklyLedger } from "./cst-nudges.js";
import type { Outcome, WorkflowDeps } from "./deps.js";
import { formatDate } from "./format.js";
import { districtsFor, refusal } from "./permissions.js";
import type { WorkflowModule } from "./registry.js";

// Coaching Support Team contacts: a facilitator (for the districts they serve) or a district
// administrator (for their own district) logs each contact; logging resets the cadence.

/** The districts the contact form offers the person: exactly those the form accepts from them. */
const loggable = async (deps: WorkflowDeps, personId: string) =>
  districtsFor(await deps.roster(), personId, "form:cst.checkin");

/**
 * `checkin` and the "Log a contact" button: the form, with the button's district preselected. A
 * button naming a district the person may not log for is refused, not quietly swapped.
 */
export async function openCheckin(
  deps: WorkflowDeps,
  personId: string,
  districtId: string,
  now: Date,
): Promise<Outcome> {
  const districts = await loggable(deps, personId);
  const named = districts.find((d) => d.id === districtId);
  if (districts.length === 0 || (districtId !== "" && !named)) return refusal("cst-refused");
  const chosen = named ?? (districts.length === 1 ? districts[0] : undefined);
  const today = localDate(chosen ?? districts[0]!, now);
  return {
    reply: {
      messages: [],
      form: formView(checkinForm(districts), "", {
        values: { date: today, ...(chosen ? { district: chosen.id } : {}) },
      }),
    },
  };
}

export async function submitCheckin(
  deps: WorkflowDeps,
  personId: string,
  _context: string,
  values: Record<string, unknown>,
  now: Date,
): Promise<Outcome> {
  const districts = await loggable(deps, personId);
  if (districts.length === 0) return refusal("cst-refused");
  const parsed = validateForm(checkinForm(districts), values);
  if (!parsed.ok) return { reply: { messages: [], errors: parsed.errors } };
  const f = parsed.data;
  const district = districts.find((d) => d.id === f.district)!;
  const today = localDate(district, now);
  if (f.date > today) {
    return {
      reply: {
        messages: [],
        errors: {
          date: `${formatDate(district, f.date)} hasn't happened yet. Log a contact once it has taken place (today, ${formatDate(district, today)}, or earlier).`,
        },
      },
    };
  }
  const contact: Contact = {
    id: randomUUID(),
    districtId: district.id,
    loggedBy: personId,
    date: f.date,
    mode: f.mode as Contact["mode"],
    setting: f.setting as Contact["setting"],
    topics: f.topics as Contact["topics"],
    ...(f.nextStep ? { nextStep: f.nextStep } : {}),
    loggedAt: now.toISOString(),
  };
  const after = ledgerRow(district, [...(await deps.store.contactsForDistrict(district.id)), contact], now);
  return {
    changes: { districtId: district.id, contacts: [contact], due: cadenceCheck(district, now) },
    reply: {
      messages: [
        {
          key: `cst-logged:${contact.id}`,
          summary: `Contact with ${district.name} logged`,
          blocks: [
            {
              kind: "text",
              tone: "success",
              text: `Logged: ${district.name}, ${formatDate(district, contact.date)}. Cadence now ${ledgerLine(after)}.`,
            },
          ],
        },
      ],
    },
  };
}

/** `cadence`: the ledger of every district the person follows. */
export async function cadenceCommand(deps: WorkflowDeps, personId: string, now: Date): Promise<Outcome> {
  const districts = districtsFor(await deps.roster(), personId, "command:cadence");
  if (districts.length === 0) return refusal("cst-refused");
  const rows = await ledgerRows(deps, districts, now);
  return { reply: { messages: [ledgerMessage(`cst-cadence:${now.getTime()}`, rows, "CST cadence:")] } };
}

export const checkinsModule: WorkflowModule = {
  commands: {
    checkin: {
      usage: "checkin",
      help: "log a contact with the Coaching Support Team (facilitators and district administrators)",
      handler: (d, p, _a, n) => openCheckin(d, p, "", n),
    },
    cadence: {
      usage: "cadence",
      help: "when each district's CST contact was last logged and is next due",
      handler: (d, p, _a, n) => cadenceCommand(d, p, n),
    },
  },
  actions: { [LOG_CONTACT_ACTION]: openCheckin },
  submits: { [CHECKIN_FORM_ID]: submitCheckin },
  due: (deps) => ({
    [CADENCE_KIND]: (item, now) => cadenceTick(deps, item, now),
    [LEDGER_KIND]: (item, now) => weeklyLedger(deps, item, now),
  }),
};
