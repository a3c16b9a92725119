ALTER TABLE `specialists` ADD `rating_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `specialists` ADD `rating_sum` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `events_org` ON `events` (`organisation_id`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_org_status_updated` ON `jobs` (`organisation_id`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `jobs_org_status_created` ON `jobs` (`organisation_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_org_updated` ON `jobs` (`organisation_id`,`updated_at`);--> statement-breakpoint
UPDATE `specialists` SET `rating_count` = (SELECT count(*) FROM `ratings` WHERE `ratings`.`specialist_id` = `specialists`.`id`), `rating_sum` = (SELECT coalesce(sum(`score`), 0) FROM `ratings` WHERE `ratings`.`specialist_id` = `specialists`.`id`);