-- 0001 foundation: facts about this installation.
-- key_check lets nadiya refuse to start with a key file that is not the one
-- the data was sealed with, instead of failing later on every record.
CREATE TABLE meta (
	name TEXT PRIMARY KEY NOT NULL,
	value TEXT NOT NULL
);
