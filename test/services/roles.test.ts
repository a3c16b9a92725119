import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { specialists } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createRole, deleteRole, listRoles, updateRole } from '../../src/services/organisation/roles';
import { createWorkflow, getWorkflow } from '../../src/services/organisation/workflows';
import { inviteSpecialist } from '../../src/services/staff/team';
import { apiClient, makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

/** The managed list of roles: routing by id, so a typo or a rename cannot break it (docs/decisions/step-roles.md). */
const rt = await testRuntime();
const call = apiClient(rt);
const org = await makeOrganisation(rt);
const other = await makeOrganisation(rt);
const admin = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
const specialist = contextFor(rt, org.id, { type: 'specialist', id: org.inspector.id });

const person = async (id: string) =>
  (await rt.database.db.select().from(specialists).where(eq(specialists.id, id)))[0];

describe('the list of roles', () => {
  it('refuses a second role of the same name, whatever its case or spacing', async () => {
    const made = await createRole(admin, { name: ' Chauffeur ', translations: { en: { name: 'Driver' } } });
    expect(made).toMatchObject({
      name: 'Chauffeur',
      nameKey: 'chauffeur',
      translations: { en: { name: 'Driver' } },
    });
    const twice = await refusal(createRole(admin, { name: 'CHAUFFEUR' }));
    expect([twice.kind, twice.reason]).toEqual(['conflict', 'role_exists']);
    // Another organisation has a list of its own.
    await expect(createRole(other.ctx, { name: 'Chauffeur' })).resolves.toMatchObject({ name: 'Chauffeur' });
  });

  it('is kept by admins (and API keys), not by specialists', async () => {
    const refused = await refusal(createRole(specialist, { name: 'Poetser' }));
    expect([refused.kind, refused.reason]).toEqual(['forbidden', 'admin_only']);
  });

  it('counts who uses each role, and a rename reaches everyone with it at once', async () => {
    const monteur = (await listRoles(org.ctx)).find((r) => r.name === 'Monteur');
    // Jan is active, Old Timer is not; the APK workflow's intake goes to mechanics.
    expect(monteur).toMatchObject({ people: 1, steps: 1 });
    await updateRole(admin, monteur?.id ?? '', {
      name: 'Werkplaatsmonteur',
      translations: { en: { name: 'Workshop mechanic' } },
    });
    for (const id of [org.mechanic.id, org.retired.id]) {
      expect(await person(id)).toMatchObject({
        role: 'Werkplaatsmonteur',
        translations: { en: { role: 'Workshop mechanic' } },
      });
    }
    expect((await getWorkflow(org.ctx, org.workflowId)).steps[0]).toMatchObject({
      defaultRoleId: monteur?.id,
      defaultRole: 'Werkplaatsmonteur',
    });
    // Routing goes by the role's id: the renamed role still brings the intake to Jan.
    const job = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const read = await getJob(org.ctx, job.jobId);
    expect(read.steps[0]?.assignee?.id).toBe(org.mechanic.id);
    expect(read.steps[1]?.assignee?.id).toBe(org.inspector.id);
    const clash = await refusal(updateRole(admin, monteur?.id ?? '', { name: 'apk-keurmeester' }));
    expect(clash.reason).toBe('role_exists');
  });

  it('removes only a role nobody has, and lets its open invitations lapse', async () => {
    const keurmeester = (await listRoles(org.ctx)).find((r) => r.name === 'APK-keurmeester');
    const inUse = await refusal(deleteRole(admin, keurmeester?.id ?? ''));
    expect([inUse.kind, inUse.reason, inUse.params]).toEqual([
      'conflict',
      'role_in_use',
      { people: 1, steps: 1 },
    ]);

    const spare = await createRole(admin, { name: 'Leerling' });
    await inviteSpecialist(admin, {
      email: 'leerling@example.test',
      name: 'Lea',
      roleId: spare.id,
      permission: 'specialist',
    });
    await deleteRole(admin, spare.id);
    expect((await listRoles(org.ctx)).some((r) => r.id === spare.id)).toBe(false);

    // A role only a former colleague had counts nobody active, yet is not offered for removal:
    // their past work still shows it.
    const former = await createRole(admin, { name: 'Oud-monteur' });
    await rt.database.db
      .update(specialists)
      .set({ roleId: former.id })
      .where(eq(specialists.id, org.retired.id));
    expect((await listRoles(org.ctx)).find((r) => r.id === former.id)).toMatchObject({
      people: 0,
      steps: 0,
      removable: false,
    });
    expect((await refusal(deleteRole(admin, former.id))).reason).toBe('role_in_use');
    // Another organisation's role is not found.
    const theirs = await createRole(other.ctx, { name: 'Planner' });
    expect((await refusal(deleteRole(admin, theirs.id))).kind).toBe('not_found');
    expect((await refusal(updateRole(admin, theirs.id, { name: 'X' }))).kind).toBe('not_found');
  });

  it('lets a workflow name a role only from the list, by id or by name', async () => {
    const unknown = await refusal(
      createWorkflow(org.ctx, { name: 'Typo', steps: [{ title: 'Keuring', defaultRole: 'APK-keurmeestr' }] }),
    );
    expect([unknown.code, unknown.reason, unknown.field]).toEqual([
      'invalid_input',
      'unknown_role',
      'steps.0.defaultRole',
    ]);
    const theirs = (await listRoles(other.ctx))[0];
    const foreign = await refusal(
      createWorkflow(org.ctx, { name: 'Foreign', steps: [{ title: 'X', defaultRoleId: theirs?.id ?? '' }] }),
    );
    expect([foreign.reason, foreign.field]).toEqual(['unknown_role', 'steps.0.defaultRoleId']);
    const id = await createWorkflow(org.ctx, {
      name: 'By name',
      steps: [{ title: 'Keuring', defaultRole: ' apk-KEURMEESTER ' }],
    });
    expect((await getWorkflow(org.ctx, id)).steps[0]?.defaultRole).toBe('APK-keurmeester');
  });

  it('adds a template’s roles only for someone who keeps the list', async () => {
    const input = {
      name: 'Bezorgen',
      addRoles: [{ name: 'Bezorger', translations: { en: { name: 'Delivery driver' } } }],
      steps: [{ title: 'Bezorgen', defaultRole: 'Bezorger' }],
    };
    expect((await refusal(createWorkflow(specialist, input))).kind).toBe('forbidden');
    const id = await createWorkflow(admin, input);
    expect((await getWorkflow(org.ctx, id)).steps[0]?.defaultRole).toBe('Bezorger');
    expect((await listRoles(org.ctx)).find((r) => r.name === 'Bezorger')?.translations).toEqual({
      en: { name: 'Delivery driver' },
    });
  });

  it('changes a specialist’s role only through an admin', async () => {
    const { updateProfile } = await import('../../src/services/staff/team');
    const chauffeur = (await listRoles(org.ctx)).find((r) => r.name === 'Chauffeur');
    const profile = { name: 'Fatima El Amrani', bio: '', expertise: [], roleId: chauffeur?.id ?? '' };
    expect((await refusal(updateProfile(specialist, org.inspector.id, profile))).reason).toBe('admin_only');
    await updateProfile(admin, org.inspector.id, profile);
    expect(await person(org.inspector.id)).toMatchObject({
      roleId: chauffeur?.id,
      role: 'Chauffeur',
      translations: { en: { role: 'Driver' } },
    });
    const bogus = await refusal(updateProfile(admin, org.inspector.id, { ...profile, roleId: 'role_nope' }));
    expect(bogus.reason).toBe('unknown_role');
  });
});

describe('roles through the API', () => {
  it('lists, adds, renames and removes, in the error shape when refused', async () => {
    const listed = await call('GET', '/roles', { key: other.key });
    expect(listed.status).toBe(200);
    expect((listed.json.roles as { name: string }[]).map((r) => r.name)).toContain('Monteur');

    const added = await call('POST', '/roles', {
      key: other.key,
      body: { name: 'Witgoedmonteur', translations: { en: { name: 'Appliance engineer' } } },
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ name: 'Witgoedmonteur', people: 0, steps: 0 });
    const id = added.json.id as string;
    expect(
      (await call('POST', '/roles', { key: other.key, body: { name: 'witgoedmonteur' } })).json,
    ).toMatchObject({
      error: { code: 'role_exists' },
    });
    expect((await call('POST', '/roles', { key: other.key, body: { name: '' } })).status).toBe(422);
    expect((await call('POST', '/roles', { key: other.readKey, body: { name: 'Lezer' } })).status).toBe(403);

    const renamed = await call('PUT', `/roles/${id}`, {
      key: other.key,
      body: { name: 'Witgoedspecialist' },
    });
    expect([renamed.status, renamed.json.name]).toEqual([200, 'Witgoedspecialist']);
    // Another organisation's role is invisible.
    expect((await call('PUT', `/roles/${id}`, { key: org.key, body: { name: 'X' } })).status).toBe(404);
    expect((await call('DELETE', `/roles/${id}`, { key: org.key })).status).toBe(404);

    const workflow = await call('POST', '/workflows', {
      key: other.key,
      body: { name: 'Witgoed', steps: [{ title: 'Installatie', defaultRoleId: id }] },
    });
    expect(workflow.status).toBe(201);
    expect(workflow.json.steps[0]).toMatchObject({ defaultRoleId: id, defaultRole: 'Witgoedspecialist' });
    const typo = await call('POST', '/workflows', {
      key: other.key,
      body: { name: 'Typo', steps: [{ title: 'Installatie', defaultRole: 'Witgoedspecialst' }] },
    });
    expect(typo.status).toBe(422);
    expect(typo.json.error).toMatchObject({
      code: 'invalid_input',
      details: { field: 'steps.0.defaultRole' },
    });

    const inUse = await call('DELETE', `/roles/${id}`, { key: other.key });
    expect(inUse.status).toBe(409);
    expect(inUse.json.error).toMatchObject({ code: 'role_in_use', details: { people: 0, steps: 1 } });
    const spare = await call('POST', '/roles', { key: other.key, body: { name: 'Tijdelijk' } });
    expect((await call('DELETE', `/roles/${spare.json.id}`, { key: other.key })).status).toBe(204);
  });
});
