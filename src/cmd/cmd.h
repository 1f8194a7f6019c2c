/* cmd.h — the command table.  Each command lives in cmd/<name>.c, parses its
 * options through base/config.h and calls services; it returns the process
 * exit status (0 success, 1 failure, 2 bad usage). */
#ifndef NADIYA_CMD_H
#define NADIYA_CMD_H

struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the first argument after the name */
	const char *summary;
};

extern const struct command commands[];

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_migrate_data(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_rekey(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif
