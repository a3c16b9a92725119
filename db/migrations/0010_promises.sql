ALTER TABLE `steps` ADD `promise_cause_step_id` text;--> statement-breakpoint
ALTER TABLE `steps` ADD `expected_minutes` integer;--> statement-breakpoint
ALTER TABLE `steps` ADD `fixed_promise` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `steps` ADD `at_risk` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `hours` text DEFAULT '[[],[{"open":540,"close":1050}],[{"open":540,"close":1050}],[{"open":540,"close":1050}],[{"open":540,"close":1050}],[{"open":540,"close":1050}],[]]' NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `closed_dates` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `holiday_country` text DEFAULT 'NL';--> statement-breakpoint
ALTER TABLE `workflows` ADD `calendar` text;