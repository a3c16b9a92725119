import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { questions } from './questions';
import { roles, specialists } from './specialists';
import type { Translations } from './translations';
import { workflows } from './workflows';

/**
 * Knowledge that grows (docs/decisions/knowledge.md): a specialist's answer written once more for
 * everyone ("useful for others"), checked by a colleague with the same role before customers read it,
 * shown on the tracker at its workflow step and found while a customer types a question.
 *
 * The text customers read (`question`, `answer`, `translations`) changes only when a review approves
 * it: a proposal (the first version, or an edit of a published answer) waits in the `draft…` columns,
 * and the published text stays as it was until a colleague approves the edit.
 */
export const ANSWER_STATUSES = ['in_review', 'published', 'retired'] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];

export type AnswerTranslations = Translations<'question' | 'answer'>;

export const publishedAnswers = sqliteTable(
  'published_answers',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id').notNull(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id),
    /**
     * The workflow step it belongs to (workflow steps keep their ids across edits, so a reorder keeps
     * it at its step). No foreign key: an edit that deletes the step retires its answers, which keep
     * the id for the record. Null only for rows the migration could not place (retired there).
     */
    workflowStepId: text('workflow_step_id'),
    /** The role whose specialists review it: the author's when it was proposed. */
    roleId: text('role_id')
      .notNull()
      .references(() => roles.id),
    /** The customer's question it grew from, if any (never shown: it names a job). */
    sourceQuestionId: text('source_question_id').references(() => questions.id),
    status: text('status', { enum: ANSWER_STATUSES }).notNull(),
    /** What customers read, in the organisation's language; null until the first review approves it. */
    question: text('question'),
    answer: text('answer'),
    translations: text('translations', { mode: 'json' }).$type<AnswerTranslations>().notNull().default({}),
    /** The proposal waiting for review (first version or an edit); null when nothing waits. */
    draftQuestion: text('draft_question'),
    draftAnswer: text('draft_answer'),
    draftTranslations: text('draft_translations', { mode: 'json' }).$type<AnswerTranslations>(),
    /** Who wrote the proposal waiting for review: they may not approve it. */
    draftById: text('draft_by_id').references(() => specialists.id),
    draftAt: integer('draft_at'),
    authorId: text('author_id')
      .notNull()
      .references(() => specialists.id),
    /** Who wrote the published text, who checked it and when. */
    publishedById: text('published_by_id').references(() => specialists.id),
    reviewedById: text('reviewed_by_id').references(() => specialists.id),
    reviewedAt: integer('reviewed_at'),
    publishedAt: integer('published_at'),
    retiredAt: integer('retired_at'),
    /** Retired as a duplicate of this answer (its counts were added there). */
    mergedIntoId: text('merged_into_id'),
    /** How often it was offered while a customer typed, and how often it ended the question. */
    shownCount: integer('shown_count').notNull().default(0),
    answeredCount: integer('answered_count').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    /** Any change customers or the tracker may see (kept in the tracker view's version). */
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('published_answers_step').on(t.organisationId, t.workflowStepId, t.status),
    index('published_answers_changed').on(t.organisationId, t.workflowId, t.updatedAt),
    index('published_answers_review').on(t.organisationId, t.roleId, t.draftAt),
  ],
);

export type PublishedAnswer = typeof publishedAnswers.$inferSelect;
