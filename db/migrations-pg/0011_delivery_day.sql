CREATE TABLE "proofs_of_delivery" (
	"step_id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"job_id" text NOT NULL,
	"recipient_name" text NOT NULL,
	"signature_id" text,
	"photo_id" text,
	"delivered_at" bigint NOT NULL,
	"by_id" text
);
--> statement-breakpoint
CREATE TABLE "stop_orders" (
	"booking_id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"sequence" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "proofs_of_delivery" ADD CONSTRAINT "proofs_of_delivery_step_id_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."steps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proofs_of_delivery" ADD CONSTRAINT "proofs_of_delivery_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proofs_of_delivery" ADD CONSTRAINT "proofs_of_delivery_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proofs_of_delivery" ADD CONSTRAINT "proofs_of_delivery_by_id_specialists_id_fk" FOREIGN KEY ("by_id") REFERENCES "public"."specialists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stop_orders" ADD CONSTRAINT "stop_orders_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stop_orders" ADD CONSTRAINT "stop_orders_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "proofs_of_delivery_job" ON "proofs_of_delivery" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "stop_orders_org" ON "stop_orders" USING btree ("organisation_id");