-- A role-less bookable step's capacity was named by its workflow and position, which a reorder of the
-- workflow's steps changed; it is named by the workflow step's id now (kept across edits).
UPDATE steps SET capacity_key = (
  SELECT 'workflow-step:' || ws.id FROM workflow_steps ws
  WHERE 'workflow:' || ws.workflow_id || ':' || ws.position = steps.capacity_key
) WHERE capacity_key LIKE 'workflow:%' AND EXISTS (
  SELECT 1 FROM workflow_steps ws WHERE 'workflow:' || ws.workflow_id || ':' || ws.position = steps.capacity_key
);
--> statement-breakpoint
UPDATE bookings SET capacity_key = (
  SELECT 'workflow-step:' || ws.id FROM workflow_steps ws
  WHERE 'workflow:' || ws.workflow_id || ':' || ws.position = bookings.capacity_key
) WHERE capacity_key LIKE 'workflow:%' AND EXISTS (
  SELECT 1 FROM workflow_steps ws WHERE 'workflow:' || ws.workflow_id || ':' || ws.position = bookings.capacity_key
);
--> statement-breakpoint
UPDATE slot_loads SET capacity_key = (
  SELECT 'workflow-step:' || ws.id FROM workflow_steps ws
  WHERE 'workflow:' || ws.workflow_id || ':' || ws.position = slot_loads.capacity_key
) WHERE capacity_key LIKE 'workflow:%' AND EXISTS (
  SELECT 1 FROM workflow_steps ws WHERE 'workflow:' || ws.workflow_id || ':' || ws.position = slot_loads.capacity_key
);
