ALTER TABLE `cost_lines` ADD `explanation` text;--> statement-breakpoint
ALTER TABLE `cost_lines` ADD `photo_id` text;--> statement-breakpoint
ALTER TABLE `cost_lines` ADD `decided_at` integer;--> statement-breakpoint
ALTER TABLE `steps` ADD `waiting_on` text;