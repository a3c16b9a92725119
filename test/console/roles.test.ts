import { beforeAll, describe, expect, it } from 'vitest';
import { listRoles } from '../../src/services/organisation/roles';
import { getWorkflow, listWorkflows } from '../../src/services/organisation/workflows';
import { listInvites } from '../../src/services/staff/team';
import { signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

/** The team page keeps the list of roles; invitations, profiles and workflows choose from it. */
let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct();
});

describe('roles in the console', () => {
  it('starts with the founder’s role, adds, renames and removes roles, and invites with one', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Rollen');
    const team = async () => (await admin.client.get('/console/team')).text;
    const first = await team();
    expect(first).toContain('id="roles-heading"');
    expect(first).toContain('value="Owner"');

    const added = await admin.client.post('/console/team', {
      _action: 'addRole',
      name: 'APK-keurmeester',
      nameOther: 'MOT inspector',
    });
    expect(added.status).toBe(303);
    const twice = await admin.client.post('/console/team', { _action: 'addRole', name: 'apk-keurmeester ' });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('Er is al een rol met de naam');
    // What was typed stays in the form.
    expect(twice.text).toContain('value="apk-keurmeester "');

    const roles = await listRoles(admin.ctx);
    const keurmeester = roles.find((r) => r.name === 'APK-keurmeester');
    expect(keurmeester?.translations).toEqual({ en: { name: 'MOT inspector' } });
    const invited = await admin.client.post('/console/team', {
      _action: 'invite',
      email: 'fatima@rollen.test',
      name: 'Fatima',
      roleId: keurmeester?.id ?? '',
      permission: 'specialist',
    });
    expect(invited.status).toBe(200);
    expect((await listInvites(admin.ctx))[0]).toMatchObject({
      roleId: keurmeester?.id,
      role: 'APK-keurmeester',
    });
    const unknown = await admin.client.post('/console/team', {
      _action: 'invite',
      email: 'x@rollen.test',
      name: 'X',
      roleId: 'role_unknown',
      permission: 'specialist',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('Geen rol');

    const renamed = await admin.client.post('/console/team', {
      _action: 'renameRole',
      roleId: keurmeester?.id ?? '',
      name: 'Keurmeester',
      nameOther: 'Inspector',
    });
    expect(renamed.status).toBe(303);
    expect((await listInvites(admin.ctx))[0]?.role).toBe('Keurmeester');

    // A role in use offers no remove button; an unused one does, and goes.
    const spare = await admin.client.post('/console/team', { _action: 'addRole', name: 'Leerling' });
    expect(spare.status).toBe(303);
    const page = await team();
    const leerling = (await listRoles(admin.ctx)).find((r) => r.name === 'Leerling');
    expect(page).toContain(`name="roleId" value="${leerling?.id}"`);
    const removed = await admin.client.post('/console/team', {
      _action: 'deleteRole',
      roleId: leerling?.id ?? '',
    });
    expect(removed.status).toBe(303);
    const owner = (await listRoles(admin.ctx)).find((r) => r.name === 'Owner');
    const inUse = await admin.client.post('/console/team', {
      _action: 'deleteRole',
      roleId: owner?.id ?? '',
    });
    expect(inUse.status).toBe(409);
    expect(inUse.text).toContain('Deze rol wordt nog gebruikt door 1 personen');
  });

  it('starts a workflow from a template, adding the roles it names on save', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Sjabloon');
    const form = (await admin.client.get('/console/workflows?template=garage')).text;
    expect(form).toContain('APK-keurmeester (wordt bij opslaan aan uw rollen toegevoegd)');
    // Post the form as a browser would: every field with its value.
    const values: Record<string, string> = { _action: 'create' };
    for (const [, name, value] of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
      if (name && !name.endsWith('.notifyCustomer') && !name.endsWith('.remove')) values[name] = value ?? '';
    }
    for (const [, name, body] of form.matchAll(
      /<select[^>]*name="(steps\.\d+\.defaultRole)"[^>]*>([\s\S]*?)<\/select>/g,
    )) {
      const selected = /<option value="([^"]*)" selected/.exec(body ?? '');
      if (name) values[name] = selected?.[1]?.replaceAll('&amp;', '&') ?? '';
    }
    for (const [, name, text] of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) {
      if (name) values[name] = text ?? '';
    }
    const created = await admin.client.post('/console/workflows', values);
    expect(created.status, created.text.slice(0, 300)).toBe(303);
    const names = (await listRoles(admin.ctx)).map((r) => r.name).sort();
    expect(names).toEqual(['APK-keurmeester', 'Monteur', 'Owner', 'Serviceadviseur', 'Werkplaatschef']);
    expect((await listRoles(admin.ctx)).find((r) => r.name === 'Monteur')?.translations).toEqual({
      en: { name: 'Mechanic' },
    });
    const [workflow] = await listWorkflows(admin.ctx);
    const steps = (await getWorkflow(admin.ctx, workflow?.id ?? '')).steps;
    expect(steps.every((s) => s.defaultRoleId !== null)).toBe(true);
  });
});
