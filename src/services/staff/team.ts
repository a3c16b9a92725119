import { and, asc, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import { rowsAffected } from '../../../db/dialect';
import {
  CONTENT_LOCALES,
  invites,
  organisations,
  type Specialist,
  type SpecialistTranslations,
  specialists,
  users,
} from '../../../db/schema';
import { cleanTranslations, type Translations } from '../../i18n/content';
import { queueInvitation } from '../../notify/mail/staff-mail';
import { type Role, resolveRole, roleCopy } from '../organisation/roles';
import { type Ctx, type Db, inTransaction, writeTransaction } from '../platform/context';
import { conflict, invalid, notFound, ServiceError } from '../platform/errors';
import { accessEnded, appendEvent } from '../platform/events';
import { newId, newToken, sha256 } from '../platform/ids';
import { ownImages } from '../platform/media';
import { type Client, endSessions, findUserByEmail } from './auth';
import { type Permission, refuseUnless } from './permissions';
import { authCall, type Signed } from './session';

export type { Permission };

const INVITE_DAYS = 14;

/** The acting specialist, who must be an active admin of the organisation. */
export async function requireAdmin(ctx: Ctx): Promise<Specialist> {
  const me = await actingSpecialist(ctx);
  refuseUnless(me.permission, 'team:manage');
  return me;
}

export async function actingSpecialist(ctx: Ctx): Promise<Specialist> {
  if (ctx.actor.type !== 'specialist' || !ctx.actor.id) {
    throw new ServiceError('forbidden', 'staff_only');
  }
  const [me] = await ctx.db
    .select()
    .from(specialists)
    .where(and(eq(specialists.id, ctx.actor.id), eq(specialists.organisationId, ctx.organisationId)));
  if (!me?.active) throw new ServiceError('forbidden', 'deactivated');
  return me;
}

/** Loads a member of the acting organisation; another organisation's is not found. */
async function member(db: Db, ctx: Ctx, id: string): Promise<Specialist> {
  const [found] = await db
    .select()
    .from(specialists)
    .where(and(eq(specialists.id, id), eq(specialists.organisationId, ctx.organisationId)));
  if (!found) throw notFound('specialist');
  return found;
}

export type InviteInput = { email: string; name: string; roleId: string; permission: Permission };

/** An invitation link for a new colleague; the token is returned once and stored only as a hash. */
export async function inviteSpecialist(
  ctx: Ctx,
  input: InviteInput,
  options: { mail?: { publicUrl: string } } = {},
) {
  const me = await requireAdmin(ctx);
  const email = input.email.trim().toLowerCase();
  if (await findUserByEmail(ctx.db, email)) throw invalid('email', 'email_in_use');
  const token = newToken();
  const now = ctx.clock.now();
  const id = newId('inv');
  await inTransaction(ctx, async (tx) => {
    const role = await resolveRole(tx, ctx.organisationId, { roleId: input.roleId }, 'roleId');
    // A fresh invitation replaces an open one for the same address.
    await tx
      .update(invites)
      .set({ revokedAt: now })
      .where(
        and(
          eq(invites.organisationId, ctx.organisationId),
          eq(invites.email, email),
          isNull(invites.acceptedAt),
          isNull(invites.revokedAt),
        ),
      );
    await tx.insert(invites).values({
      id,
      organisationId: ctx.organisationId,
      email,
      name: input.name,
      roleId: role.id,
      role: role.name,
      permission: input.permission,
      tokenHash: sha256(token),
      invitedBy: me.id,
      createdAt: now,
      expiresAt: now + INVITE_DAYS * 86_400_000,
    });
    // Emailed with the invitation itself: both are made, or neither.
    if (options.mail) {
      await queueInvitation(tx, {
        organisationId: ctx.organisationId,
        email,
        name: input.name,
        role: role.name,
        inviter: me.name,
        url: `${options.mail.publicUrl}/console/invite/${token}`,
        days: INVITE_DAYS,
        now,
      });
    }
  });
  return { id, token };
}

/** Open invitations, newest first. */
export async function listInvites(ctx: Ctx) {
  await requireAdmin(ctx);
  return ctx.db
    .select()
    .from(invites)
    .where(
      and(
        eq(invites.organisationId, ctx.organisationId),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, ctx.clock.now()),
      ),
    )
    .orderBy(desc(invites.createdAt));
}

