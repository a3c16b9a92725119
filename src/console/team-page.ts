import { z } from 'zod';
import { type ContentLocale, otherLocale } from '../i18n/content';
import { createRole, deleteRole, listRoles, updateRole } from '../services/organisation/roles';
import { LIMITS } from '../services/platform/limits';
import { PERMISSIONS } from '../services/staff/permissions';
import {
  inviteSpecialist,
  listInvites,
  listTeam,
  revokeInvite,
  setActive,
  setPermission,
} from '../services/staff/team';
import { type ConsolePage, type Handler, parseForm } from './page';

/**
 * The team page (src/pages/console/team.astro): who works here; admins invite, promote and deactivate,
 * and keep the list of roles that people have and workflow steps go to.
 */

const id = z.string().min(1).max(LIMITS.id);
const permission = z.enum(PERMISSIONS);
const inviteSchema = z.object({
  email: z.email().trim().max(LIMITS.email),
  name: z.string().trim().min(1).max(LIMITS.personName),
  roleId: id,
  permission,
});
const roleSchema = z.object({
  name: z.string().trim().min(1).max(LIMITS.role),
  nameOther: z.string().trim().max(LIMITS.role).default(''),
});

/** The team page's forms, one handler per `_action`; each calls one service. */
export function teamActions(
  page: Pick<ConsolePage, 'ctx' | 't' | 'rt'>,
  own: ContentLocale,
): Record<string, Handler> {
  const { ctx, rt, t } = page;
  const roleInput = (form: FormData) => {
    const input = parseForm(roleSchema, form, t);
    return { name: input.name, translations: { [otherLocale(own)]: { name: input.nameOther } } };
  };
  return {
    addRole: async (form) => {
      await createRole(ctx, roleInput(form));
      return undefined;
    },
    renameRole: async (form) => {
      await updateRole(ctx, parseForm(z.object({ roleId: id }), form, t).roleId, roleInput(form));
      return undefined;
    },
    deleteRole: async (form) => {
      await deleteRole(ctx, parseForm(z.object({ roleId: id }), form, t).roleId);
      return undefined;
    },
    invite: async (form) => {
      const input = parseForm(inviteSchema, form, t);
      // Email is always available: sent through SMTP_URL, or kept in the outbox the console shows.
      const { token } = await inviteSpecialist(ctx, input, { mail: { publicUrl: rt.config.publicUrl } });
      return { show: { ...input, url: `${rt.config.publicUrl}/console/invite/${token}` } };
    },
    permission: async (form) => {
      const input = parseForm(z.object({ specialistId: id, permission }), form, t);
      await setPermission(ctx, input.specialistId, input.permission);
      return undefined;
    },
    deactivate: async (form) => {
      await setActive(ctx, parseForm(z.object({ specialistId: id }), form, t).specialistId, false);
      return undefined;
    },
    reactivate: async (form) => {
      await setActive(ctx, parseForm(z.object({ specialistId: id }), form, t).specialistId, true);
      return undefined;
    },
    revoke: async (form) => {
      await revokeInvite(ctx, parseForm(z.object({ inviteId: id }), form, t).inviteId);
      return undefined;
    },
  };
}

/** The team, its roles, and for admins the open invitations (read together). */
export async function loadTeam(page: Pick<ConsolePage, 'ctx' | 'staff'>) {
  const [team, invites, roles] = await Promise.all([
    listTeam(page.ctx),
    page.staff.isAdmin ? listInvites(page.ctx) : [],
    listRoles(page.ctx),
  ]);
  return { team, invites, roles };
}
