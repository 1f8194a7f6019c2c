/* backup.h — encrypted, authenticated archives of a whole database, and
 * bringing one back into an empty database.
 *
 * An archive is useless without the master key and cannot be altered or cut
 * short without the restore noticing.  Its layout:
 *
 *   plain header, 34 bytes:
 *     "NADIYABK"      magic (8)
 *     version         1 (1)
 *     dialect         's' SQLite, 'p' PostgreSQL (1)
 *     fingerprint     key_fingerprint() of the key that made it, 16 hex digits (16)
 *     created         Unix seconds, big-endian (8)
 *   crypto_secretstream_xchacha20poly1305 header (24 bytes), key derived with
 *   key_derive(k, "backup"), then chunks, each a 4-byte big-endian length and
 *   that many bytes of ciphertext:
 *     1. the manifest (tag MESSAGE, the plain header as additional data, so
 *        a changed header fails authentication): schema version and the row
 *        count of every table of the copy catalogue, taken from the same
 *        snapshot as the data, as text lines;
 *     2. the payload in chunks of 64 KiB (tag MESSAGE): for SQLite the database
 *        file made by the online backup API, for PostgreSQL the output of
 *        `pg_dump --format=custom`;
 *     3. the end (tag FINAL): the payload's length, 8 bytes big-endian.
 *   Nothing may follow the FINAL chunk.  Changing, dropping, reordering or
 *   appending a byte anywhere makes the restore refuse the archive.
 *
 * The store layer owns this because it must use the drivers' own tools
 * (sqlite3_backup, pg_dump/pg_restore); what runs after a restore (migrations,
 * the key check, the audit chain) is the caller's.
 */
#ifndef NADIYA_BACKUP_H
#define NADIYA_BACKUP_H

#include <stdint.h>
#include <stdio.h>

struct db;
struct master_key;

#define BACKUP_MAX_TABLES 64

struct backup_table {
	char name[64];
	int64_t rows;
};

/* What an archive says about itself (from its header and its manifest). */
struct backup_info {
	char dialect;         /* 's' SQLite, 'p' PostgreSQL */
	char fingerprint[17]; /* of the key that made the archive */
	int64_t created;      /* Unix seconds */
	int64_t schema;       /* schema version of the database backed up */
	uint64_t payload;     /* bytes of the database file or of the pg_dump output */
	size_t ntables;
	struct backup_table tables[BACKUP_MAX_TABLES];
};

/*
 * Writes an archive of db, which may be in use by running servers, to
 * out_path: first to out_path.tmp (mode 0600), fsynced, then renamed, so a
 * failed backup leaves an earlier archive of that name as it was.  An existing
 * out_path is replaced only when it is itself an archive.  SQLite is copied
 * through the online backup API into a temporary file next to out_path, which
 * is removed at the end; PostgreSQL through pg_dump, reading the snapshot in
 * which the rows were counted.  0 with *info_r filled, or -1 with *error_r
 * (static, per thread).
 */
int backup_create(struct db *db, const struct master_key *k, const char *out_path, struct backup_info *info_r,
		  const char **error_r);

/*
 * Brings the archive at in_path back into the database db_url, which must be
 * empty: for SQLite a file that does not exist yet, is empty, or holds no
 * data rows; for PostgreSQL a database without data rows.  Refuses an archive
 * made with another key, of the other dialect, of a newer schema than this
 * binary knows, or that fails authentication anywhere; in all those cases
 * nothing is written to the destination.  The whole archive is authenticated
 * before anything is installed: SQLite's database file is decrypted to a
 * temporary file next to the destination and copied in with the backup API;
 * PostgreSQL's dump is streamed into `pg_restore --single-transaction` on a
 * second pass.  Does not migrate or verify: see backup_compare_counts().
 * 0 with *info_r filled, or -1 with *error_r (static, per thread).
 */
int backup_restore(const char *db_url, const struct master_key *k, const char *in_path,
		   struct backup_info *info_r, const char **error_r);

/*
 * Compares the row counts of db with those the archive recorded, printing one
 * line per table to out.  Call it before migrations, which may add rows.
 * 0 when all equal, 1 when one differs, -1 with *error_r.
 */
int backup_compare_counts(struct db *db, const struct backup_info *info, FILE *out, const char **error_r);

/* --- SQLite's part, in backup-sqlite.c; only backup.c calls these. --- */

/* Copies the live database of db into the existing empty file dest_path with the online backup API. */
int backup_sqlite_snapshot(struct db *db, const char *dest_path, const char **error_r);
/* 0 when path does not exist, is empty or has no tables; 1 when it has tables; -1 when it is not a database. */
int backup_sqlite_has_tables(const char *path, const char **error_r);
/* PRAGMA quick_check on a database file; 0 when it answers ok. */
int backup_sqlite_check(const char *path, const char **error_r);
/*
 * Copies the database file src_path into dest_path with the online backup API,
 * creating dest_path (mode 0600) when it does not exist, and removing it again
 * if the copy fails.
 */
int backup_sqlite_install(const char *src_path, const char *dest_path, const char **error_r);
/* Removes a database file's -journal, -wal and -shm companions, if any. */
void backup_sqlite_unlink_companions(const char *path);

#endif
