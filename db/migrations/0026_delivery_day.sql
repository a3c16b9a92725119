CREATE TABLE `proofs_of_delivery` (
	`step_id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`job_id` text NOT NULL,
	`recipient_name` text NOT NULL,
	`signature_id` text,
	`photo_id` text,
	`delivered_at` integer NOT NULL,
	`by_id` text,
	FOREIGN KEY (`step_id`) REFERENCES `steps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_id`) REFERENCES `specialists`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `proofs_of_delivery_job` ON `proofs_of_delivery` (`job_id`);--> statement-breakpoint
CREATE TABLE `stop_orders` (
	`booking_id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`sequence` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stop_orders_org` ON `stop_orders` (`organisation_id`);