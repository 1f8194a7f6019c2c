-- 0004 referral network: the service directory, referrals between
-- organizations with the minimum data, their events, the assistance given,
-- and the inboxes.

-- One row per service an organization offers, with where and to whom.
CREATE TABLE directory (
	id {{ID}},
	org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	service TEXT NOT NULL,
	regions TEXT NOT NULL DEFAULT '',
	age_groups TEXT NOT NULL DEFAULT '',
	sexes TEXT NOT NULL DEFAULT '',
	nationalities TEXT NOT NULL DEFAULT '',
	children_accepted {{BOOL}} NOT NULL DEFAULT 0,
	capacity_total {{BIGINT}},
	capacity_free {{BIGINT}},
	languages TEXT NOT NULL DEFAULT '',
	opening_hours TEXT NOT NULL DEFAULT '',
	contact_point TEXT NOT NULL DEFAULT '',
	verified_on TEXT NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	version {{BIGINT}} NOT NULL DEFAULT 1,
	UNIQUE (org_id, service)
);
CREATE INDEX directory_service ON directory (service);

-- A referral of a case to an organization (its inbox, not one user).
-- state: sent, accepted, declined, expired, cancelled, in_progress,
-- completed, closed_unfinished.  shared_fields lists the record fields the
-- receiver may see; access lasts while open and until visible_until.
CREATE TABLE referrals (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	from_org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	to_org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	services TEXT NOT NULL,
	urgency TEXT NOT NULL,
	state TEXT NOT NULL,
	shared_fields TEXT NOT NULL,
	consent_override {{BOOL}} NOT NULL DEFAULT 0,
	deadline_at {{BIGINT}} NOT NULL,
	answered_at {{BIGINT}},
	closed_at {{BIGINT}},
	visible_until {{BIGINT}},
	escalated_at {{BIGINT}},
	created_by {{BIGINT}} REFERENCES users (id),
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	version {{BIGINT}} NOT NULL DEFAULT 1
);
CREATE INDEX referrals_case ON referrals (case_id);
CREATE INDEX referrals_to ON referrals (to_org_id, state);
CREATE INDEX referrals_from ON referrals (from_org_id, state);
CREATE INDEX referrals_deadline ON referrals (state, deadline_at);

-- Free text of a referral (reason, decline reason, outcome, override
-- reason): sealed like case_fields.
CREATE TABLE referral_fields (
	referral_id {{BIGINT}} NOT NULL REFERENCES referrals (id),
	field TEXT NOT NULL,
	key_id TEXT NOT NULL,
	sealed {{BLOB}} NOT NULL,
	PRIMARY KEY (referral_id, field)
);

-- Every transition: who, when, from which state to which.
CREATE TABLE referral_events (
	id {{ID}},
	referral_id {{BIGINT}} NOT NULL REFERENCES referrals (id),
	at {{BIGINT}} NOT NULL,
	by_user_id {{BIGINT}} REFERENCES users (id),
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, id);

-- The services actually delivered to a person.
CREATE TABLE assistance (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	referral_id {{BIGINT}} REFERENCES referrals (id),
	service TEXT NOT NULL,
	provider_org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	delivered_on TEXT NOT NULL,
	quantity {{BIGINT}},
	unit TEXT NOT NULL DEFAULT '',
	cost_cents {{BIGINT}},
	currency TEXT NOT NULL DEFAULT '',
	funding_source TEXT NOT NULL DEFAULT '',
	recorded_by {{BIGINT}} REFERENCES users (id),
	recorded_at {{BIGINT}} NOT NULL
);
CREATE INDEX assistance_case ON assistance (case_id);
CREATE INDEX assistance_provider ON assistance (provider_org_id, delivered_on);

-- Inboxes: per organization (user_id NULL) or per user; no personal data.
CREATE TABLE inbox (
	id {{ID}},
	org_id {{BIGINT}} NOT NULL REFERENCES organizations (id),
	user_id {{BIGINT}} REFERENCES users (id),
	kind TEXT NOT NULL,
	referral_id {{BIGINT}} REFERENCES referrals (id),
	created_at {{BIGINT}} NOT NULL,
	read_at {{BIGINT}}
);
CREATE INDEX inbox_org ON inbox (org_id, read_at);
CREATE INDEX inbox_user ON inbox (user_id, read_at);
