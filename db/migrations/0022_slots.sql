CREATE TABLE `bookings` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`job_id` text NOT NULL,
	`step_id` text NOT NULL,
	`capacity_key` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`status` text NOT NULL,
	`by_type` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`step_id`) REFERENCES `steps`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bookings_step` ON `bookings` (`step_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_org_starts` ON `bookings` (`organisation_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `slot_loads` (
	`organisation_id` text NOT NULL,
	`capacity_key` text NOT NULL,
	`starts_at` integer NOT NULL,
	`taken` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`organisation_id`, `capacity_key`, `starts_at`),
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `steps` ADD `booking` text;--> statement-breakpoint
ALTER TABLE `steps` ADD `capacity_key` text;--> statement-breakpoint
ALTER TABLE `steps` ADD `window_starts_at` integer;--> statement-breakpoint
ALTER TABLE `workflow_steps` ADD `booking` text;