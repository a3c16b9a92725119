-- Search with posting lists per tenant (docs/decisions/knowledge.md): db/search.ts now writes each document
-- as a tsvector literal of words folded in the application, each behind its organisation's tag, so the GIN
-- index holds posting lists per tenant. Documents of 0013 (untagged words and one tenant lexeme) are
-- removed; the application writes the new ones from the published answers when it starts
-- (src/prepare-database.ts).
DELETE FROM "published_answer_search";
