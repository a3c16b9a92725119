CREATE TABLE `mail_failing_addresses` (
	`organisation_id` text NOT NULL,
	`address` text NOT NULL,
	`reason` text NOT NULL,
	`failed_at` integer NOT NULL,
	PRIMARY KEY(`organisation_id`, `address`),
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `mail_job_state` (
	`job_id` text PRIMARY KEY NOT NULL,
	`last_sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mail_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`job_id` text,
	`question_id` text,
	`message_id` text NOT NULL,
	`recipient` text NOT NULL,
	`locale` text NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`html` text NOT NULL,
	`text` text NOT NULL,
	`headers` text DEFAULT '{}' NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`locked_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_messages_message_id` ON `mail_messages` (`message_id`);--> statement-breakpoint
CREATE INDEX `mail_messages_due` ON `mail_messages` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `mail_messages_org` ON `mail_messages` (`organisation_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `mail_messages_job` ON `mail_messages` (`job_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `mail_pending` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`job_id` text NOT NULL,
	`kind` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mail_pending_job` ON `mail_pending` (`job_id`,`event_id`);--> statement-breakpoint
CREATE TABLE `notify_preferences` (
	`job_id` text NOT NULL,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`wanted` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`job_id`, `channel`, `kind`)
);
--> statement-breakpoint
ALTER TABLE `steps` ADD `notify_customer` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `workflow_steps` ADD `notify_customer` integer DEFAULT true NOT NULL;