import type { Question } from '../../../db/schema';
import type { Ctx, Db } from '../platform/context';

/**
 * What a staff turn (an answer, a question back to the customer) sends by email, in the same
 * transaction as the turn: when the thread came by email, the reply continues that email thread.
 * Until the outbox exists nothing is sent; the tracker shows the turn live either way.
 */
export async function afterTurn(_tx: Db, _ctx: Ctx, _turn: Question): Promise<void> {}
