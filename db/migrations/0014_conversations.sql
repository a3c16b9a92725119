ALTER TABLE `questions` ADD `thread_id` text;--> statement-breakpoint
ALTER TABLE `questions` ADD `asked_by` text DEFAULT 'customer' NOT NULL;--> statement-breakpoint
ALTER TABLE `questions` ADD `asked_by_id` text REFERENCES specialists(id);--> statement-breakpoint
ALTER TABLE `questions` ADD `answer_channel` text;--> statement-breakpoint
ALTER TABLE `questions` ADD `photos` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `questions` ADD `mail_message_id` text;--> statement-breakpoint
ALTER TABLE `questions` ADD `mail_references` text;--> statement-breakpoint
ALTER TABLE `questions` ADD `mail_from` text;--> statement-breakpoint
ALTER TABLE `questions` ADD `mail_subject` text;--> statement-breakpoint
CREATE INDEX `questions_thread` ON `questions` (`thread_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `questions_mail` ON `questions` (`job_id`,`mail_message_id`);