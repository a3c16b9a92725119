import { describe, expect, it } from 'vitest';
import { contextFor } from '../../src/runtime';
import { expertStepFor } from '../../src/services/consults/consults';
import {
  createConsultOffer,
  deleteConsultOffer,
  getConsultOffer,
  listConsultOffers,
  updateConsultOffer,
} from '../../src/services/consults/offers';
import { makeOrganisation, refusal, testRuntime } from '../helpers';

/** Paid expert time: the offers an organisation keeps per workflow (docs/decisions/consults.md). */
const rt = await testRuntime();
const org = await makeOrganisation(rt);
const other = await makeOrganisation(rt);
const specialist = contextFor(rt, org.id, { type: 'specialist', id: org.inspector.id });

const notary = () => ({
  workflowId: org.workflowId,
  titleNl: '15 minuten met de notaris',
  titleEn: '15 minutes with the notary',
  minutes: 15,
  priceCents: 2500,
  vatRateBp: 2100,
});

describe('consult offers', () => {
  it('are created, listed, changed and removed by admins', async () => {
    const made = await createConsultOffer(org.ctx, { ...notary(), titleNl: '  15 minuten met de notaris ' });
    expect(made).toMatchObject({ ...notary(), roleId: null, organisationId: org.id });
    expect((await listConsultOffers(org.ctx, org.workflowId)).map((o) => o.id)).toEqual([made.id]);
    const changed = await updateConsultOffer(org.ctx, made.id, { ...notary(), priceCents: 3000 });
    expect(changed.priceCents).toBe(3000);
    expect((await getConsultOffer(org.ctx, made.id)).priceCents).toBe(3000);
    await deleteConsultOffer(org.ctx, made.id);
    expect(await listConsultOffers(org.ctx)).toEqual([]);
  });

  it('refuses bad input by field, writing nothing', async () => {
    for (const [patch, field, code] of [
      [{ titleNl: ' ' }, 'titleNl', 'required'],
      [{ titleEn: 'x'.repeat(121) }, 'titleEn', 'too_long'],
      [{ minutes: 0 }, 'minutes', 'out_of_range'],
      [{ minutes: 2.5 }, 'minutes', 'out_of_range'],
      [{ priceCents: -1 }, 'priceCents', 'out_of_range'],
      [{ vatRateBp: 10_001 }, 'vatRateBp', 'out_of_range'],
    ] as const) {
      const refused = await refusal(createConsultOffer(org.ctx, { ...notary(), ...patch }));
      expect([refused.kind, refused.reason, refused.details?.field]).toEqual(['invalid', code, field]);
    }
    expect(await listConsultOffers(org.ctx)).toEqual([]);
  });

  it('is kept by admins, not by specialists', async () => {
    const refused = await refusal(createConsultOffer(specialist, notary()));
    expect(refused.kind).toBe('forbidden');
  });

  it("keeps another organisation's offers and workflows invisible (not found)", async () => {
    const made = await createConsultOffer(org.ctx, notary());
    for (const attempt of [
      () => getConsultOffer(other.ctx, made.id),
      () => updateConsultOffer(other.ctx, made.id, { ...notary(), workflowId: other.workflowId }),
      () => deleteConsultOffer(other.ctx, made.id),
      () => createConsultOffer(other.ctx, notary()),
      () => createConsultOffer(org.ctx, { ...notary(), roleId: 'role_nope' }),
    ]) {
      // one at a time: a refusal made before it is awaited would reject unhandled
      expect((await refusal(attempt())).kind).toBe('not_found');
    }
    expect(await listConsultOffers(other.ctx)).toEqual([]);
    expect((await getConsultOffer(org.ctx, made.id)).id).toBe(made.id);
  });
});

describe('who answers a consult (one rule for the offers shown and the consult asked)', () => {
  const people: Record<string, { roleId: string | null; active: boolean }> = {
    jan: { roleId: 'role_monteur', active: true },
    fatima: { roleId: 'role_keurmeester', active: true },
    oud: { roleId: 'role_keurmeester', active: false },
    piet: { roleId: 'role_keurmeester', active: true },
  };
  const steps = [
    { id: 's1', status: 'done', assigneeId: 'fatima' },
    { id: 's2', status: 'active', assigneeId: 'jan' },
    { id: 's3', status: 'pending', assigneeId: 'oud' },
    { id: 's4', status: 'blocked', assigneeId: 'piet' },
    { id: 's5', status: 'pending', assigneeId: null },
  ];
  const personOf = (s: (typeof steps)[number]) => people[s.assigneeId ?? ''];
  const pick = (stepId: string | null, roleId: string | null) =>
    expertStepFor(steps, stepId, roleId, personOf)?.id ?? null;

  it('takes the step asked about when its specialist has the role, else one in progress, else the first', () => {
    expect(pick('s1', 'role_keurmeester')).toBe('s1');
    expect(pick('s2', 'role_keurmeester')).toBe('s4');
    expect(pick('s2', 'role_monteur')).toBe('s2');
    expect(pick(null, 'role_monteur')).toBe('s2');
  });

  it('passes over inactive specialists, and leaves it to routing without a role or anyone with it', () => {
    expect(pick('s3', 'role_keurmeester')).toBe('s4');
    expect(pick('s1', null)).toBeNull();
    expect(pick('s1', 'role_planner')).toBeNull();
  });
});