export async function revokeInvite(ctx: Ctx, inviteId: string) {
  await requireAdmin(ctx);
  const result = await ctx.db
    .update(invites)
    .set({ revokedAt: ctx.clock.now() })
    .where(
      and(
        eq(invites.id, inviteId),
        eq(invites.organisationId, ctx.organisationId),
        isNull(invites.acceptedAt),
      ),
    );
  if (rowsAffected(result) === 0) throw notFound('invitation');
}

/** An invitation that can still be accepted, with its organisation; null when unknown, used, revoked or expired. */
export async function findInvite(db: Db, now: number, token: string) {
  if (token.length > 64) return null;
  const [row] = await db
    .select({ invite: invites, organisation: organisations })
    .from(invites)
    .innerJoin(organisations, eq(organisations.id, invites.organisationId))
    .where(eq(invites.tokenHash, sha256(token)));
  if (!row || row.invite.acceptedAt || row.invite.revokedAt || row.invite.expiresAt <= now) return null;
  return row;
}

/**
 * Accepting an invitation: the colleague chooses a password (and may correct their name), gets a
 * sign-in identity and becomes a specialist of the organisation. The invitation works once.
 */
export async function acceptInvite(
  deps: { db: Db; clock: { now(): number }; auth: Parameters<typeof authCall>[0] },
  token: string,
  input: { name: string; password: string },
  client: Client,
): Promise<Signed> {
  const found = await findInvite(deps.db, deps.clock.now(), token);
  if (!found) throw notFound('invitation');
  const { invite } = found;
  if (await findUserByEmail(deps.db, invite.email)) {
    throw conflict('email_taken');
  }
  const signed = await authCall(
    deps.auth,
    '/sign-up/email',
    { name: input.name, email: invite.email, password: input.password },
    client,
  );
  const now = deps.clock.now();
  try {
    await writeTransaction(deps.db, async (tx) => {
      const claimed = await tx
        .update(invites)
        .set({ acceptedAt: now })
        .where(and(eq(invites.id, invite.id), isNull(invites.acceptedAt), isNull(invites.revokedAt)));
      if (rowsAffected(claimed) === 0) throw notFound('invitation');
      // A role removed since the invitation revoked it (services/organisation/roles.ts).
      if (!invite.roleId) throw notFound('invitation');
      const role = await resolveRole(tx, invite.organisationId, { roleId: invite.roleId }, 'roleId');
      await tx.insert(specialists).values({
        id: newId('spec'),
        organisationId: invite.organisationId,
        name: input.name,
        email: invite.email,
        ...roleCopy({ translations: {} }, role),
        permission: invite.permission,
        userId: signed.userId,
        createdAt: now,
      });
    });
  } catch (error) {
    await deps.db.delete(users).where(eq(users.id, signed.userId));
    throw error;
  }
  return signed;
}

/** The whole team, active first, for the console. */
export async function listTeam(ctx: Ctx) {
  return ctx.db
    .select()
    .from(specialists)
    .where(eq(specialists.organisationId, ctx.organisationId))
    .orderBy(desc(specialists.active), asc(specialists.name));
}

export async function getMember(ctx: Ctx, id: string) {
  return member(ctx.db, ctx, id);
}

/** Admin or specialist. There is always at least one active admin. */
export async function setPermission(ctx: Ctx, specialistId: string, permission: Permission) {
  await requireAdmin(ctx);
  await inTransaction(ctx, async (tx) => {
    const target = await member(tx, ctx, specialistId);
    if (target.permission === 'admin' && permission !== 'admin') await keepAnAdmin(tx, ctx, target.id);
    await tx.update(specialists).set({ permission }).where(eq(specialists.id, target.id));
  });
}

