import { hideSetupChecklist } from '../services/organisation/checklist';
import type { Ctx } from '../services/platform/context';
import type { Handler } from './page';

/** The board's forms (src/pages/console/index.astro), one handler per `_action`; each calls one service. */
export function boardActions(ctx: Ctx): Record<string, Handler> {
  return {
    hideSetup: async () => {
      await hideSetupChecklist(ctx);
      return undefined;
    },
  };
}
