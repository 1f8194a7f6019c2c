-- 0005 reintegration monitoring: plans agreed with the person, scheduled
-- follow-ups with a scored questionnaire, and closure with approval.

-- A plan per case, versioned: editing an approved plan makes a new version
-- that needs approval again.  state: draft, pending, approved, superseded.
CREATE TABLE plans (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	version_no {{BIGINT}} NOT NULL,
	state TEXT NOT NULL,
	responsible_user_id {{BIGINT}} REFERENCES users (id),
	start_on TEXT NOT NULL,
	review_on TEXT NOT NULL DEFAULT '',
	created_by {{BIGINT}} REFERENCES users (id),
	created_at {{BIGINT}} NOT NULL,
	approved_by {{BIGINT}} REFERENCES users (id),
	approved_at {{BIGINT}},
	updated_at {{BIGINT}} NOT NULL,
	version {{BIGINT}} NOT NULL DEFAULT 1,
	UNIQUE (case_id, version_no)
);
CREATE INDEX plans_case ON plans (case_id, state);

-- Goals per dimension (economic, social, psychosocial); the goal's words are sealed.
CREATE TABLE plan_goals (
	id {{ID}},
	plan_id {{BIGINT}} NOT NULL REFERENCES plans (id),
	dimension TEXT NOT NULL,
	services TEXT NOT NULL DEFAULT '',
	referral_id {{BIGINT}} REFERENCES referrals (id),
	key_id TEXT NOT NULL,
	sealed {{BLOB}} NOT NULL
);
CREATE INDEX plan_goals_plan ON plan_goals (plan_id);

-- Follow-ups: scheduled at approval (due_on), recorded when done.  Scores are
-- thousandths (0..1000) of the questionnaire's 0..1 scale.
CREATE TABLE followups (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	plan_id {{BIGINT}} REFERENCES plans (id),
	offset_months {{BIGINT}} NOT NULL DEFAULT 0,
	due_on TEXT NOT NULL,
	done_on TEXT NOT NULL DEFAULT '',
	method TEXT NOT NULL DEFAULT '',
	contact_made {{BOOL}},
	answers TEXT NOT NULL DEFAULT '',
	score_economic {{BIGINT}},
	score_social {{BIGINT}},
	score_psychosocial {{BIGINT}},
	score_composite {{BIGINT}},
	risk_flags TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL DEFAULT '',
	outcome_country TEXT NOT NULL DEFAULT '',
	safe_channels {{BOOL}},
	recorded_by {{BIGINT}} REFERENCES users (id),
	recorded_at {{BIGINT}},
	alerted_at {{BIGINT}}
);
CREATE INDEX followups_case ON followups (case_id, due_on);
CREATE INDEX followups_due ON followups (done_on, due_on);

-- Free text of a follow-up (her situation in her words): sealed.
CREATE TABLE followup_fields (
	followup_id {{BIGINT}} NOT NULL REFERENCES followups (id),
	field TEXT NOT NULL,
	key_id TEXT NOT NULL,
	sealed {{BLOB}} NOT NULL,
	PRIMARY KEY (followup_id, field)
);

-- Closing a case needs a manager's approval; reopening keeps the history.
-- kind: close (reason: an IOM closure code; state pending, approved,
-- rejected) or reopen (state approved; to_status: FollowUp or Active).
CREATE TABLE closures (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	kind TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	to_status TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL,
	requested_by {{BIGINT}} REFERENCES users (id),
	requested_at {{BIGINT}} NOT NULL,
	decided_by {{BIGINT}} REFERENCES users (id),
	decided_at {{BIGINT}}
);
CREATE INDEX closures_case ON closures (case_id, id);

-- Free text of a closure (the request's details, the reason to reopen, the
-- reason to reject): sealed.
CREATE TABLE closure_fields (
	closure_id {{BIGINT}} NOT NULL REFERENCES closures (id),
	field TEXT NOT NULL,
	key_id TEXT NOT NULL,
	sealed {{BLOB}} NOT NULL,
	PRIMARY KEY (closure_id, field)
);
