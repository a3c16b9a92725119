CREATE TABLE `job_feedback` (
	`job_id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`score` integer NOT NULL,
	`comment` text,
	`created_at` integer NOT NULL,
	`follow_up_by` text,
	`follow_up_done_at` integer,
	`follow_up_note` text,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`follow_up_by`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `job_feedback_org_created` ON `job_feedback` (`organisation_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `job_feedback_follow_up` ON `job_feedback` (`organisation_id`,`follow_up_done_at`);