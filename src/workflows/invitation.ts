import ICAL from "ical.js";
import type { Cycle } from "../domain/model.js";
import type { RosterIndex } from "../domain/roster-index.js";
import { OBSERVATION_MINUTES, roleLine } from "./cycles.js";

/**
 * The .ics invitation for one partner. Same UID for every version of a cycle, and SEQUENCE =
 * reschedules, so a calendar updates the event instead of adding a second one.
 */
export function observationInvitation(
  roster: RosterIndex,
  cycle: Cycle,
  personId: string,
  now: Date,
): string {
  const calendar = new ICAL.Component(["vcalendar", [], []]);
  calendar.updatePropertyWithValue("prodid", "-//coachbot//observation//EN");
  calendar.updatePropertyWithValue("version", "2.0");
  calendar.updatePropertyWithValue("method", "PUBLISH");
  const vevent = new ICAL.Component("vevent");
  const event = new ICAL.Event(vevent);
  const start = new Date(cycle.scheduledAt!);
  event.uid = `${cycle.id}@coachbot`;
  event.summary = `Peer observation: ${roleLine(roster, cycle, personId).replace(/^You observe /, "observing ")}`;
  event.description = `Focus practice: ${cycle.focus}${cycle.note ? `\nNote: ${cycle.note}` : ""}`;
  event.startDate = ICAL.Time.fromJSDate(start, true);
  event.endDate = ICAL.Time.fromJSDate(new Date(start.getTime() + OBSERVATION_MINUTES * 60_000), true);
  vevent.addPropertyWithValue("dtstamp", ICAL.Time.fromJSDate(now, true));
  vevent.addPropertyWithValue("sequence", cycle.reschedules);
  calendar.addSubcomponent(vevent);
  return calendar.toString();
}
