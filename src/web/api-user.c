/* api-user.c — user accounts over the API:
 *   GET    /api/v1/users               ?q&org&role&status&page&per_page -> {"items", "total", "page", "per_page"}
 *   POST   /api/v1/users               {"email", "display_name", "org", "role", "password", "lang"?} -> 201 + account
 *   GET    /api/v1/users/{id}          one account
 *   PATCH  /api/v1/users/{id}          email, display_name, org, lang; "version" detects a concurrent change (409)
 *   POST   /api/v1/users/{id}/role     {"role"}                 (password confirmed in the last 5 minutes)
 *   POST   /api/v1/users/{id}/disable  no body                  (idem)
 *   POST   /api/v1/users/{id}/enable   no body                  (idem)
 *   POST   /api/v1/users/{id}/reset    {"password"}             (idem)
 * Field names are those of user_record; the password never appears in an
 * answer.  Errors are {"error": {"code", "message", "field"}}.
 */
#include "base/str.h"
#include "model/user.h"
#include "web/api.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

/*
 * Reads the record's fields from a JSON object; answers 400/422 and returns
 * false on a problem.  Role and status have actions of their own: naming them
 * here is answered with where to go instead of a generic refusal.
 */
static bool read_body(struct request *req, json_t *obj, bool creating, const char **values)
{
	if (json_object_get(obj, "status")) {
		web_error(req, 422, N_("Disable or enable the account with POST /api/v1/users/{id}/disable or /enable."),
			  "status");
		return false;
	}
	if (!creating && json_object_get(obj, "role")) {
		web_error(req, 422, N_("Change the role with POST /api/v1/users/{id}/role."), "role");
		return false;
	}
	if (!creating && json_object_get(obj, "password")) {
		web_error(req, 422, N_("Set a new password with POST /api/v1/users/{id}/reset."), "password");
		return false;
	}
	return api_read_record(req, &user_record, obj, creating, values);
}

/* One string member of the body; NULL (answered 422) when absent or not a string. */
static const char *read_string(struct request *req, const char *name)
{
	const char *unknown = NULL;
	const char *key;
	json_t *val;
	json_object_foreach(req->json, key, val)
	{
		if (!str_eq(key, name))
			unknown = key;
	}
	if (unknown) {
		web_error(req, 400, N_("Unknown field."), unknown);
		return NULL;
	}
	json_t *j = json_object_get(req->json, name);
	if (j == NULL || json_is_null(j)) {
		web_error(req, 422, N_("This is required."), name);
		return NULL;
	}
	if (!json_is_string(j) || strlen(json_string_value(j)) != json_string_length(j)) {
		web_error(req, 422, N_("A string is expected."), name);
		return NULL;
	}
	return json_string_value(j);
}

static void reply_user(struct request *req, int status, const struct user *u)
{
	json_reply(req, status, user_to_json(u));
}

void api_user_list(struct request *req)
{
	const char *values[USER_FILTER_FIELDS], *errors[USER_FILTER_FIELDS];
	struct user_filter f;
	if (user_filter_read(req, &f, values, errors) > 0 && !api_filters_valid(req, &user_filter_rt, errors))
		return;
	struct svc s = web_svc(req);
	struct user **users;
	size_t n;
	int64_t total;
	int rc = user_list(&s, &f, &users, &n, &total);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, user_to_json(users[i]));
	json_reply(req, 200,
		   json_pack("{s:o,s:I,s:I,s:i}", "items", items, "total", (json_int_t)total, "page",
			     (json_int_t)(f.page > 0 ? f.page : 1), "per_page", f.per_page > 0 ? f.per_page : USER_LIST_DEFAULT));
}

void api_user_create(struct request *req)
{
	const char *values[USER__NFIELDS];
	if (!read_body(req, req->json, true, values))
		return;
	struct svc s = web_svc(req);
	struct user *u;
	int rc = user_create(&s, values, false, &u, NULL);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req_add_header(req, "Location", arena_printf(req->arena, "/api/v1/users/%lld", (long long)u->id));
	reply_user(req, 201, u);
}

void api_user_get(struct request *req)
{
	int64_t id = user_path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	struct user *u;
	int rc = user_get(&s, id, &u);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_user(req, 200, u);
}

void api_user_patch(struct request *req)
{
	int64_t id = user_path_id(req), version;
	const char *values[USER__NFIELDS];
	if (id == 0 || !api_read_version(req, req->json, &version) || !read_body(req, req->json, false, values))
		return;
	struct svc s = web_svc(req);
	struct user *u;
	int rc = user_update(&s, id, values, version, &u);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_user(req, 200, u);
}

enum api_user_act { API_ROLE, API_DISABLE, API_ENABLE, API_RESET };

static void api_user_action(struct request *req, enum api_user_act act)
{
	int64_t id = user_path_id(req);
	if (id == 0)
		return;
	const char *arg = NULL;
	if ((act == API_ROLE || act == API_RESET) && (arg = read_string(req, act == API_ROLE ? "role" : "password")) == NULL)
		return;
	struct svc s = web_svc(req);
	struct user *u;
	int rc = act == API_ROLE      ? user_set_role(&s, id, arg, &u)
		 : act == API_DISABLE ? user_disable(&s, id, &u)
		 : act == API_ENABLE  ? user_enable(&s, id, &u)
				      : user_reset(&s, id, arg, &u);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_user(req, 200, u);
}

void api_user_role(struct request *req)
{
	api_user_action(req, API_ROLE);
}

void api_user_disable(struct request *req)
{
	api_user_action(req, API_DISABLE);
}

void api_user_enable(struct request *req)
{
	api_user_action(req, API_ENABLE);
}

void api_user_reset(struct request *req)
{
	api_user_action(req, API_RESET);
}
