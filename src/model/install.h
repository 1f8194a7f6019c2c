/* install.h — facts about this installation kept in the `meta` table. */
#ifndef NADIYA_INSTALL_H
#define NADIYA_INSTALL_H

struct db;
struct master_key;

/*
 * Ties the database to the master key: the first run records a check value
 * derived from the key; later runs refuse a different key.  0, or -1 with
 * *error_r (static).
 */
int install_check_key(struct db *db, const struct master_key *key, const char **error_r);

#endif
