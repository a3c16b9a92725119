import { createRoute } from '@hono/zod-openapi';
import {
  addCostLine,
  type CostLineInput,
  changeCostLine,
  removeCostLine,
} from '../services/costs/cost-lines';
import { router } from './env';
import { costLineOut } from './present';
import { body, errors, json } from './responses';
import { CostLineOut, CostLineParams, CostLinePatchBody, JobParams, NewCostLineBody } from './schemas';

const security = [{ bearer: [] }];
const tags = ['Cost lines'];
const changeErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  409: errors[409],
  422: errors[422],
};

const add = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/cost-lines',
  tags,
  security,
  summary: 'Add a cost line (labour, part, fee or discount)',
  request: { params: JobParams, ...body(NewCostLineBody) },
  responses: { 201: json(CostLineOut, 'The cost line'), ...changeErrors },
});

const change = createRoute({
  method: 'patch',
  path: '/jobs/{jobId}/cost-lines/{lineId}',
  tags,
  security,
  summary: 'Change a cost line (an estimate keeps its estimate when it becomes actual)',
  request: { params: CostLineParams, ...body(CostLinePatchBody) },
  responses: { 200: json(CostLineOut, 'The cost line after the change'), ...changeErrors },
});

const remove = createRoute({
  method: 'delete',
  path: '/jobs/{jobId}/cost-lines/{lineId}',
  tags,
  security,
  summary: 'Remove a cost line (the log keeps what it was)',
  request: { params: CostLineParams },
  responses: { 204: { description: 'Removed' }, ...changeErrors },
});

type WireLine = { quantity?: number; vatRate?: number } & Omit<
  Partial<CostLineInput>,
  'quantityMilli' | 'vatRateBp'
>;

/** Decimal quantity and percentage on the wire; thousandths and basis points inside. */
function toInput<T extends WireLine>({ quantity, vatRate, ...rest }: T) {
  return {
    ...rest,
    ...(quantity !== undefined ? { quantityMilli: Math.round(quantity * 1000) } : {}),
    ...(vatRate !== undefined ? { vatRateBp: Math.round(vatRate * 100) } : {}),
  };
}

export const costLineRoutes = () =>
  router()
    .openapi(add, async (c) => {
      const wire = c.req.valid('json');
      const line = await addCostLine(c.get('ctx'), c.req.valid('param').jobId, {
        ...toInput(wire),
        quantityMilli: Math.round(wire.quantity * 1000),
        vatRateBp: Math.round(wire.vatRate * 100),
      });
      return c.json(costLineOut(line), 201);
    })
    .openapi(change, async (c) => {
      const { jobId, lineId } = c.req.valid('param');
      const line = await changeCostLine(c.get('ctx'), jobId, lineId, toInput(c.req.valid('json')));
      return c.json(costLineOut(line), 200);
    })
    .openapi(remove, async (c) => {
      const { jobId, lineId } = c.req.valid('param');
      await removeCostLine(c.get('ctx'), jobId, lineId);
      return c.body(null, 204);
    });
