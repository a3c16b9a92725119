CREATE TABLE `published_answers` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`workflow_step_id` text,
	`role_id` text NOT NULL,
	`source_question_id` text,
	`status` text NOT NULL,
	`question` text,
	`answer` text,
	`translations` text DEFAULT '{}' NOT NULL,
	`draft_question` text,
	`draft_answer` text,
	`draft_translations` text,
	`draft_by_id` text,
	`draft_at` integer,
	`author_id` text NOT NULL,
	`published_by_id` text,
	`reviewed_by_id` text,
	`reviewed_at` integer,
	`published_at` integer,
	`retired_at` integer,
	`merged_into_id` text,
	`shown_count` integer DEFAULT 0 NOT NULL,
	`answered_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`draft_by_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `published_answers_step` ON `published_answers` (`organisation_id`,`workflow_step_id`,`status`);--> statement-breakpoint
CREATE INDEX `published_answers_changed` ON `published_answers` (`organisation_id`,`workflow_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `published_answers_review` ON `published_answers` (`organisation_id`,`role_id`,`draft_at`);--> statement-breakpoint
ALTER TABLE `organisations` ADD `question_minutes` text DEFAULT '{"tracker":5,"phone":8,"desk":10,"email":6}' NOT NULL;--> statement-breakpoint
ALTER TABLE `questions` ADD `opened_at` integer;--> statement-breakpoint
ALTER TABLE `questions` ADD `effort_minutes` integer;--> statement-breakpoint
ALTER TABLE `steps` ADD `workflow_step_id` text;