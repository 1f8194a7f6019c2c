#include "model/service.h"
#include "base/log.h"
#include "model/audit.h"
#include "store/db.h"

struct db_conn *svc_begin(struct svc *s, bool write)
{
	struct db_conn *c = db_acquire(s->db, &s->error);
	if (c == NULL)
		return NULL;
	if (db_begin(c, write, &s->error) < 0) {
		db_release(&c);
		return NULL;
	}
	return c;
}

int svc_commit(struct svc *s, struct db_conn **c)
{
	int rc = db_commit(*c, &s->error) < 0 ? SVC_ERROR : SVC_OK;
	db_release(c);
	return rc;
}

void svc_abort(struct svc *s, struct db_conn **c)
{
	(void)s;
	if (*c == NULL)
		return;
	db_rollback(*c);
	db_release(c);
}

int svc_audit(struct svc *s, struct db_conn *c, const char *action, const char *object_type, const char *object_id,
	      const char *outcome, const char *detail)
{
	struct audit_event ev = { .action = action, .object_type = object_type, .object_id = object_id,
				  .outcome = outcome, .detail = detail, .client_ip = s->client_ip };
	return audit_append(c, s->key, s->actor, NULL, &ev, &s->error) < 0 ? SVC_ERROR : SVC_OK;
}

int svc_invalid(struct svc *s, const char *msgid, const char *field)
{
	s->problem = msgid;
	s->problem_field = field;
	return SVC_INVALID;
}

int svc_fail(struct svc *s, const char *error)
{
	s->error = error;
	return SVC_ERROR;
}

int svc_may(struct svc *s, enum action act, const struct resource *res)
{
	if (policy_may(s->actor, act, res))
		return SVC_OK;
	struct db_conn *c = svc_begin(s, true);
	if (c) {
		if (svc_audit(s, c, policy_action_name(act), "policy", "", "denied", "") == SVC_OK)
			svc_commit(s, &c);
		else
			svc_abort(s, &c);
	}
	return SVC_DENIED;
}
