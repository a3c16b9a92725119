import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import type { RoleTranslations, SpecialistTranslations } from '../../../db/schema';
import {
  consultOffers,
  invites,
  type Role,
  roles,
  specialists,
  workflowSteps,
  workflows,
} from '../../../db/schema';
import { cleanTranslations } from '../../i18n/content';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, invalid, notFound } from '../platform/errors';
import { newId } from '../platform/ids';
import { authorize } from '../staff/permissions';

/**
 * The organisation's managed list of roles (docs/decisions/step-roles.md). Specialists have one, a
 * workflow step names the one it goes to first, and question escalation looks for a colleague with
 * the same one: all by id. A role is chosen from the list wherever it is set; a name given through the
 * API must be on it. A specialist's `role` text is this service's copy of the role's names.
 */

export type { Role };
export const ROLE_TEXT_FIELDS = ['name'] as const;

/** The comparison form of a role's name: "APK-keurmeester" and " apk-KEURMEESTER" are one role. */
export const roleKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

export type RoleInput = { name: string; translations?: RoleTranslations };

/** A role as the console and the API list it: with how many people and workflow steps use it. */
/** A role with who uses it: active people, workflow steps, and whether it can go (nobody, not even a former colleague). */
export type RoleView = Role & { people: number; steps: number; removable: boolean };

export async function listRoles(ctx: Ctx): Promise<RoleView[]> {
  const [rows, people, steps] = [
    await ctx.db
      .select()
      .from(roles)
      .where(eq(roles.organisationId, ctx.organisationId))
      .orderBy(asc(roles.nameKey)),
    await ctx.db
      .select({ id: specialists.roleId, active: specialists.active, n: count() })
      .from(specialists)
      .where(eq(specialists.organisationId, ctx.organisationId))
      .groupBy(specialists.roleId, specialists.active),
    await ctx.db
      .select({ id: workflowSteps.defaultRoleId, n: count() })
      .from(workflowSteps)
      .innerJoin(workflows, eq(workflows.id, workflowSteps.workflowId))
      .where(eq(workflows.organisationId, ctx.organisationId))
      .groupBy(workflowSteps.defaultRoleId),
  ];
  const activeBy = new Map(people.filter((p) => p.active).map((p) => [p.id, p.n]));
  const anyone = new Set(people.map((p) => p.id));
  const stepsBy = new Map(steps.map((s) => [s.id, s.n]));
  return rows.map((r) => {
    const used = { people: activeBy.get(r.id) ?? 0, steps: stepsBy.get(r.id) ?? 0 };
    return { ...r, ...used, removable: used.steps === 0 && !anyone.has(r.id) };
  });
}

export async function getRole(ctx: Ctx, roleId: string): Promise<RoleView> {
  const found = (await listRoles(ctx)).find((r) => r.id === roleId);
  if (!found) throw notFound('role');
  return found;
}

async function byKey(db: Db, organisationId: string, name: string): Promise<Role | undefined> {
  const [found] = await db
    .select()
    .from(roles)
    .where(and(eq(roles.organisationId, organisationId), eq(roles.nameKey, roleKey(name))));
  return found;
}

async function byId(db: Db, organisationId: string, roleId: string): Promise<Role | undefined> {
  const [found] = await db
    .select()
    .from(roles)
    .where(and(eq(roles.id, roleId), eq(roles.organisationId, organisationId)));
  return found;
}

async function insertRole(db: Db, organisationId: string, input: RoleInput, now: number): Promise<Role> {
  const row: Role = {
    id: newId('role'),
    organisationId,
    name: input.name.trim().replace(/\s+/g, ' '),
    nameKey: roleKey(input.name),
    translations: cleanTranslations(input.translations, ROLE_TEXT_FIELDS),
    createdAt: now,
  };
  await db.insert(roles).values(row);
  return row;
}

export async function createRole(ctx: Ctx, input: RoleInput): Promise<Role> {
  return inTransaction(ctx, async (tx) => {
    await authorize(tx, ctx, 'role:manage');
    if (await byKey(tx, ctx.organisationId, input.name))
      throw conflict('role_exists', { role: input.name.trim() });
    return insertRole(tx, ctx.organisationId, input, ctx.clock.now());
  });
}

/**
 * Renames a role (or its name in the other language): everyone with it reads the new name at once,
 * on the console and on every tracker, since profiles are read as they are now.
 */
