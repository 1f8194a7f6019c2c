#include "base/embedded.h"

#include <string.h>

const struct embedded_file *embedded_find(const struct embedded_file *group, const char *name)
{
	for (; group->name; group++)
		if (strcmp(group->name, name) == 0)
			return group;
	return NULL;
}
