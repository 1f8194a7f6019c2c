/* str.h — small string helpers with no domain knowledge. */
#ifndef NADIYA_STR_H
#define NADIYA_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool str_eq(const char *a, const char *b);
bool str_starts(const char *s, const char *prefix);
/* Parses a whole decimal integer in [min,max]; 0 on success, -1 otherwise. */
int str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out_r);
/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void str_hex(const unsigned char *in, size_t len, char *out);
/* Decodes exactly outlen bytes of hex; 0 on success. */
int str_unhex(const char *in, unsigned char *out, size_t outlen);
/* True when s is valid UTF-8 without NUL or C0 controls other than \t\r\n. */
bool str_valid_utf8_text(const char *s, size_t len, bool allow_newlines);
/* Number of Unicode code points in valid UTF-8. */
size_t str_utf8_len(const char *s);
/* Trims ASCII white space in place; returns s. */
char *str_trim(char *s);

#endif
