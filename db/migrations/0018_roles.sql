CREATE TABLE `roles` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`translations` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roles_org_name` ON `roles` (`organisation_id`,`name_key`);--> statement-breakpoint
ALTER TABLE `invites` ADD `role_id` text REFERENCES roles(id);--> statement-breakpoint
ALTER TABLE `specialists` ADD `role_id` text REFERENCES roles(id);--> statement-breakpoint
ALTER TABLE `workflow_steps` ADD `default_role_id` text REFERENCES roles(id);--> statement-breakpoint
-- Data: one role per organisation for every role name typed so far (compared case-insensitively).
INSERT INTO `roles` (`id`, `organisation_id`, `name`, `name_key`, `translations`, `created_at`)
SELECT 'role_' || lower(hex(randomblob(12))), `organisation_id`,
  -- Spelled as the longest-serving specialist with it spells it; otherwise as typed elsewhere.
  coalesce((SELECT trim(s.`role`) FROM `specialists` s WHERE s.`organisation_id` = typed.`organisation_id` AND lower(trim(s.`role`)) = typed.`key` ORDER BY s.`created_at` LIMIT 1), min(`name`)),
  `key`, '{}', CAST(strftime('%s', 'now') AS integer) * 1000
FROM (
  SELECT `organisation_id`, trim(`role`) AS `name`, lower(trim(`role`)) AS `key` FROM `specialists` WHERE trim(`role`) <> ''
  UNION ALL
  SELECT `organisation_id`, trim(`role`), lower(trim(`role`)) FROM `invites` WHERE trim(`role`) <> ''
  UNION ALL
  SELECT w.`organisation_id`, trim(ws.`default_role`), lower(trim(ws.`default_role`))
  FROM `workflow_steps` ws JOIN `workflows` w ON w.`id` = ws.`workflow_id`
  WHERE ws.`default_role` IS NOT NULL AND trim(ws.`default_role`) <> ''
) AS typed
GROUP BY `organisation_id`, `key`;--> statement-breakpoint
UPDATE `specialists` SET `role_id` = (SELECT r.`id` FROM `roles` r WHERE r.`organisation_id` = `specialists`.`organisation_id` AND r.`name_key` = lower(trim(`specialists`.`role`)));--> statement-breakpoint
UPDATE `invites` SET `role_id` = (SELECT r.`id` FROM `roles` r WHERE r.`organisation_id` = `invites`.`organisation_id` AND r.`name_key` = lower(trim(`invites`.`role`)));--> statement-breakpoint
UPDATE `workflow_steps` SET `default_role_id` = (
  SELECT r.`id` FROM `roles` r JOIN `workflows` w ON w.`organisation_id` = r.`organisation_id`
  WHERE w.`id` = `workflow_steps`.`workflow_id` AND r.`name_key` = lower(trim(`workflow_steps`.`default_role`))
) WHERE `default_role` IS NOT NULL;--> statement-breakpoint
-- A role's name in the other language: the one its specialists gave (the first found).
UPDATE `roles` SET `translations` = json_set(`translations`, '$.en.name', (
  SELECT json_extract(s.`translations`, '$.en.role') FROM `specialists` s
  WHERE s.`role_id` = `roles`.`id` AND coalesce(json_extract(s.`translations`, '$.en.role'), '') <> '' ORDER BY s.`created_at` LIMIT 1
)) WHERE EXISTS (
  SELECT 1 FROM `specialists` s WHERE s.`role_id` = `roles`.`id` AND coalesce(json_extract(s.`translations`, '$.en.role'), '') <> ''
);--> statement-breakpoint
UPDATE `roles` SET `translations` = json_set(`translations`, '$.nl.name', (
  SELECT json_extract(s.`translations`, '$.nl.role') FROM `specialists` s
  WHERE s.`role_id` = `roles`.`id` AND coalesce(json_extract(s.`translations`, '$.nl.role'), '') <> '' ORDER BY s.`created_at` LIMIT 1
)) WHERE EXISTS (
  SELECT 1 FROM `specialists` s WHERE s.`role_id` = `roles`.`id` AND coalesce(json_extract(s.`translations`, '$.nl.role'), '') <> ''
);--> statement-breakpoint
-- Every specialist's copy of the role's names (see db/schema/specialists.ts).
UPDATE `specialists` SET
  `role` = (SELECT r.`name` FROM `roles` r WHERE r.`id` = `specialists`.`role_id`),
  `translations` = json_remove(json_remove(`translations`, '$.en.role'), '$.nl.role')
WHERE `role_id` IS NOT NULL;--> statement-breakpoint
UPDATE `specialists` SET `translations` = json_set(`translations`, '$.en.role', (SELECT json_extract(r.`translations`, '$.en.name') FROM `roles` r WHERE r.`id` = `specialists`.`role_id`))
WHERE (SELECT json_extract(r.`translations`, '$.en.name') FROM `roles` r WHERE r.`id` = `specialists`.`role_id`) IS NOT NULL;--> statement-breakpoint
UPDATE `specialists` SET `translations` = json_set(`translations`, '$.nl.role', (SELECT json_extract(r.`translations`, '$.nl.name') FROM `roles` r WHERE r.`id` = `specialists`.`role_id`))
WHERE (SELECT json_extract(r.`translations`, '$.nl.name') FROM `roles` r WHERE r.`id` = `specialists`.`role_id`) IS NOT NULL;
