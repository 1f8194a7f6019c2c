#include "base/csv.h"
#include "base/buf.h"

int csv_next(struct arena *a, const char **pp, const char *end, const char **fields, int max_fields)
{
	const char *p = *pp;
	if (p >= end)
		return 0;
	int n = 0;
	struct buf f;
	for (;;) {
		if (n >= max_fields)
			return -1;
		buf_init_arena(&f, a);
		buf_reserve(&f, 0);
		if (p < end && *p == '"') {
			p++;
			for (;;) {
				if (p >= end)
					return -1; /* unterminated quote */
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						buf_putc(&f, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				buf_putc(&f, *p++);
			}
			if (p < end && *p != ',' && *p != '\n' && *p != '\r')
				return -1; /* text after a closing quote */
		} else {
			while (p < end && *p != ',' && *p != '\n' && *p != '\r')
				buf_putc(&f, *p++);
		}
		fields[n++] = f.data;
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		break;
	}
	*pp = p;
	return n;
}
