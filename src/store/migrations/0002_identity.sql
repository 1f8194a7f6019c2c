-- 0002 identity and access: the partner network, users, sessions, second
-- factors, sign-in throttling and the chained audit trail.

CREATE TABLE organizations (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name_uk TEXT NOT NULL,
	name_en TEXT NOT NULL,
	kind TEXT NOT NULL,
	region TEXT NOT NULL,
	country TEXT NOT NULL DEFAULT 'UA',
	address TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	website TEXT NOT NULL DEFAULT '',
	contact_person TEXT NOT NULL DEFAULT '',
	joined_on TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'active',
	status_reason TEXT NOT NULL DEFAULT '',
	mou_signed_on TEXT NOT NULL DEFAULT '',
	mou_renewal_on TEXT NOT NULL DEFAULT '',
	services TEXT NOT NULL DEFAULT '',
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	version {{BIGINT}} NOT NULL DEFAULT 1
);
CREATE INDEX organizations_region ON organizations (region);
CREATE INDEX organizations_joined ON organizations (joined_on);

-- One row per service an organization offers, for filtering by service.
CREATE TABLE org_services (
	org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	service TEXT NOT NULL,
	PRIMARY KEY (org_id, service)
);

-- Every change to an organization: who, when, and the fields before and after (JSON).
CREATE TABLE org_history (
	id {{ID}},
	org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	changed_at {{BIGINT}} NOT NULL,
	changed_by {{BIGINT}},
	change TEXT NOT NULL
);
CREATE INDEX org_history_org ON org_history (org_id, id);

CREATE TABLE users (
	id {{ID}},
	org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	email TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	role TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'active',
	password_hash TEXT NOT NULL,
	totp_sealed {{BLOB}},
	totp_enabled {{BOOL}} NOT NULL DEFAULT 0,
	totp_last_step {{BIGINT}} NOT NULL DEFAULT 0,
	lang TEXT NOT NULL DEFAULT '',
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	password_changed_at {{BIGINT}} NOT NULL,
	version {{BIGINT}} NOT NULL DEFAULT 1
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE recovery_codes (
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	code_hash TEXT NOT NULL,
	used_at {{BIGINT}},
	PRIMARY KEY (user_id, code_hash)
);

-- Sessions: only a hash of the id is stored.  state: 'mfa' (password
-- accepted, second factor pending), 'enrol' (must enrol a second factor
-- first), 'full'.  kind: 'web' (cookie) or 'api' (bearer token).
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY NOT NULL,
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	kind TEXT NOT NULL,
	state TEXT NOT NULL,
	created_at {{BIGINT}} NOT NULL,
	last_seen_at {{BIGINT}} NOT NULL,
	expires_at {{BIGINT}} NOT NULL,
	reauth_at {{BIGINT}} NOT NULL,
	client_ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins per account (keyed hash of the e-mail, so unknown
-- addresses are throttled alike) and per client address.
CREATE TABLE signin_throttle (
	key TEXT PRIMARY KEY NOT NULL,
	failures {{BIGINT}} NOT NULL,
	last_failure_at {{BIGINT}} NOT NULL,
	locked_until {{BIGINT}} NOT NULL
);

-- The audit trail.  seq is contiguous from 1; each entry's hash is a keyed
-- BLAKE2b over its content and the previous entry's hash.  audit_head holds
-- the last seq and hash: appends update it first, which serializes
-- concurrent writers on both SQLite and PostgreSQL.
CREATE TABLE audit_log (
	seq {{BIGINT}} PRIMARY KEY NOT NULL,
	at {{BIGINT}} NOT NULL,
	actor_user_id {{BIGINT}},
	actor_org_id {{BIGINT}},
	actor_label TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	client_ip TEXT NOT NULL,
	outcome TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, seq);

CREATE TABLE audit_head (
	id {{BIGINT}} PRIMARY KEY NOT NULL,
	seq {{BIGINT}} NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
