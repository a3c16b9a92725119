import { demoOrganisations } from '../demo/seed-data';
import { english } from '../demo/seed-translations';
import type { ContentLocale } from '../i18n/content';
import type { WorkflowInput } from '../services/organisation/workflows';
import { BOOKING_DEFAULTS } from '../services/slots/booking';

/**
 * Workflows a new business starts from: the demo's garage, notary and delivery company (the steps they run,
 * written in Dutch with English beside them), and a blank one. The editor shows a template's steps as if
 * typed; nothing is saved until the admin saves.
 */
export const TEMPLATE_KEYS = ['garage', 'notary', 'delivery'] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

const sources: Record<TemplateKey, WorkflowInput | undefined> = {
  garage: demoOrganisations[0]?.workflows[0],
  notary: demoOrganisations[1]?.workflows[0],
  delivery: demoOrganisations[2]?.workflows[0],
};

export const isTemplateKey = (key: string | null): key is TemplateKey =>
  TEMPLATE_KEYS.includes(key as TemplateKey);

/** A template in the organisation's own language, the other one beside it; null for an unknown key. */
export function workflowTemplate(key: string | null, own: ContentLocale) {
  if (!isTemplateKey(key)) return null;
  const source = sources[key];
  if (!source) return null;
  const inOwn = (dutch: string) => (own === 'nl' ? dutch : english(dutch));
  const inOther = (dutch: string) => (own === 'nl' ? english(dutch) : dutch);
  const other = own === 'nl' ? 'en' : 'nl';
  return {
    name: inOwn(source.name),
    answerMinutes: source.answerMinutes ?? null,
    steps: source.steps.map((step) => ({
      title: inOwn(step.title),
      description: step.description ? inOwn(step.description) : '',
      translations: {
        [other]: {
          title: inOther(step.title),
          description: step.description ? inOther(step.description) : '',
        },
      },
      // The role by name, in both languages: the editor picks the organisation's role of that name, or
      // offers to add it to the list on save.
      defaultRole: step.defaultRole ? inOwn(step.defaultRole) : null,
      defaultRoleOther: step.defaultRole ? inOther(step.defaultRole) : null,
      expectedMinutes: step.expectedMinutes ?? null,
      booking: step.booking ? { ...BOOKING_DEFAULTS, ...step.booking } : null,
    })),
  };
}
