CREATE TABLE `consults` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`job_id` text NOT NULL,
	`step_id` text,
	`question_id` text NOT NULL,
	`cost_line_id` text NOT NULL,
	`signoff_id` text NOT NULL,
	`offer_id` text NOT NULL,
	`expert_id` text,
	`title` text NOT NULL,
	`locale` text NOT NULL,
	`minutes` integer NOT NULL,
	`price_cents` integer NOT NULL,
	`vat_rate_bp` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`step_id`) REFERENCES `steps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`expert_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consults_job` ON `consults` (`job_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `consults_question` ON `consults` (`question_id`);--> statement-breakpoint
CREATE INDEX `consults_org` ON `consults` (`organisation_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `questions` ADD `paid` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `questions` ADD `talk_at` integer;