export async function updateRole(ctx: Ctx, roleId: string, input: RoleInput): Promise<Role> {
  return inTransaction(ctx, async (tx) => {
    const found = await byId(tx, ctx.organisationId, roleId);
    if (!found) throw notFound('role');
    await authorize(tx, ctx, 'role:manage');
    const same = await byKey(tx, ctx.organisationId, input.name);
    if (same && same.id !== roleId) throw conflict('role_exists', { role: input.name.trim() });
    const next: Role = {
      ...found,
      name: input.name.trim().replace(/\s+/g, ' '),
      nameKey: roleKey(input.name),
      translations:
        input.translations === undefined
          ? found.translations
          : cleanTranslations(input.translations, ROLE_TEXT_FIELDS),
    };
    await tx
      .update(roles)
      .set({ name: next.name, nameKey: next.nameKey, translations: next.translations })
      .where(eq(roles.id, roleId));
    const holders = await tx.select().from(specialists).where(eq(specialists.roleId, roleId));
    for (const s of holders)
      await tx.update(specialists).set(roleCopy(s, next)).where(eq(specialists.id, s.id));
    await tx
      .update(invites)
      .set({ role: next.name })
      .where(and(eq(invites.roleId, roleId), isNull(invites.acceptedAt)));
    return next;
  });
}

/** Removes a role nobody uses: no specialist (active or not: past jobs show it) and no workflow step. */
export async function deleteRole(ctx: Ctx, roleId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const found = await byId(tx, ctx.organisationId, roleId);
    if (!found) throw notFound('role');
    await authorize(tx, ctx, 'role:manage');
    const [[people], [steps]] = [
      await tx.select({ n: count() }).from(specialists).where(eq(specialists.roleId, roleId)),
      await tx.select({ n: count() }).from(workflowSteps).where(eq(workflowSteps.defaultRoleId, roleId)),
    ];
    const inUse = { people: people?.n ?? 0, steps: steps?.n ?? 0 };
    if (inUse.people || inUse.steps) throw conflict('role_in_use', inUse, inUse);
    // Open invitations for it lapse: accepting one would make a specialist without a role.
    await tx
      .update(invites)
      .set({ revokedAt: ctx.clock.now() })
      .where(and(eq(invites.roleId, roleId), isNull(invites.acceptedAt), isNull(invites.revokedAt)));
    await tx.update(invites).set({ roleId: null }).where(eq(invites.roleId, roleId));
    // A consult offer with this role goes to the step's specialist instead (docs/decisions/consults.md).
    await tx.update(consultOffers).set({ roleId: null }).where(eq(consultOffers.roleId, roleId));
    await tx.delete(roles).where(eq(roles.id, roleId));
  });
}

/** How a caller names a role: by id (the console, the API's `roleId`) or by its name (the API's `role`). */
export type RoleRef = { roleId: string } | { name: string };

/** The organisation's role a caller named; `field` is the input it came from, refused when unknown. */
export async function resolveRole(
  db: Db,
  organisationId: string,
  ref: RoleRef,
  field: string,
): Promise<Role> {
  const found =
    'roleId' in ref ? await byId(db, organisationId, ref.roleId) : await byKey(db, organisationId, ref.name);
  if (!found) throw invalid(field, 'unknown_role', { role: 'roleId' in ref ? ref.roleId : ref.name });
  return found;
}

/** Several roles at once (a workflow's steps): one read, refused at the first unknown. */
export async function resolveRoles(
  db: Db,
  organisationId: string,
  refs: (RoleRef | null)[],
  field: (index: number) => string,
): Promise<(Role | null)[]> {
  if (refs.every((r) => r === null)) return refs.map(() => null);
  const list = await db.select().from(roles).where(eq(roles.organisationId, organisationId));
  return refs.map((ref, i) => {
    if (!ref) return null;
    const found =
      'roleId' in ref
        ? list.find((r) => r.id === ref.roleId)
        : list.find((r) => r.nameKey === roleKey(ref.name));
    if (!found) throw invalid(field(i), 'unknown_role', { role: 'roleId' in ref ? ref.roleId : ref.name });
    return found;
  });
}

/**
 * The roles named, made where missing (sign-up's first role, a workflow template's roles): used only
 * where the person setting up is the one who decides the list.
 */
export async function ensureRoles(
  db: Db,
  organisationId: string,
  wanted: RoleInput[],
  now: number,
): Promise<Map<string, Role>> {
  const out = new Map<string, Role>();
  if (wanted.length === 0) return out;
  const keys = [...new Set(wanted.map((w) => roleKey(w.name)))];
  const existing = await db
    .select()
    .from(roles)
    .where(and(eq(roles.organisationId, organisationId), inArray(roles.nameKey, keys)));
  for (const r of existing) out.set(r.nameKey, r);
  for (const w of wanted) {
    const key = roleKey(w.name);
    if (!out.has(key)) out.set(key, await insertRole(db, organisationId, w, now));
  }
  return out;
}

/** What a specialist row keeps of its role: the id, and the names copied for profiles. */
export function roleCopy(specialist: { translations: SpecialistTranslations }, role: Role) {
  const translations: SpecialistTranslations = { ...specialist.translations };
  for (const locale of ['nl', 'en'] as const) {
    const rest = { ...translations[locale] };
    delete rest.role;
    const name = role.translations[locale]?.name;
    if (name) rest.role = name;
    if (Object.keys(rest).length) translations[locale] = rest;
    else delete translations[locale];
  }
  return { roleId: role.id, role: role.name, translations };
}
