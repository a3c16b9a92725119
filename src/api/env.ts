import { OpenAPIHono } from '@hono/zod-openapi';
import { validationError } from '../http/errors';
import type { Ctx } from '../services/platform/context';

export type ApiEnv = {
  Variables: {
    requestId: string;
    ctx: Ctx;
    /** The API key's organisation: what routes need of it. */
    organisation: { id: string; currency: string };
  };
};

/** Every API router is made here, so each reports invalid input the same way. */
export const router = () =>
  new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationError(c, result.target, result.error.issues);
    },
  });
