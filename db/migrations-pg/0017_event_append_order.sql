-- Events reach readers in commit order (docs/decisions/postgresql-from-one-schema.md): every statement that
-- inserts events first takes the append lock (db/dialect.ts APPEND_LOCK, "OKAP" = 1330331984), held until its
-- transaction ends, before any row draws its id, and notifies the events channel (EVENTS_CHANNEL, delivered on
-- commit). In the database, so it holds for every insert and costs the writer no round trip of its own.
CREATE FUNCTION "events_append_in_commit_order"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(1330331984);
	PERFORM pg_notify('ok_events', '');
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "events_append_in_commit_order" BEFORE INSERT ON "events"
	FOR EACH STATEMENT EXECUTE FUNCTION "events_append_in_commit_order"();
