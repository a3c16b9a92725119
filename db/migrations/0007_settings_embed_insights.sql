ALTER TABLE `organisations` ADD `embed_origins` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `hourly_rate_cents` integer DEFAULT 6000 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `show_promise_record` integer DEFAULT false NOT NULL;