import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { onPostgres } from '../../db/dialect';
import { specialists } from '../../db/schema';
import {
  indexAnswerDocument,
  indexAnswerDocuments,
  optimizeAnswerIndex,
  removeAnswerDocument,
  searchAnswerDocuments,
  tenantTag,
} from '../../db/search';
import { contextFor, type Runtime } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { approveAnswer, proposeAnswer, retireAnswer } from '../../src/services/knowledge/answers';
import { searchForTracker, searchPublished } from '../../src/services/knowledge/search';
import { newId } from '../../src/services/platform/ids';
import { makeOrganisation, sampleJob, testRuntime } from '../helpers';

/**
 * The search index holds posting lists per tenant (docs/decisions/knowledge.md): every word and every
 * search term is behind the organisation's tag. Two organisations with the very same words never find
 * each other's answers, whatever is typed.
 */
const rt = await testRuntime();
const db = rt.database.db;

/** An organisation whose two mechanics can write and check each other's answers. */
async function team(rt: Runtime) {
  const org = await makeOrganisation(rt);
  const [colleague] = await db
    .insert(specialists)
    .values({
      id: newId('spec'),
      organisationId: org.id,
      name: 'Piet Smit',
      roleId: org.mechanic.roleId,
      role: 'Monteur',
      createdAt: rt.clock.now(),
    })
    .returning();
  if (!colleague) throw new Error('no colleague');
  const writer = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
  const checker = contextFor(rt, org.id, { type: 'specialist', id: colleague.id });
  const publish = async (input: { question: string; answer: string }) =>
    approveAnswer(
      checker,
      (await proposeAnswer(writer, { ...input, workflowId: org.workflowId, position: 0 })).id,
    );
  return { org, publish };
}

const same = {
  question: 'Hoe lang duurt de APK-keuring?',
  answer: 'Een uur; u kunt wachten in onze kantine met café.',
};

