// The records the bot keeps. Pure types: no I/O, no platform. Dates are ISO strings so that
// both stores keep them as text and JSON round-trips are lossless.

export const ROLES = ["teacher", "coach", "building-admin", "district-admin", "facilitator"] as const;
export type Role = (typeof ROLES)[number];

export const STRUCTURES = ["peer-to-peer", "peer-to-team", "team-to-team"] as const;
export type Structure = (typeof STRUCTURES)[number];

/** "HH:MM", 24-hour, in the district's time zone. */
export type TimeOfDay = string;
/** "YYYY-MM-DD", a calendar date in the district's time zone. */
export type LocalDate = string;
/** An instant, ISO 8601 with offset (normally UTC, "Z"). */
export type Instant = string;

export interface DateRange {
  from: LocalDate;
  to: LocalDate; // inclusive
}

export interface SchoolCalendar {
  firstDay: LocalDate;
  lastDay: LocalDate;
  /** Single days are stored as from == to. ICS no-school events are merged in at load time. */
  noSchool: DateRange[];
}

export interface ChannelRefs {
  slack?: string;
  teams?: string;
}

export const DIGEST_CADENCES = ["weekly", "monthly", "off"] as const;
export type DigestCadence = (typeof DIGEST_CADENCES)[number];

export interface Building {
  id: string;
  name: string;
  districtId: string;
  leadershipChannel?: ChannelRefs;
  /** This building's digest, overriding the district's `digests.buildings`. */
  digest?: DigestCadence;
}

export interface District {
  id: string;
  name: string;
  timezone: string; // IANA
  workHours: { start: TimeOfDay; end: TimeOfDay };
  calendar: SchoolCalendar;
  leadershipChannel?: ChannelRefs;
  cst: { facilitators: string[] /* person ids */; contactEveryDays: number };
  /** Digest schedules; defaults: district monthly, buildings weekly. */
  digests?: { district?: DigestCadence; buildings?: DigestCadence };
  buildings: Building[];
}

export interface Person {
  /** The lower-cased e-mail address: stable across platforms. */
  id: string;
  email: string;
  name: string;
  /** Absent only for people whose sole role is `facilitator` (they serve districts from outside). */
  districtId?: string;
  buildingId?: string;
  roles: Role[];
  /** Collaborative teams (grade level or content area) within the district. */
  teams: string[];
  slackId?: string;
  teamsId?: string;
}

export interface CoachingGroup {
  id: string;
  structure: Structure;
  /** The district that owns the group's cycles (the first member's district). */
  districtId: string;
  /**
   * Two sides, person ids. peer-to-peer: [[a], [b]]; peer-to-team: [[peer], [team members]];
   * team-to-team: [[team A members], [team B members]].
   */
  sides: [string[], string[]];
  focus: string;
  observeEveryDays: number;
}

export interface Roster {
  districts: District[];
  people: Person[];
  groups: CoachingGroup[];
}

export const CYCLE_STATES = [
  "prompted", // partners asked to pick a time
  "scheduled", // a time is agreed (also after a reschedule)
  "observed", // the observer confirmed it happened
  "feedback-given",
  "reflected", // the teacher replied with a reflection
  "declined", // "not this cycle", with a reason
  "unscheduled", // no answer after the nudges: counted, never named
  "missed", // scheduled, but the observer never confirmed
  "cancelled",
] as const;
export type CycleState = (typeof CYCLE_STATES)[number];

export interface Cycle {
  id: string;
  groupId: string;
  districtId: string;
  buildingId?: string;
  /** 1-based cycle number within the group; decides who observes whom. */
  seq: number;
  observerId: string;
  observedId: string;
  focus: string;
  state: CycleState;
  promptedAt: Instant;
  scheduledAt?: Instant;
  note?: string;
  observedAt?: Instant;
  feedbackAt?: Instant;
  reflectedAt?: Instant;
  closedAt?: Instant;
  reschedules: number;
  nudges: number;
  declineReason?: string;
  updatedAt: Instant;
  /** Optimistic concurrency: the store refuses a write whose expected version is stale. */
  version: number;
}

export const EVIDENCE_MODES = ["observation", "video", "student-evidence", "journaling"] as const;
export type EvidenceMode = (typeof EVIDENCE_MODES)[number];

export const SUPPORTS = ["modeling", "co-planning", "resource", "none"] as const;
export type Support = (typeof SUPPORTS)[number];

export const MOMENTS_OF_NEED = [
  "learning-first-time",
  "learning-more",
  "remembering-applying",
  "things-go-wrong",
  "things-change",
] as const;
export type MomentOfNeed = (typeof MOMENTS_OF_NEED)[number];

/** Private to coach and teacher. Only the store's participant query returns the text fields. */
export interface Feedback {
  cycleId: string;
  districtId: string;
  buildingId?: string;
  coachId: string;
  teacherId: string;
  focus: string;
  evidence: EvidenceMode[];
  glow: string; // the strength, always first
  grow: string; // one growth element
  nextStep: Support;
  nextStepNote?: string;
  momentOfNeed?: MomentOfNeed;
  observedAt: Instant;
  givenAt: Instant;
  reflection?: string;
  usefulness?: number; // 1-5, the teacher's rating
  reflectedAt?: Instant;
}

/** What leaves the coaching pair: no text, used only to build aggregates. */
export type FeedbackFacts = Omit<Feedback, "glow" | "grow" | "nextStepNote" | "reflection">;

export const CONTACT_MODES = ["written", "verbal"] as const;
export const CONTACT_SETTINGS = ["virtual", "on-site"] as const;
export const CONTACT_TOPICS = ["dci-practices", "leadership", "data-review", "other"] as const;

export interface Contact {
  id: string;
  districtId: string;
  loggedBy: string; // person id
  date: LocalDate;
  mode: (typeof CONTACT_MODES)[number];
  setting: (typeof CONTACT_SETTINGS)[number];
  topics: (typeof CONTACT_TOPICS)[number][];
  nextStep?: string;
  loggedAt: Instant;
}

/** DCI practices a coaching cycle can focus on (DOMAIN.md). */
export const DCI_PRACTICES = [
  "Collaborative Teams",
  "Data-Based Decision Making",
  "Common Formative Assessment",
  "Developing Assessment Capable Learners",
  "Feedback",
  "Metacognition",
  "School-Based Implementation Coaching",
  "Collective Teacher Efficacy",
  "Systems Leadership",
  "Instructional Leadership",
] as const;
