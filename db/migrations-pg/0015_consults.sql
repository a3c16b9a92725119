CREATE TABLE "consult_offers" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"role_id" text,
	"title_nl" text NOT NULL,
	"title_en" text NOT NULL,
	"minutes" bigint NOT NULL,
	"price_cents" bigint NOT NULL,
	"vat_rate_bp" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consult_offers" ADD CONSTRAINT "consult_offers_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_offers" ADD CONSTRAINT "consult_offers_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consult_offers" ADD CONSTRAINT "consult_offers_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consult_offers_workflow" ON "consult_offers" USING btree ("organisation_id","workflow_id");