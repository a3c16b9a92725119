CREATE TABLE "bookings" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"job_id" text NOT NULL,
	"step_id" text NOT NULL,
	"capacity_key" text NOT NULL,
	"starts_at" bigint NOT NULL,
	"ends_at" bigint NOT NULL,
	"status" text NOT NULL,
	"by_type" text NOT NULL,
	"created_at" bigint NOT NULL,
	"ended_at" bigint
);
--> statement-breakpoint
CREATE TABLE "slot_loads" (
	"organisation_id" text NOT NULL,
	"capacity_key" text NOT NULL,
	"starts_at" bigint NOT NULL,
	"taken" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "slot_loads_organisation_id_capacity_key_starts_at_pk" PRIMARY KEY("organisation_id","capacity_key","starts_at")
);
--> statement-breakpoint
ALTER TABLE "steps" ADD COLUMN "booking" json;--> statement-breakpoint
ALTER TABLE "steps" ADD COLUMN "capacity_key" text;--> statement-breakpoint
ALTER TABLE "steps" ADD COLUMN "window_starts_at" bigint;--> statement-breakpoint
ALTER TABLE "workflow_steps" ADD COLUMN "booking" json;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_step_id_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."steps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_loads" ADD CONSTRAINT "slot_loads_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bookings_step" ON "bookings" USING btree ("step_id","status");--> statement-breakpoint
CREATE INDEX "bookings_org_starts" ON "bookings" USING btree ("organisation_id","starts_at");