/**
 * Deactivating ends every session at once and refuses new ones; the name stays on past steps, notes
 * and costs (rows keep pointing at the specialist). Reactivating lets them sign in again.
 */
export async function setActive(ctx: Ctx, specialistId: string, active: boolean) {
  const me = await requireAdmin(ctx);
  if (!active && me.id === specialistId) throw invalid('specialistId', 'cannot_deactivate_self');
  const target = await inTransaction(ctx, async (tx) => {
    const found = await member(tx, ctx, specialistId);
    if (!active && found.permission === 'admin') await keepAnAdmin(tx, ctx, found.id);
    await tx.update(specialists).set({ active }).where(eq(specialists.id, found.id));
    // In the same transaction: their open console streams end before any later event reaches them.
    if (!active) await appendEvent(tx, ctx, accessEnded(found.id, null));
    return found;
  });
  if (!active && target.userId) await endSessions(ctx.db, target.userId);
}

async function keepAnAdmin(db: Db, ctx: Ctx, leavingId: string) {
  const [other] = await db
    .select({ id: specialists.id })
    .from(specialists)
    .where(
      and(
        eq(specialists.organisationId, ctx.organisationId),
        eq(specialists.permission, 'admin'),
        eq(specialists.active, true),
        ne(specialists.id, leavingId),
      ),
    )
    .limit(1);
  if (!other) throw conflict('last_admin');
}

export type ProfileInput = {
  name: string;
  /** One of the organisation's roles; only an admin changes it (it decides routing). Undefined keeps it. */
  roleId?: string;
  bio: string;
  /** The bio in the other language; undefined keeps what is stored. (The role's names come with the role.) */
  translations?: Translations<'bio'>;
  expertise: string[];
  /** An image stored with `storeImage(…, 'avatar')`; null removes the photo; undefined keeps it. */
  photoId?: string | null;
};

/** A profile is edited by its owner or by an admin. */
export async function updateProfile(ctx: Ctx, specialistId: string, input: ProfileInput) {
  const me = await actingSpecialist(ctx);
  if (me.id !== specialistId && me.permission !== 'admin') {
    throw new ServiceError('forbidden', 'admin_only');
  }
  const target = await member(ctx.db, ctx, specialistId);
  const newRole = input.roleId !== undefined && input.roleId !== target.roleId;
  if (newRole && me.permission !== 'admin') throw new ServiceError('forbidden', 'admin_only');
  const role = newRole
    ? await resolveRole(ctx.db, ctx.organisationId, { roleId: input.roleId ?? '' }, 'roleId')
    : null;
  const photoUrl =
    input.photoId === undefined
      ? target.photoUrl
      : input.photoId === null
        ? null
        : `/media/${(await ownImages(ctx.db, ctx, 'photo', [input.photoId]))[0]?.id}`;
  const expertise = [...new Set(input.expertise.map((e) => e.trim()).filter(Boolean))].slice(0, 12);
  await ctx.db
    .update(specialists)
    .set({
      name: input.name,
      bio: input.bio,
      expertise,
      photoUrl,
      ...profileTexts(target, input.translations, role),
    })
    .where(eq(specialists.id, target.id));
}

/** The bio's translation as given, the role's names from the role (a new one, or the one held). */
function profileTexts(target: Specialist, bio: Translations<'bio'> | undefined, role: Role | null) {
  const translations: SpecialistTranslations = { ...target.translations };
  if (bio) {
    const given = cleanTranslations(bio, ['bio'] as const);
    for (const locale of CONTENT_LOCALES) {
      const { bio: _old, ...rest } = translations[locale] ?? {};
      const next = { ...rest, ...given[locale] };
      if (Object.keys(next).length) translations[locale] = next;
      else delete translations[locale];
    }
  }
  return role ? roleCopy({ translations }, role) : { translations };
}
