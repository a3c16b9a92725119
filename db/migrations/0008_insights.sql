CREATE TABLE `insight_questions` (
	`question_id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`job_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`position` integer NOT NULL,
	`channel` text NOT NULL,
	`asked_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`answered_at` integer,
	`answered_by_id` text
);
--> statement-breakpoint
CREATE INDEX `insight_questions_group` ON `insight_questions` (`organisation_id`,`workflow_id`,`position`,`asked_at`);--> statement-breakpoint
CREATE INDEX `insight_questions_answerer` ON `insight_questions` (`organisation_id`,`answered_by_id`,`asked_at`);--> statement-breakpoint
CREATE INDEX `insight_questions_asked` ON `insight_questions` (`organisation_id`,`asked_at`);--> statement-breakpoint
CREATE TABLE `insight_rollups` (
	`organisation_id` text NOT NULL,
	`span` text NOT NULL,
	`day` integer NOT NULL,
	`scope` text NOT NULL,
	`subject` text NOT NULL,
	`counts` text NOT NULL,
	`samples` blob,
	PRIMARY KEY(`organisation_id`, `span`, `day`, `scope`, `subject`)
);
--> statement-breakpoint
CREATE TABLE `insight_steps` (
	`step_id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`job_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`position` integer NOT NULL,
	`assignee_id` text,
	`ready_at` integer,
	`started_at` integer,
	`closed_at` integer,
	`status` text NOT NULL,
	`first_promised_at` integer,
	`promised_at` integer,
	`promise_changes` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `insight_steps_job` ON `insight_steps` (`job_id`,`position`);--> statement-breakpoint
CREATE INDEX `insight_steps_group` ON `insight_steps` (`organisation_id`,`workflow_id`,`position`,`closed_at`);--> statement-breakpoint
CREATE INDEX `insight_steps_assignee` ON `insight_steps` (`organisation_id`,`assignee_id`,`closed_at`);--> statement-breakpoint
CREATE INDEX `insight_steps_closed` ON `insight_steps` (`organisation_id`,`closed_at`);