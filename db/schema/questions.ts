import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { jobs, type NotePhoto, steps } from './jobs';
import { organisations } from './organisations';
import { specialists } from './specialists';

export const QUESTION_CHANNELS = ['tracker', 'phone', 'desk', 'email'] as const;
export type QuestionChannel = (typeof QUESTION_CHANNELS)[number];
/** Who asks: the customer (staff answer), or a specialist asking the customer something back. */
export const QUESTION_ASKERS = ['customer', 'specialist'] as const;
export type QuestionAsker = (typeof QUESTION_ASKERS)[number];
/** How the customer answered a specialist's question. */
export const REPLY_CHANNELS = ['tracker', 'email'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];

/**
 * One turn of a conversation about a job's step: a customer's "ask the expert" question, however it
 * came in (the tracker, an email, or recorded by staff from a phone call or the desk), routed to the
 * specialist who does the work, with its answer; or a specialist's question back to the customer,
 * with the customer's reply. Turns after the first name the first as their thread (`threadId`), so a
 * follow-up is routed, escalated and counted like any question (docs/decisions/conversations.md).
 */
export const questions = sqliteTable(
  'questions',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    /** The thread's first turn; null on the first turn itself (its thread is its own id). */
    threadId: text('thread_id'),
    askedBy: text('asked_by', { enum: QUESTION_ASKERS }).notNull().default('customer'),
    /** The specialist who asked, when `askedBy` is `specialist`. */
    askedById: text('asked_by_id').references(() => specialists.id),
    /** The step the customer was looking at (or that was active). */
    stepId: text('step_id').references(() => steps.id),
    channel: text('channel', { enum: QUESTION_CHANNELS }).notNull(),
    body: text('body').notNull(),
    /** Who answers now; changes when the question moves to a colleague. */
    assigneeId: text('assignee_id').references(() => specialists.id),
    /** Who it was first routed to, kept when it moves. */
    firstAssigneeId: text('first_assignee_id').references(() => specialists.id),
    /** Staff member who recorded a question that came by phone, desk or email. */
    recordedById: text('recorded_by_id').references(() => specialists.id),
    askedAt: integer('asked_at').notNull(),
    /** When the business promised to answer: the answer time in working time, never after the step's promise. */
    dueAt: integer('due_at').notNull(),
    escalatedAt: integer('escalated_at'),
    answer: text('answer'),
    answeredAt: integer('answered_at'),
    answeredById: text('answered_by_id').references(() => specialists.id),
    /** How the customer answered a specialist's question. */
    answerChannel: text('answer_channel', { enum: REPLY_CHANNELS }),
    /**
     * Effort, not waiting (docs/decisions/knowledge.md): when a specialist first opened the question in
     * the console, and the minutes spent as entered for a phone or desk question (null: the channel's
     * default in the organisation's settings, or opened → answered for a typed question).
     */
    openedAt: integer('opened_at'),
    effortMinutes: integer('effort_minutes'),
    /** Images that came with the question or the customer's reply (rows in `media`). */
    photos: text('photos', { mode: 'json' }).$type<NotePhoto[]>().notNull().default([]),
    /**
     * The Message-ID of the email that asked the question (or sent the customer's reply), and the
     * References it carried: our answer by email continues that thread (RFC 5322 In-Reply-To). Unique
     * per job, so a message delivered twice is stored once.
     */
    mailMessageId: text('mail_message_id'),
    mailReferences: text('mail_references'),
    /** Who wrote that email and its subject: the answer by email goes back to them, as "Re: …". */
    mailFrom: text('mail_from'),
    mailSubject: text('mail_subject'),
    /**
     * A paid consult (docs/decisions/consults.md): the customer accepted an offer's price, so the
     * question goes first in the specialist's lists. Its terms, fee line and approval are in `consults`.
     */
    paid: integer('paid', { mode: 'boolean' }).notNull().default(false),
    /** A paid consult's time to talk, chosen from the expert's free slots (null: none asked). */
    talkAt: integer('talk_at'),
  },
  (t) => [
    index('questions_job').on(t.jobId, t.askedAt),
    index('questions_thread').on(t.threadId),
    uniqueIndex('questions_mail').on(t.jobId, t.mailMessageId),
    index('questions_open').on(t.organisationId, t.answeredAt, t.dueAt),
  ],
);

export type Question = typeof questions.$inferSelect;
