import { mkdirSync, rmSync } from 'node:fs';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { organisations, publishedAnswers, roles, specialists, workflows } from '../db/schema';
import { indexAnswerDocument, likeScanAnswers, searchAnswerDocuments } from '../db/search';
import { searchText } from '../src/services/knowledge/answers';
import { searchTerms } from '../src/services/knowledge/search';
import { writeTransaction } from '../src/services/platform/context';
import { now, percentile } from './harness';

/**
 * Found while typing (docs/decisions/knowledge.md): search p99 over ANSWERS published answers spread
 * over ORGS organisations (100,000 and 1,000 by default), through the full-text index as the tracker
 * searches (one tenant's answers, word prefixes), against the same query as a plain `LIKE` scan of the
 * answers' text in that organisation. Every result is checked to be the searching tenant's own.
 */
const ANSWERS = Number(process.env.KNOWLEDGE_ANSWERS ?? 100_000);
const ORGS = Number(process.env.KNOWLEDGE_ORGS ?? 1_000);
const QUERIES = Number(process.env.KNOWLEDGE_QUERIES ?? 400);

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
  for (let o = 0; o < ORGS; o++) {
    const org = `org_${o}`;
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
      for (const r of rows)
        await indexAnswerDocument(tx, { answerId: r.id, organisationId: org, text: searchText(r) });
    });
  }
  const buildMs = Date.now() - t0;

  // What a customer types: a few words, the last one cut short.
  const queries = Array.from({ length: QUERIES }, () => {
    const words = sentence(2 + Math.floor(rnd() * 3)).split(' ');
    const last = words.pop() as string;
    return {
      org: `org_${Math.floor(rnd() * ORGS)}`,
      text: `${words.join(' ')} ${last.slice(0, Math.max(2, last.length - 2))}`,
    };
  });
  const time = async (search: (org: string, terms: string[]) => Promise<string[]>) => {
    const samples: number[] = [];
    for (const q of queries.slice(0, 20)) await search(q.org, searchTerms(q.text)); // warm up
    for (const q of queries) {
      const start = now();
      const ids = await search(q.org, searchTerms(q.text));
      samples.push(now() - start);
      if (ids.some((id) => !id.startsWith(`ans_${q.org.slice(4)}_`)))
        throw new Error('a tenant saw another tenant’s answer');
    }
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  };
  const fts = await time((org, terms) => searchAnswerDocuments(db, org, terms, 5));
  const like = await time((org, terms) => likeScanAnswers(db, org, terms, 5));
  await database.close();
  const result = {
    answers: ANSWERS,
    orgs: ORGS,
    queries: QUERIES,
    buildMs,
    fts,
    like,
    ratio: fts.p99 / like.p99,
  };
  console.log(JSON.stringify(result));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await runKnowledgeSearch();
