/**
 * How long text fields may be, in characters (and a few counts), declared once: the API's zod
 * schemas (src/api/schemas.ts), the console's and tracker's forms and the services read them here,
 * so a limit cannot differ between the ways in.
 */
export const LIMITS = {
  id: 64,
  reference: 64,
  /** A job's or step's title, a cost line's description. */
  title: 200,
  stepDescription: 2000,
  personName: 120,
  role: 80,
  bio: 500,
  expertise: 500,
  email: 254,
  /** Why a step is on hold, why its promise moved, why a job was cancelled: shown to the customer. */
  reason: 500,
  /** A note's Markdown. */
  note: 10_000,
  /** Photos a note may link (API), and that the console takes in one upload from a phone. */
  photosPerNote: 10,
  photosPerUpload: 6,
  /** Why extra work needs the customer's approval. */
  explanation: 1000,
  question: 1000,
  answer: 4000,
  ratingComment: 1000,
  kudosNote: 280,
  workflowName: 120,
  stepsPerWorkflow: 50,
  passwordMin: 10,
  passwordMax: 128,
  /** An hourly rate in whole currency units (insights' cost of waiting). */
  hourlyRate: 100_000,
  /** Minutes a question may be said to have taken (entered, or a channel's default): one working day. */
  effortMinutes: 480,
  /** A promised answer time in working minutes (a week of round-the-clock work). */
  answerMinutes: 10_080,
  /** A signature drawn on a driver's phone, as the PNG the canvas makes (decoded bytes). */
  signatureBytes: 256 * 1024,
  /** Stops one reorder names (a driver's day). */
  stopsPerRoute: 200,
  /** Documents on one job, and versions of one document (each up to DOCUMENT_MAX_MB, kept in the database). */
  documentsPerJob: 100,
  versionsPerDocument: 50,
} as const;