describe('tenants apart in the index', () => {
  it('two organisations with the same words each find only their own answer', async () => {
    const a = await team(rt);
    const b = await team(rt);
    const mineA = await a.publish(same);
    const mineB = await b.publish(same);
    for (const [side, own] of [
      [a, mineA],
      [b, mineB],
    ] as const) {
      for (const q of ['kantine', 'KANTINE', 'cafe', 'kant', 'ka', 'kantnie', 'apk keuring wachten']) {
        expect(
          (await searchPublished(db, side.org.id, q)).map((x) => x.id),
          q,
        ).toEqual([own.id]);
      }
      const job = await createJob(side.org.ctx, { ...sampleJob(), workflowId: side.org.workflowId });
      expect((await searchForTracker(db, job.trackerToken, 'kantine', 'nl'))?.map((x) => x.id)).toEqual([
        own.id,
      ]);
    }
    // The other tenant's tag typed in is only ever a word behind one's own tag.
    for (const q of [
      `${tenantTag(a.org.id)}kantine`,
      tenantTag(a.org.id),
      `${tenantTag(a.org.id)} kantine`,
      `"${tenantTag(a.org.id)}kantine"*`,
    ]) {
      expect(
        (await searchPublished(db, b.org.id, q)).map((x) => x.id),
        q,
      ).not.toContain(mineA.id);
    }
    expect(await searchAnswerDocuments(db, b.org.id, [`${tenantTag(a.org.id).slice(1)}kantine`], 5)).toEqual(
      [],
    );
    // Retired on one side: gone there, still found on the other.
    await retireAnswer(a.org.ctx, mineA.id);
    expect(await searchPublished(db, a.org.id, 'kantine')).toEqual([]);
    expect((await searchPublished(db, b.org.id, 'kantine')).map((x) => x.id)).toEqual([mineB.id]);
    await retireAnswer(b.org.ctx, mineB.id);
  });

  it('indexes many documents at once, replaces and removes them, and never crosses tenants', async () => {
    // Organisation ids whose tags could be confused if a tag were the start of another.
    const orgs = ['org_a', 'org_ab', 'org_b'];
    const docs = Array.from({ length: 450 }, (_, i) => ({
      answerId: `doc_${i}`,
      organisationId: orgs[i % 3] as string,
      text: `Koffie in de kantine ${i % 2 ? 'Citroën' : 'remmen'} nummer w${i}z`,
    }));
    await indexAnswerDocuments(db, docs);
    await optimizeAnswerIndex(db);
    for (const org of orgs) {
      const found = await searchAnswerDocuments(db, org, ['kantine', 'koffie'], 500);
      expect(found).toHaveLength(150);
      expect(found.every((id) => docs.find((d) => d.answerId === id)?.organisationId === org)).toBe(true);
      expect(await searchAnswerDocuments(db, org, ['citroen'], 500)).toHaveLength(75);
    }
    // One exact word finds its one document, in its own tenant only.
    expect(await searchAnswerDocuments(db, 'org_a', ['w3z'], 5)).toEqual(['doc_3']);
    expect(await searchAnswerDocuments(db, 'org_ab', ['w3z'], 5)).toEqual([]);
    // Indexing again replaces (no second copy); removing takes it out.
    await indexAnswerDocument(db, { answerId: 'doc_3', organisationId: 'org_a', text: 'Nieuwe tekst w3z' });
    expect(await searchAnswerDocuments(db, 'org_a', ['w3z'], 5)).toEqual(['doc_3']);
    expect(await searchAnswerDocuments(db, 'org_a', ['nieuwe'], 5)).toEqual(['doc_3']);
    expect(await searchAnswerDocuments(db, 'org_a', ['kantine'], 500)).toHaveLength(149);
    await removeAnswerDocument(db, 'doc_3');
    await removeAnswerDocument(db, 'doc_3');
    expect(await searchAnswerDocuments(db, 'org_a', ['w3z', 'nieuwe'], 5)).toEqual([]);
    // The same answer twice in one call: the last text counts.
    await indexAnswerDocuments(db, [
      { answerId: 'twice', organisationId: 'org_t', text: 'eerste' },
      { answerId: 'twice', organisationId: 'org_t', text: 'tweede' },
    ]);
    expect(await searchAnswerDocuments(db, 'org_t', ['eerste'], 5)).toEqual([]);
    expect(await searchAnswerDocuments(db, 'org_t', ['tweede'], 5)).toEqual(['twice']);
    // Better matches first: the word twice beats the word once.
    await indexAnswerDocuments(db, [
      { answerId: 'rank_1', organisationId: 'org_r', text: 'uitlaat en nog veel meer woorden hier' },
      { answerId: 'rank_2', organisationId: 'org_r', text: 'uitlaat uitlaat' },
    ]);
    expect(await searchAnswerDocuments(db, 'org_r', ['uitlaat'], 5)).toEqual(['rank_2', 'rank_1']);
    for (const d of docs) await removeAnswerDocument(db, d.answerId);
    expect(await searchAnswerDocuments(db, 'org_b', ['kantine'], 5)).toEqual([]);
  });

  it('the index holds only tagged words, the same on both databases', async () => {
    await indexAnswerDocument(db, {
      answerId: 'words_1',
      organisationId: 'org_w',
      text: 'Één Keuring, café!',
    });
    const tag = tenantTag('org_w');
    if (onPostgres()) {
      const { rows } = await (
        db as unknown as { execute(q: unknown): Promise<{ rows: { document: string }[] }> }
      ).execute(
        sql`select document::text as document from published_answer_search where answer_id = 'words_1'`,
      );
      expect(rows[0]?.document).toBe(`'${tag}cafe':3 '${tag}een':1 '${tag}keuring':2`);
    } else {
      await db.run(
        sql`create virtual table temp.search_words using fts5vocab(main, published_answer_search, row)`,
      );
      const words = (await db.all<{ term: string }>(sql`select term from temp.search_words`)).map(
        (r) => r.term,
      );
      expect(words.filter((w) => w.startsWith(tag)).sort()).toEqual([
        `${tag}cafe`,
        `${tag}een`,
        `${tag}keuring`,
      ]);
      // Every word in the index, of every test above, is behind some organisation's tag.
      expect(words.filter((w) => !/^t[0-9a-f]+x/.test(w))).toEqual([]);
    }
    await removeAnswerDocument(db, 'words_1');
  });
});
