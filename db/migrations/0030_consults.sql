CREATE TABLE `consult_offers` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`role_id` text,
	`title_nl` text NOT NULL,
	`title_en` text NOT NULL,
	`minutes` integer NOT NULL,
	`price_cents` integer NOT NULL,
	`vat_rate_bp` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`workflow_id`) REFERENCES `workflows`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consult_offers_workflow` ON `consult_offers` (`organisation_id`,`workflow_id`);