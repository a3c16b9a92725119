CREATE TABLE "roles" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"translations" json DEFAULT '{}'::json NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "role_id" text;--> statement-breakpoint
ALTER TABLE "specialists" ADD COLUMN "role_id" text;--> statement-breakpoint
ALTER TABLE "workflow_steps" ADD COLUMN "default_role_id" text;--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "roles_org_name" ON "roles" USING btree ("organisation_id","name_key");--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "specialists" ADD CONSTRAINT "specialists_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_steps" ADD CONSTRAINT "workflow_steps_default_role_id_roles_id_fk" FOREIGN KEY ("default_role_id") REFERENCES "public"."roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Data: one role per organisation for every role name typed so far (compared case-insensitively).
INSERT INTO "roles" ("id", "organisation_id", "name", "name_key", "translations", "created_at")
SELECT 'role_' || substr(md5(random()::text || clock_timestamp()::text || "key"), 1, 24), "organisation_id",
  -- Spelled as the longest-serving specialist with it spells it; otherwise as typed elsewhere.
  coalesce((SELECT trim(s."role") FROM "specialists" s WHERE s."organisation_id" = typed."organisation_id" AND lower(trim(s."role")) = typed."key" ORDER BY s."created_at" LIMIT 1), min("name")),
  "key", '{}'::json, (extract(epoch from now()) * 1000)::bigint
FROM (
  SELECT "organisation_id", trim("role") AS "name", lower(trim("role")) AS "key" FROM "specialists" WHERE trim("role") <> ''
  UNION ALL
  SELECT "organisation_id", trim("role"), lower(trim("role")) FROM "invites" WHERE trim("role") <> ''
  UNION ALL
  SELECT w."organisation_id", trim(ws."default_role"), lower(trim(ws."default_role"))
  FROM "workflow_steps" ws JOIN "workflows" w ON w."id" = ws."workflow_id"
  WHERE ws."default_role" IS NOT NULL AND trim(ws."default_role") <> ''
) AS typed
GROUP BY "organisation_id", "key";--> statement-breakpoint
UPDATE "specialists" s SET "role_id" = r."id" FROM "roles" r WHERE r."organisation_id" = s."organisation_id" AND r."name_key" = lower(trim(s."role"));--> statement-breakpoint
UPDATE "invites" i SET "role_id" = r."id" FROM "roles" r WHERE r."organisation_id" = i."organisation_id" AND r."name_key" = lower(trim(i."role"));--> statement-breakpoint
UPDATE "workflow_steps" ws SET "default_role_id" = r."id" FROM "workflows" w, "roles" r
WHERE w."id" = ws."workflow_id" AND r."organisation_id" = w."organisation_id" AND r."name_key" = lower(trim(ws."default_role"));--> statement-breakpoint
-- A role's name in the other language: the one its specialists gave (the first found).
UPDATE "roles" r SET "translations" = jsonb_set(r."translations"::jsonb, '{en}', coalesce(r."translations"::jsonb -> 'en', '{}'::jsonb) || jsonb_build_object('name', t."name"))::json
FROM (
  SELECT DISTINCT ON ("role_id") "role_id", "translations" -> 'en' ->> 'role' AS "name" FROM "specialists"
  WHERE "role_id" IS NOT NULL AND coalesce("translations" -> 'en' ->> 'role', '') <> '' ORDER BY "role_id", "created_at"
) t WHERE t."role_id" = r."id";--> statement-breakpoint
UPDATE "roles" r SET "translations" = jsonb_set(r."translations"::jsonb, '{nl}', coalesce(r."translations"::jsonb -> 'nl', '{}'::jsonb) || jsonb_build_object('name', t."name"))::json
FROM (
  SELECT DISTINCT ON ("role_id") "role_id", "translations" -> 'nl' ->> 'role' AS "name" FROM "specialists"
  WHERE "role_id" IS NOT NULL AND coalesce("translations" -> 'nl' ->> 'role', '') <> '' ORDER BY "role_id", "created_at"
) t WHERE t."role_id" = r."id";--> statement-breakpoint
-- Every specialist's copy of the role's names (see db/schema/specialists.ts).
UPDATE "specialists" s SET "role" = r."name", "translations" = ((s."translations"::jsonb #- '{en,role}') #- '{nl,role}')::json
FROM "roles" r WHERE r."id" = s."role_id";--> statement-breakpoint
UPDATE "specialists" s SET "translations" = jsonb_set(s."translations"::jsonb, '{en}', coalesce(s."translations"::jsonb -> 'en', '{}'::jsonb) || jsonb_build_object('role', r."translations" -> 'en' ->> 'name'))::json
FROM "roles" r WHERE r."id" = s."role_id" AND r."translations" -> 'en' ->> 'name' IS NOT NULL;--> statement-breakpoint
UPDATE "specialists" s SET "translations" = jsonb_set(s."translations"::jsonb, '{nl}', coalesce(s."translations"::jsonb -> 'nl', '{}'::jsonb) || jsonb_build_object('role', r."translations" -> 'nl' ->> 'name'))::json
FROM "roles" r WHERE r."id" = s."role_id" AND r."translations" -> 'nl' ->> 'name' IS NOT NULL;
