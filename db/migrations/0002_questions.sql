CREATE TABLE `questions` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`job_id` text NOT NULL,
	`step_id` text,
	`channel` text NOT NULL,
	`body` text NOT NULL,
	`assignee_id` text,
	`first_assignee_id` text,
	`recorded_by_id` text,
	`asked_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`escalated_at` integer,
	`answer` text,
	`answered_at` integer,
	`answered_by_id` text,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`step_id`) REFERENCES `steps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`first_assignee_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answered_by_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `questions_job` ON `questions` (`job_id`,`asked_at`);--> statement-breakpoint
CREATE INDEX `questions_open` ON `questions` (`organisation_id`,`answered_at`,`due_at`);