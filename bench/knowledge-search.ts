import { mkdirSync, rmSync } from 'node:fs';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { organisations, publishedAnswers, roles, specialists, workflows } from '../db/schema';
import {
  indexAnswerDocuments,
  likeScanAnswers,
  optimizeAnswerIndex,
  searchAnswerDocuments,
} from '../db/search';
import { searchText } from '../src/services/knowledge/answers';
import { searchTerms } from '../src/services/knowledge/search';
import { writeTransaction } from '../src/services/platform/context';
import { now, percentile } from './harness';

/**
 * Found while typing (docs/decisions/knowledge.md): search p99 over ANSWERS published answers spread
 * over ORGS organisations (100,000 and 1,000 by default), through the full-text index as the tracker
 * searches (one tenant's answers, word prefixes), against the same query as a plain `LIKE` scan of the
 * answers' text in that organisation (through its organisation index). Every result is checked to be
 * the searching tenant's own. The two run interleaved, query by query (which goes first alternates), so
 * a busy moment on the shared machine falls on both. Organisation ids are as long as real ones (their
 * tag in the index is too). The index is built as a bulk load would build it: a few hundred documents
 * per statement, then merged into one segment.
 */
const ANSWERS = Number(process.env.KNOWLEDGE_ANSWERS ?? 100_000);
const ORGS = Number(process.env.KNOWLEDGE_ORGS ?? 1_000);
const QUERIES = Number(process.env.KNOWLEDGE_QUERIES ?? 2_000);

function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'auto keuring apk remmen banden olie motor accu ruitenwisser uitlaat koppeling distributieriem lampen ' +
  'wachten kantine koffie ophalen brengen sleutel factuur betalen pin contant garantie offerte prijs ' +
  'onderdeel bestellen levering bezorgen bank kast tafel stoel monteren trap lift parkeren adres ' +
  'testament notaris akte handtekening legitimatie paspoort getuige erfenis executeur volmacht ' +
  'brake tyre oil engine battery wiper exhaust clutch timing belt bulbs wait canteen coffee collect ' +
  'drop key invoice pay card cash warranty quote price part order delivery sofa table chair assemble ' +
  'stairs lift parking address will notary deed signature identity passport witness estate executor'
).split(' ');

export async function runKnowledgeSearch() {
  mkdirSync('bench/tmp', { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`bench/tmp/knowledge.db${suffix}`, { force: true });
  const database = await openDatabase('file:bench/tmp/knowledge.db');
  await migrateDatabase(database.db);
  const { db } = database;
  const rnd = random(20);
  const pick = () => WORDS[Math.floor(rnd() * WORDS.length)] as string;
  const sentence = (n: number) => Array.from({ length: n }, pick).join(' ');
  const t0 = Date.now();
  const orgId = (o: number) => `org_${String(o).padStart(16, '0')}`;
  for (let o = 0; o < ORGS; o++) {
    const org = orgId(o);
    await writeTransaction(db, async (tx) => {
      await tx.insert(organisations).values({ id: org, slug: `o${o}`, name: `Org ${o}`, createdAt: t0 });
      await tx
        .insert(roles)
        .values({ id: `role_${o}`, organisationId: org, name: 'R', nameKey: 'r', createdAt: t0 });
      await tx.insert(specialists).values({
        id: `spec_${o}`,
        organisationId: org,
        name: 'S',
        role: 'R',
        roleId: `role_${o}`,
        createdAt: t0,
      });
      await tx.insert(workflows).values({ id: `wf_${o}`, organisationId: org, name: 'W', createdAt: t0 });
      const per = Math.floor(ANSWERS / ORGS);
      const rows = Array.from({ length: per }, (_, i) => ({
        id: `ans_${o}_${i}`,
        organisationId: org,
        workflowId: `wf_${o}`,
        position: i % 5,
        roleId: `role_${o}`,
        status: 'published' as const,
        question: `${sentence(6)}?`,
        answer: `${sentence(30)}.`,
        translations: { en: { question: `${sentence(6)}?`, answer: `${sentence(20)}.` } },
        authorId: `spec_${o}`,
        createdAt: t0,
        updatedAt: t0,
      }));
      await tx.insert(publishedAnswers).values(rows);
      await indexAnswerDocuments(
        tx,
        rows.map((r) => ({ answerId: r.id, organisationId: org, text: searchText(r) })),
      );
    });
  }
  const buildMs = Date.now() - t0;

  // What a customer types: a few words, the last one cut short.
  const queries = Array.from({ length: QUERIES }, () => {
    const words = sentence(2 + Math.floor(rnd() * 3)).split(' ');
    const last = words.pop() as string;
    const o = Math.floor(rnd() * ORGS);
    return {
      o,
      org: orgId(o),
      terms: searchTerms(`${words.join(' ')} ${last.slice(0, Math.max(2, last.length - 2))}`),
    };
  });
  const sides = {
    fts: (org: string, terms: string[]) => searchAnswerDocuments(db, org, terms, 5),
    like: (org: string, terms: string[]) => likeScanAnswers(db, org, terms, 5),
  };
  const figures = (s: number[]) => ({ p50: percentile(s, 50), p99: percentile(s, 99) });
  const measure = async () => {
    const samples = { fts: [] as number[], like: [] as number[] };
    const found = { fts: 0, like: 0 };
    for (const q of queries.slice(0, 50))
      for (const search of Object.values(sides)) await search(q.org, q.terms); // warm up
    for (const [n, q] of queries.entries()) {
      const order = n % 2 === 0 ? (['fts', 'like'] as const) : (['like', 'fts'] as const);
      for (const side of order) {
        const start = now();
        const ids = await sides[side](q.org, q.terms);
        samples[side].push(now() - start);
        found[side] += ids.length;
        if (ids.some((id) => !id.startsWith(`ans_${q.o}_`)))
          throw new Error('a tenant saw another tenant’s answer');
      }
    }
    return {
      fts: figures(samples.fts),
      like: figures(samples.like),
      /** Results per query on average (at most 5): both sides find about as much. */
      foundPerQuery: { fts: found.fts / QUERIES, like: found.like / QUERIES },
    };
  };
  // First as the writes left the index (its segments merged by FTS5's automerge, as answers published
  // one at a time leave it), then merged into one segment (as a bulk import or a rebuild leaves it).
  const segmented = await measure();
  const t1 = Date.now();
  await optimizeAnswerIndex(db);
  const optimizeMs = Date.now() - t1;
  const { fts, like, foundPerQuery } = await measure();
  await database.close();
  const result = {
    answers: ANSWERS,
    orgs: ORGS,
    queries: QUERIES,
    buildMs,
    optimizeMs,
    fts,
    like,
    ratio: fts.p99 / like.p99,
    foundPerQuery,
    /** Before the index was merged into one segment. */
    segmented: { ...segmented, ratio: segmented.fts.p99 / segmented.like.p99 },
  };
  console.log(JSON.stringify(result));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await runKnowledgeSearch();
