/* copy.h — moving a whole network from one store to another (SQLite to
 * PostgreSQL), table by table, with a fixed catalogue of statements.
 *
 * Every table the migrations create must be in the catalogue in copy.c, as
 * copied or as deliberately left behind (sessions and sign-in throttles are
 * ephemeral: users sign in again).  copy_check_catalogue() fails for a table
 * that is in neither list, so a new table cannot be forgotten silently.
 */
#ifndef NADIYA_COPY_H
#define NADIYA_COPY_H

#include <stdint.h>
#include <stdio.h>

struct db;

/* 0 when the destination holds no data rows; 1 when it does; -1 on error. */
int copy_destination_has_data(struct db *dst, const char **error_r);
/* Copies every table; prints one line per table to out.  0, or -1 with *error_r. */
int copy_all(struct db *src, struct db *dst, FILE *out, const char **error_r);
/* Compares row counts of every copied table; 0 when all equal. */
int copy_compare_counts(struct db *src, struct db *dst, FILE *out, const char **error_r);
/* Checks that every table of src's schema is in the catalogue; 0 ok, -1 with *error_r naming it. */
int copy_check_catalogue(struct db *src, const char **error_r);

struct db_conn;

/* Number of tables in the catalogue, and the name of the i-th (static), in foreign-key order. */
size_t copy_catalogue_size(void);
const char *copy_catalogue_table(size_t i);
/*
 * Counts the rows of the i-th catalogue table on c, inside the caller's
 * transaction when one is open (so several counts belong to one snapshot).
 * 0, or -1 with *error_r.
 */
int copy_catalogue_count(struct db_conn *c, size_t i, int64_t *rows_r, const char **error_r);

#endif
