-- 0003 cases: the person (sealed field by field), blind indexes, the case,
-- its caseworkers, history and notes, screenings and consents.

-- Non-identifying attributes needed for statistics are plain columns; every
-- identifying field lives sealed in person_fields.
CREATE TABLE persons (
	id {{ID}},
	owner_org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	gender TEXT NOT NULL DEFAULT '',
	birth_year {{BIGINT}},
	citizenship TEXT NOT NULL DEFAULT '',
	residence_region TEXT NOT NULL DEFAULT '',
	languages TEXT NOT NULL DEFAULT '',
	marital_status TEXT NOT NULL DEFAULT '',
	number_of_children {{BIGINT}},
	education TEXT NOT NULL DEFAULT '',
	created_by {{BIGINT}},
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	version {{BIGINT}} NOT NULL DEFAULT 1
);
CREATE INDEX persons_owner ON persons (owner_org_id);

-- One row per sealed field: XChaCha20-Poly1305 with the field's key, bound
-- to (persons, person_id, field).  key_id names the master key that sealed
-- it, so `nadiya rekey` can resume where it stopped.
CREATE TABLE person_fields (
	person_id {{BIGINT}} NOT NULL REFERENCES persons (id),
	field TEXT NOT NULL,
	key_id TEXT NOT NULL,
	sealed {{BLOB}} NOT NULL,
	PRIMARY KEY (person_id, field)
);

-- Blind indexes: kind 'n' name token, 'p' phone (E.164), 'd' date of birth.
-- Partitioned by the owner organization: a search reads only its own buckets.
CREATE TABLE person_index (
	kind TEXT NOT NULL,
	owner_org_id {{BIGINT}} NOT NULL,
	bucket {{BIGINT}} NOT NULL,
	person_id {{BIGINT}} NOT NULL REFERENCES persons (id),
	PRIMARY KEY (kind, owner_org_id, bucket, person_id)
);
CREATE INDEX person_index_person ON person_index (person_id);

CREATE TABLE cases (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	person_id {{BIGINT}} NOT NULL REFERENCES persons (id),
	owner_org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	status TEXT NOT NULL,
	closure_reason TEXT NOT NULL DEFAULT '',
	identified_on TEXT NOT NULL DEFAULT '',
	registered_on TEXT NOT NULL,
	closed_on TEXT NOT NULL DEFAULT '',
	identification_method TEXT NOT NULL DEFAULT '',
	identified_by_org_id {{BIGINT}},
	trafficking_status TEXT NOT NULL DEFAULT '',
	trafficking_status_by TEXT NOT NULL DEFAULT '',
	recruitment_methods TEXT NOT NULL DEFAULT '',
	recruitment_region TEXT NOT NULL DEFAULT '',
	recruitment_country TEXT NOT NULL DEFAULT '',
	recruitment_apps TEXT NOT NULL DEFAULT '',
	exploitation_types TEXT NOT NULL DEFAULT '',
	forced_labour_industry TEXT NOT NULL DEFAULT '',
	sex_exploitation_types TEXT NOT NULL DEFAULT '',
	methods_of_control TEXT NOT NULL DEFAULT '',
	relationship_to_trafficker TEXT NOT NULL DEFAULT '',
	country_of_origin TEXT NOT NULL DEFAULT '',
	countries_of_transit TEXT NOT NULL DEFAULT '',
	countries_of_exploitation TEXT NOT NULL DEFAULT '',
	exploitation_from TEXT NOT NULL DEFAULT '',
	exploitation_to TEXT NOT NULL DEFAULT '',
	age_when_trafficked {{BIGINT}},
	needs TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	primary_caseworker_id {{BIGINT}} REFERENCES users (id),
	created_by {{BIGINT}},
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	version {{BIGINT}} NOT NULL DEFAULT 1
);
CREATE INDEX cases_owner_registered ON cases (owner_org_id, registered_on);
CREATE INDEX cases_owner_status ON cases (owner_org_id, status, registered_on);
CREATE INDEX cases_person ON cases (person_id);

-- Free-text fields of a case (where she was identified, closure details,
-- needs notes), sealed like person_fields.
CREATE TABLE case_fields (
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	field TEXT NOT NULL,
	key_id TEXT NOT NULL,
	sealed {{BLOB}} NOT NULL,
	PRIMARY KEY (case_id, field)
);

CREATE TABLE case_workers (
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	assigned_at {{BIGINT}} NOT NULL,
	assigned_by {{BIGINT}},
	PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_workers_user ON case_workers (user_id);

-- Every change to a case: who, when, which fields (names only: values of
-- personal fields never leave their sealed rows).
CREATE TABLE case_history (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	at {{BIGINT}} NOT NULL,
	by_user_id {{BIGINT}},
	change TEXT NOT NULL
);
CREATE INDEX case_history_case ON case_history (case_id, id);

-- The timeline of case notes: the text is sealed.
CREATE TABLE case_notes (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	at {{BIGINT}} NOT NULL,
	author_id {{BIGINT}} REFERENCES users (id),
	key_id TEXT NOT NULL,
	sealed {{BLOB}} NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, id);

-- Case codes: UA-TE-2026-00042 = country, owner's region, year, sequence.
CREATE TABLE case_seq (
	prefix TEXT PRIMARY KEY NOT NULL,
	next {{BIGINT}} NOT NULL
);

-- Screenings against the ILO/EC indicators: the indicator codes present and
-- the result of the rule table, per dimension and overall.
CREATE TABLE screenings (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	profile TEXT NOT NULL,
	indicators TEXT NOT NULL,
	result TEXT NOT NULL,
	outcome TEXT NOT NULL,
	screened_at {{BIGINT}} NOT NULL,
	screened_by {{BIGINT}} REFERENCES users (id)
);
CREATE INDEX screenings_case ON screenings (case_id, id);

-- Consent per purpose: processing, referral (to named organizations or
-- services), statistics.  Withdrawal keeps the row.
CREATE TABLE consents (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	purpose TEXT NOT NULL,
	scope_orgs TEXT NOT NULL DEFAULT '',
	scope_services TEXT NOT NULL DEFAULT '',
	method TEXT NOT NULL,
	given_on TEXT NOT NULL,
	recorded_by {{BIGINT}} REFERENCES users (id),
	recorded_at {{BIGINT}} NOT NULL,
	withdrawn_on TEXT NOT NULL DEFAULT '',
	withdrawn_by {{BIGINT}} REFERENCES users (id),
	withdrawn_at {{BIGINT}}
);
CREATE INDEX consents_case ON consents (case_id, purpose);

-- Who witnessed a verbal consent, and any note: sealed.
CREATE TABLE consent_fields (
	consent_id {{BIGINT}} NOT NULL REFERENCES consents (id),
	field TEXT NOT NULL,
	key_id TEXT NOT NULL,
	sealed {{BLOB}} NOT NULL,
	PRIMARY KEY (consent_id, field)
);
