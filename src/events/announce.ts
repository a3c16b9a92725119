import type { EventType } from './catalogue';

/**
 * What the customer is told of each event: the line the tracker reads aloud (messages.ts
 * `tracker.announce`, Dutch and English) and whether web push sends it when the page is closed.
 * Internal events say nothing. Kept apart from the catalogue's schemas so the tracker's script can
 * import it without zod.
 */
export type Announcement =
  | 'created'
  | 'started'
  | 'finished'
  | 'skipped'
  | 'blocked'
  | 'promise'
  | 'assigned'
  | 'note'
  | 'costs'
  | 'approval'
  | 'completed'
  | 'cancelled'
  | 'question'
  | 'answered'
  | 'moved'
  | 'askedBack'
  | 'replied'
  | 'rated'
  | 'invoice'
  | 'document'
  | 'signoff'
  | 'route';

type Rule = { say: Announcement; push?: true } | null;

export const ANNOUNCEMENTS: Record<EventType, Rule> = {
  'job.created': { say: 'created' },
  'job.completed': { say: 'completed', push: true },
  'job.cancelled': { say: 'cancelled' },
  'job.link_reissued': null,
  'step.started': { say: 'started', push: true },
  'step.finished': { say: 'finished', push: true },
  'step.skipped': { say: 'skipped' },
  'step.blocked': { say: 'blocked' },
  'step.resumed': { say: 'started' },
  'step.promise_changed': { say: 'promise', push: true },
  'step.at_risk': null,
  'booking.made': { say: 'promise' },
  'booking.moved': { say: 'promise', push: true },
  'booking.cancelled': { say: 'promise', push: true },
  // Said like the step's own `step.finished` in the same batch, which is the one pushed.
  'booking.delivered': { say: 'finished' },
  'route.progressed': { say: 'route' },
  'step.assigned': { say: 'assigned' },
  'note.posted': { say: 'note' },
  'cost_line.added': { say: 'costs' },
  'cost_line.changed': { say: 'costs' },
  'cost_line.removed': { say: 'costs' },
  'cost_line.approved': { say: 'costs' },
  'cost_line.declined': { say: 'costs' },
  'invoice.issued': { say: 'invoice', push: true },
  'invoice.credited': { say: 'invoice' },
  'document.added': { say: 'document', push: true },
  'document.replaced': { say: 'document', push: true },
  'document.changed': { say: 'document' },
  'signoff.requested': { say: 'signoff', push: true },
  'signoff.withdrawn': { say: 'signoff' },
  'signoff.signed': { say: 'signoff' },
  'signoff.declined': { say: 'signoff' },
  'question.asked': { say: 'question' },
  'consult.requested': null,
  'question.answered': { say: 'answered', push: true },
  'question.moved': { say: 'moved' },
  'question.overdue': null,
  'question.asked_back': { say: 'askedBack', push: true },
  'question.replied': { say: 'replied' },
  'rating.given': { say: 'rated' },
  'feedback.given': { say: 'rated' },
  'feedback.followed_up': null,
  'kudos.given': null,
  'staff.access_ended': null,
  'answer.proposed': null,
  'answer.published': null,
  'answer.retired': null,
  'answer.deflected': null,
  'question.effort': null,
};

/** The announcement of a customer-visible event; a cost line that now waits for the customer asks for approval. */
export function announcementOf(
  type: string,
  payload: { costLine?: { state: string } | undefined },
): { say: Announcement; push: boolean } | null {
  if (type.startsWith('cost_line.') && payload.costLine?.state === 'awaiting_approval') {
    return { say: 'approval', push: true };
  }
  const rule = ANNOUNCEMENTS[type as EventType];
  return rule ? { say: rule.say, push: !!rule.push } : null;
}
