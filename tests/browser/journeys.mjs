// journeys.mjs — people's journeys through nadiya in a real browser.
//
// Debian's Chromium, driven by playwright-core (never a browser that a test
// tool downloads), walks what a person does: signs in with a password and an
// authenticator code, sets up a second factor, keeps the partner registry,
// creates an account, reads the audit trail, changes language and password,
// signs out.  One case goes through the network (runTurns: people of two
// organizations take turns, each in a browser of her own): a caseworker in
// Lviv registers a woman, opens her case, screens her with the ILO/EC
// indicators, records her consent and refers her to Kyiv for psychological
// counselling; a caseworker in Kyiv, in English, sees only what was shared,
// accepts the referral with the keyboard alone, records the service and
// completes the referral; back in Lviv the caseworker sees it completed,
// drafts the reintegration plan, the manager approves it, and the first of
// the four scheduled follow-ups is recorded with the questionnaire.  Most
// journeys are in Ukrainian, some in English; one uses only the keyboard, and
// one step of another.  tests/browser/run prepares the server and the
// accounts and calls this script; it is plain node, with no test framework.
//
// On every page a journey visits it checks, besides what the step expects:
//   - axe-core finds no WCAG 2.1 A/AA violation of impact serious or critical
//     (nor a short text, such as a count, whose contrast axe left undecided and
//     which is below the required ratio);
//   - <html lang> is the journey's language, and a Ukrainian page shows none
//     of the English texts that po/uk.po translates;
//   - the page loaded without a server error, a failed subresource, a script
//     error or a Content-Security-Policy violation (the CSP stays enforced).
//
// Prints one line per step ("ok" / "FAILED" / "skipped" after a failed step
// of the same journey) and ends with "N passed, N failed[, N skipped]".  A
// failed step leaves a screenshot and the page's HTML in --out.
//
// usage: node journeys.mjs --url http://127.0.0.1:PORT --accounts FILE.json
//                          [--chromium /usr/bin/chromium] [--out DIR] [--po po/uk.po]
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
	const a = {
		url: null,
		accounts: null,
		chromium: '/usr/bin/chromium',
		out: path.join(HERE, '..', 'out', 'browser'),
		po: path.join(HERE, '..', '..', 'po', 'uk.po'),
	};
	for (let i = 0; i < argv.length; i += 2) {
		const k = argv[i].replace(/^--/, '');
		if (!(k in a) || argv[i + 1] === undefined) {
			console.error(`journeys.mjs: unknown or incomplete option ${argv[i]}`);
			process.exit(2);
		}
		a[k] = argv[i + 1];
	}
	if (!a.url || !a.accounts) {
		console.error('usage: node journeys.mjs --url URL --accounts FILE.json [--chromium PATH] [--out DIR] [--po FILE]');
		process.exit(2);
	}
	return a;
}
const ARGS = parseArgs(process.argv.slice(2));
const BASE = ARGS.url.replace(/\/$/, '');

// ---- translations --------------------------------------------------------

// po/uk.po as msgid -> msgstr (no plural or fuzzy entries): the Ukrainian
// journey looks for exactly what the catalogue says a Ukrainian reader sees.
function readPo(file) {
	const map = new Map();
	let cur = null;
	let field = null;
	let fuzzy = false;
	const unquote = (s) => JSON.parse(s.trim());
	const commit = () => {
		if (cur && !cur.plural && !fuzzy && cur.id && cur.str) map.set(cur.id, cur.str);
		cur = null;
		field = null;
		fuzzy = false;
	};
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		if (line.startsWith('#,') && line.includes('fuzzy')) fuzzy = true;
		else if (line.startsWith('msgid ')) {
			if (cur) commit();
			cur = { id: unquote(line.slice(6)), str: '', plural: false };
			field = 'id';
		} else if (line.startsWith('msgid_plural ') && cur) {
			cur.plural = true;
			field = null;
		} else if (line.startsWith('msgstr ') && cur) {
			cur.str = unquote(line.slice(7));
			field = 'str';
		} else if (line.startsWith('msgstr[')) field = null;
		else if (line.startsWith('"') && cur && field) cur[field] += unquote(line);
		else if (line.trim() === '') commit();
	}
	commit();
	return map;
}
const UK = readPo(ARGS.po);
// English texts that must not be left on a Ukrainian page: whole phrases
// only (single words such as "English" legitimately stay), no format strings.
const UK_PHRASES = [...UK].filter(([id, str]) => id !== str && id.includes(' ') && id.length >= 8 && !id.includes('%'))
	.map(([id]) => id);

// A CSV file of data/ as objects by column name; lines starting with # are comments.
function readCsv(file) {
	const rows = [];
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		if (!line || line.startsWith('#')) continue;
		const fields = [];
		let cur = '';
		let quoted = false;
		for (let i = 0; i < line.length; i++) {
			const c = line[i];
			if (quoted && c === '"' && line[i + 1] === '"') {
				cur += '"';
				i++;
			} else if (c === '"') quoted = !quoted;
			else if (c === ',' && !quoted) {
				fields.push(cur);
				cur = '';
			} else cur += c;
		}
		fields.push(cur);
		rows.push(fields);
	}
	const head = rows.shift();
	return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
// The ILO/EC indicators as the product ships them (data/ilo_delphi_adult_labour.csv):
// indicator_code -> the row by column name.  The Ukrainian journey ticks them by the
// labels a Ukrainian reader sees (indicator_label_uk).
const ILO_ADULT = new Map(readCsv(path.join(HERE, '..', '..', 'data', 'ilo_delphi_adult_labour.csv'))
	.map((r) => [r.indicator_code, r]));
// The reintegration questionnaire as shipped (data/reintegration_survey.csv): one row per answer.
const SURVEY = readCsv(path.join(HERE, '..', '..', 'data', 'reintegration_survey.csv'));

// ---- second factor (RFC 6238, as an authenticator app computes it) ----------

function base32Decode(s) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0;
	let value = 0;
	const out = [];
	for (const c of s.toUpperCase().replace(/=+$/, '')) {
		const v = alphabet.indexOf(c);
		if (v < 0) throw new Error(`not base32: ${s}`);
		value = (value << 5) | v;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

function totp(secretB32, step) {
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(step));
	const mac = crypto.createHmac('sha1', base32Decode(secretB32)).update(counter).digest();
	const off = mac[mac.length - 1] & 15;
	return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One person's account.  The server accepts each 30-second step once, and the
// steps just before and after the current one (clock drift), so a code is
// taken from the first step not used yet, waiting when that lies too far ahead.
class Account {
	constructor(a) {
		Object.assign(this, a);
		this.secret = a.otpauth ? new URL(a.otpauth).searchParams.get('secret') : null;
		this.lastStep = 0;
	}

	setSecret(secret) {
		this.secret = secret;
		this.lastStep = 0;
	}

	async code() {
		if (!this.secret) throw new Error(`${this.email} has no second factor`);
		for (;;) {
			const now = Math.floor(Date.now() / 30000);
			const step = Math.max(now, this.lastStep + 1);
			if (step <= now + 1) {
				this.lastStep = step;
				return totp(this.secret, step);
			}
			await sleep((step - 1) * 30000 - Date.now() + 250);
		}
	}
}

// ---- checks on every page --------------------------------------------------

const AXE_SOURCE = fs.readFileSync(path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const AXE_OPTIONS = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } };

function assert(cond, message) {
	if (!cond) throw new Error(message);
}

async function waitFor(pred, ms, message) {
	const end = Date.now() + ms;
	while (!(await pred())) {
		if (Date.now() > end) throw new Error(message);
		await sleep(25);
	}
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

const totals = { passed: 0, failed: 0, skipped: 0 };
const pagesChecked = new Set();

class Journey {
	constructor(browser, name, lang, locale) {
		this.browser = browser;
		this.name = name;
		this.lang = lang; // the language every page must be in (changes when the person changes it)
		this.locale = locale;
		this.broken = false;
		this.blockedBy = null; // the journey whose failed turn this one builds on (see runTurns)
		this.nstep = 0;
		this.loads = 0;
		this.problems = [];
	}

	async open() {
		// The Content-Security-Policy stays enforced (no bypassCSP): axe is
		// evaluated through the DevTools protocol, which the page's CSP does
		// not govern, so the journeys also see what a CSP would break.
		this.context = await this.browser.newContext({
			locale: this.locale,
			viewport: { width: 1280, height: 900 },
		});
		this.context.setDefaultTimeout(10000);
		this.context.setDefaultNavigationTimeout(15000);
		const page = (this.page = await this.context.newPage());
		page.on('load', () => this.loads++);
		page.on('console', (m) => {
			// Chromium also logs every 4xx page as an error; the 'response' handler below judges those.
			if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
				this.problems.push(`console error: ${m.text()}`);
		});
		page.on('pageerror', (e) => this.problems.push(`script error: ${e.message}`));
		page.on('requestfailed', (r) => {
			// A navigation the test itself replaced is not a failure of the page.
			if (!r.isNavigationRequest()) this.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
		});
		page.on('response', (r) => {
			const s = r.status();
			if (s >= 500 || (s >= 400 && !r.request().isNavigationRequest()))
				this.problems.push(`HTTP ${s} for ${r.request().method()} ${r.url()}`);
		});
	}

	async close() {
		await this.context?.close();
	}

	T(msgid) {
		return this.lang === 'uk' ? UK.get(msgid) ?? msgid : msgid;
	}

	// A translated format string with its %s and %d filled in, in order.
	F(msgid, ...args) {
		return this.T(msgid).replace(/%[sd]/g, () => String(args.shift()));
	}

	async step(label, fn) {
		this.nstep++;
		const title = `${this.name}: ${label}`;
		if (this.broken || this.blockedBy) {
			totals.skipped++;
			console.log(`skipped  ${title} (${this.broken ? 'an earlier step failed' : `${this.blockedBy} failed before`})`);
			return;
		}
		const t0 = Date.now();
		try {
			await fn();
			await this.check();
			totals.passed++;
			console.log(`ok       ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
		} catch (e) {
			totals.failed++;
			this.broken = true;
			console.log(`FAILED   ${title}`);
			console.log(`         at ${this.page?.url()}`);
			for (const l of String(e?.message ?? e).split('\n').slice(0, 40)) console.log(`         ${l}`);
			await this.evidence();
		}
	}

	async evidence() {
		try {
			fs.mkdirSync(ARGS.out, { recursive: true });
			const base = path.join(ARGS.out, `${slug(this.name)}-${String(this.nstep).padStart(2, '0')}`);
			await this.page.screenshot({ path: `${base}.png`, fullPage: true });
			fs.writeFileSync(`${base}.html`, await this.page.content());
			console.log(`         screenshot: ${path.relative(process.cwd(), base)}.png`);
		} catch (e) {
			console.log(`         (no screenshot: ${e.message})`);
		}
	}

	// The checks every page gets: see the header of this file.
	async check() {
		const page = this.page;
		await page.waitForLoadState('load');
		const problems = this.problems.splice(0);
		assert(problems.length === 0, problems.join('\n'));
		const lang = await page.evaluate(() => document.documentElement.lang);
		assert(lang === this.lang, `<html lang="${lang}">, expected "${this.lang}"`);
		if (this.lang === 'uk') {
			const text = await page.evaluate(() => `${document.title}\n${document.body.innerText}`);
			const left = UK_PHRASES.filter((p) => text.includes(p));
			assert(left.length === 0, `untranslated on a Ukrainian page: ${left.map((p) => JSON.stringify(p)).join(', ')}`);
		}
		await page.evaluate(AXE_SOURCE);
		const result = await page.evaluate((opts) => window.axe.run(document, opts), AXE_OPTIONS);
		const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		// axe leaves the contrast of a very short text undecided ("too short to determine if it is
		// actual text"), but here such a text is a count that people read (the inbox's unread items).
		const short = result.incomplete.filter((v) => v.id === 'color-contrast').flatMap((v) => v.nodes).filter((n) => {
			const d = n.any?.[0]?.data;
			return d?.messageKey === 'shortTextContent' && d.contrastRatio < parseFloat(d.expectedContrastRatio);
		});
		if (bad.length || short.length) {
			const lines = [`axe: ${bad.length + (short.length ? 1 : 0)} serious or critical violation(s) on ${page.url()}`];
			for (const v of bad) {
				lines.push(`  ${v.id} (${v.impact}): ${v.help}`);
				for (const n of v.nodes.slice(0, 8)) lines.push(`    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`);
			}
			if (short.length) lines.push('  color-contrast (serious): short texts without enough contrast');
			for (const n of short.slice(0, 8)) {
				const d = n.any[0].data;
				lines.push(`    ${n.target.join(' ')}: ${d.fgColor} on ${d.bgColor} is ${d.contrastRatio}:1, needs ${d.expectedContrastRatio}`);
			}
			throw new Error(lines.join('\n'));
		}
		pagesChecked.add(new URL(page.url()).pathname.replace(/\/\d+(?=\/|$)/g, '/N'));
	}

	// Runs action, which must load a new page, and checks that page.
	async navigate(action) {
		const before = this.loads;
		await action();
		await waitFor(() => this.loads > before, 15000, 'no new page was loaded');
		await this.check();
	}

	async go(p) {
		await this.navigate(() => this.page.goto(BASE + p));
	}

	// Clicks the button (or link) with this accessible name and checks the page it leads to.
	async press(msgid, role = 'button', scope = this.page) {
		const name = this.T(msgid);
		await this.navigate(() => scope.getByRole(role, { name, exact: true }).click());
	}

	async follow(text, scope = this.page) {
		await this.navigate(() => scope.getByRole('link', { name: text, exact: true }).first().click());
	}

	async path() {
		const u = new URL(this.page.url());
		return u.pathname + u.search;
	}

	async expectPath(re) {
		const p = await this.path();
		assert(re.test(p), `address ${p}, expected ${re}`);
	}

	async h1() {
		return (await this.page.locator('main h1').first().innerText()).trim();
	}

	async expectH1(msgid) {
		const want = this.T(msgid);
		const got = await this.h1();
		assert(got === want, `heading "${got}", expected "${want}"`);
	}

	async expectNotice(msgid, kind = 'ok') {
		const want = this.T(msgid);
		const texts = await this.page.locator(`main .notice.${kind}`).allInnerTexts();
		assert(texts.some((t) => t.includes(want)), `no ${kind} notice "${want}" (notices: ${JSON.stringify(texts)})`);
	}

	// The form control labelled with this text; a label may end in "(optional)".
	field(msgid, scope = this.page) {
		const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		return scope.getByLabel(new RegExp(`^${esc(this.T(msgid))}(\\s*\\(${esc(this.T('optional'))}\\))?$`));
	}

	// The terms and descriptions of a <dl class="facts"> (the first in <main>), as an object.
	async facts(dl = this.page.locator('main dl.facts').first()) {
		return dl.evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dt')]
			.map((dt) => [dt.innerText.trim(), dt.nextElementSibling?.innerText.trim() ?? ''])));
	}

	async signIn(account, password = account.password) {
		await this.go('/signin');
		await this.expectH1('Sign in');
		await this.field('E-mail').fill(account.email);
		await this.field('Password').fill(password);
		await this.press('Sign in');
	}

	async secondFactor(account) {
		await this.expectPath(/^\/signin\/code/);
		await this.expectH1('Second factor');
		await this.field('Code').fill(await account.code());
		await this.press('Continue');
	}

	async signOut() {
		await this.press('Sign out', 'button', this.page.locator('header'));
		await this.expectPath(/^\/signin/);
		await this.expectH1('Sign in');
	}

	// Rows of the first table in <main>, as arrays of cell texts.
	async rows() {
		return this.page.locator('main table tbody tr').evaluateAll((trs) =>
			trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.innerText.trim())));
	}

	// A section of a page that is a run of siblings under <h2 id=id> (the case page, a referral):
	// its text and the rows of its tables, up to the next <h2>.
	async section(id) {
		return this.page.evaluate((id) => {
			const h = document.getElementById(id);
			if (!h) return null;
			const parts = [];
			const rows = [];
			for (let el = h.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) {
				parts.push(el.innerText);
				for (const tr of el.querySelectorAll('tbody tr'))
					rows.push([...tr.querySelectorAll('th, td')].map((c) => c.innerText.trim()));
			}
			return { text: parts.join('\n'), rows };
		}, id);
	}

	// The link with this text in the section under <h2 id=id> (see section()).
	sectionLink(id, text) {
		return this.page.locator(`main h2#${id} ~ *`).getByRole('link', { name: text, exact: true }).first();
	}
}

async function run(browser, name, lang, locale, body) {
	const j = new Journey(browser, name, lang, locale);
	try {
		await j.open();
		await body(j);
	} catch (e) {
		totals.failed++;
		console.log(`FAILED   ${name}: could not run: ${e.message}`);
	} finally {
		await j.close();
	}
}

// Journeys that take turns on one record, as people of different organizations do: each
// person has a browser of her own, which stays open (she stays signed in) until her last
// turn.  A turn is { j, body, label, after: [turns] }; it is skipped, step by step, when a
// turn it builds on failed or was skipped.  Pushes "label N s" to timings.
async function runTurns(turns, timings) {
	const last = new Map(turns.map((t, i) => [t.j, i]));
	for (const [i, t] of turns.entries()) {
		const t0 = Date.now();
		const j = t.j;
		const failed = (t.after ?? []).find((a) => !a.ok);
		j.blockedBy = failed ? failed.j.name : null;
		try {
			if (!j.context) await j.open();
			await t.body(j);
		} catch (e) {
			totals.failed++;
			j.broken = true;
			console.log(`FAILED   ${j.name}: could not run: ${e.message}`);
		}
		t.ok = !j.broken && !j.blockedBy;
		if (last.get(j) === i) await j.close().catch(() => {});
		timings.push(`${t.label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	}
}

// One case through the network: intake, screening, consent and a referral in Lviv; the
// Kyiv organization accepts it and gives the service; the plan, its approval by Lviv's
// manager, and the first follow-up.
async function networkJourneys(browser, timings) {
	const cw = new Journey(browser, 'uk/caseworker', 'uk', 'uk-UA');
	const receiver = new Journey(browser, 'en/receiver', 'en', 'en-US');
	const manager = new Journey(browser, 'uk/manager', 'uk', 'uk-UA');
	const intake = { j: cw, body: caseworkerJourney, label: 'uk/caseworker (case, referral)' };
	const answer = { j: receiver, body: receiverJourney, label: 'en/receiver', after: [intake] };
	const plan = { j: cw, body: referralBackJourney, label: 'uk/caseworker (plan)', after: [answer] };
	const approve = { j: manager, body: managerJourney, label: 'uk/manager', after: [plan] };
	const followup = { j: cw, body: followupJourney, label: 'uk/caseworker (follow-up)', after: [approve] };
	try {
		await runTurns([intake, answer, plan, approve, followup], timings);
	} finally {
		for (const j of [cw, receiver, manager]) await j.close().catch(() => {});
	}
}

// ---- the journeys ------------------------------------------------------------

const accounts = Object.fromEntries(JSON.parse(fs.readFileSync(ARGS.accounts, 'utf8')).map((a) => [a.key, new Account(a)]));
for (const k of ['admin', 'coordinator', 'auditor', 'caseworker', 'intake', 'manager', 'receiver'])
	if (!accounts[k]) throw new Error(`--accounts has no "${k}" account`);

const NEW_ORG = {
	code: 'svitanok-ternopil',
	name_uk: 'ГО «Світанок», Тернопіль',
	name_en: 'Svitanok NGO, Ternopil',
	address: 'вул. Руська, 1, Тернопіль',
};
const NEW_USER = { email: 'oksana.novak@example.org', name: 'Оксана Новак', password: 'temporary passphrase for Oksana 7' };

// An administrator, wholly in Ukrainian: the registry, an account, the network's growth.
async function adminJourney(j) {
	const admin = accounts.admin;
	await j.step('вхід: пароль і код застосунку (sign in: password and code)', async () => {
		await j.signIn(admin);
		await j.secondFactor(admin);
		await j.expectPath(/^\/$/);
		const nav = j.page.getByRole('navigation', { name: j.T('Main') });
		for (const item of ['Organizations', 'Network', 'Users'])
			assert(await nav.getByRole('link', { name: j.T(item), exact: true }).isVisible(), `no menu item ${j.T(item)}`);
		assert((await j.page.locator('header .who').innerText()).includes(admin.email.split('@')[0]), 'who is signed in is not shown');
	});

	await j.step('організації: фільтри списку (organizations: filters)', async () => {
		await j.follow(j.T('Organizations'), j.page.locator('header nav'));
		await j.expectH1('Organizations of the network');
		assert((await j.rows()).length === 5, `expected the 5 organizations, got ${(await j.rows()).length}`);
		await j.field('Kind').selectOption({ label: j.T('International organization') });
		await j.press('Filter');
		await j.expectPath(/[?&]kind=international/);
		let rows = await j.rows();
		assert(rows.length === 1 && rows[0][0] === 'МОМ в Україні', `kind filter: ${JSON.stringify(rows)}`);
		await j.field('Kind').selectOption('');
		await j.field('Code or name').fill('львів');
		await j.press('Filter');
		rows = await j.rows();
		assert(rows.length === 1 && rows[0][1] === 'nadiya-lviv', `text filter: ${JSON.stringify(rows)}`);
		await j.field('Region').selectOption({ label: j.T('Odesa oblast') });
		await j.press('Filter');
		assert((await j.page.locator('main table').count()) === 0, 'Lviv text and Odesa region should match nothing');
		assert(await j.page.getByText(j.T('No organizations match these filters.')).isVisible(), 'no "nothing matches" message');
		await j.follow(j.T('Clear'));
		assert((await j.rows()).length === 5, 'Clear should show every organization again');
	});

	await j.step('організації: помилка біля поля, потім виправлення (create: error, then corrected)', async () => {
		await j.follow(j.T('Add an organization'));
		await j.expectH1('Add an organization');
		await j.field('Code').fill('Світанок');
		await j.field('Name in Ukrainian').fill(NEW_ORG.name_uk);
		await j.field('Name in English').fill(NEW_ORG.name_en);
		await j.field('Kind').selectOption({ label: j.T('NGO') });
		await j.field('Region').selectOption({ label: j.T('Ternopil oblast') });
		await j.page.getByRole('checkbox', { name: j.T('Shelter') }).check();
		await j.page.getByRole('checkbox', { name: j.T('Legal aid') }).check();
		await j.press('Add the organization');
		await j.expectH1('Add an organization');
		const summary = j.page.locator('main .error-summary');
		assert((await summary.locator('h2').innerText()).trim() === j.T('Please correct the form'), 'no error summary');
		const slugError = j.T('Use 2 to 40 lower-case Latin letters, digits and hyphens, starting with a letter.');
		const codeField = j.page.locator('main .field.invalid').filter({ has: j.page.locator('#f-code') });
		assert((await codeField.locator('.field-error').innerText()).trim() === slugError, 'the error is not next to the code');
		assert((await j.field('Code').getAttribute('aria-invalid')) === 'true', 'the code field is not marked invalid');
		assert((await j.field('Name in Ukrainian').inputValue()) === NEW_ORG.name_uk, 'what was typed was lost');
		assert(await j.page.getByRole('checkbox', { name: j.T('Shelter') }).isChecked(), 'the ticked service was lost');
		// The summary's link takes the person to the field.
		await summary.getByRole('link').first().click();
		assert(await j.page.evaluate(() => document.activeElement?.id === 'f-code'), 'the summary link does not focus the field');
		await j.field('Code').fill(NEW_ORG.code);
		await j.press('Add the organization');
		await j.expectPath(new RegExp(`^/orgs/${NEW_ORG.code}\\?done=created$`));
		await j.expectNotice('The organization was added to the registry.');
		assert((await j.h1()) === NEW_ORG.name_uk, `heading ${await j.h1()}`);
	});

	await j.step('організації: редагування (edit)', async () => {
		await j.follow(j.T('Edit'));
		await j.expectH1('Edit the organization');
		assert((await j.page.locator('#f-code').count()) === 0, 'the code must not be editable');
		await j.field('Address').fill(NEW_ORG.address);
		await j.page.getByRole('checkbox', { name: j.T('Psychological counselling') }).check();
		await j.press('Save changes');
		await j.expectNotice('Your changes were saved.');
		const facts = await j.page.locator('main dl.facts').innerText();
		assert(facts.includes(NEW_ORG.address), 'the new address is not shown');
		const services = await j.page.locator('main h2 + ul').first().innerText();
		assert(services.includes(j.T('Psychological counselling')), `services: ${services}`);
		assert((await j.rows()).length === 2, 'the history should list the creation and the edit');
	});

	await j.step('організації: картка зі списку (view from the list)', async () => {
		await j.follow(j.T('Organizations'), j.page.locator('header nav'));
		await j.follow(NEW_ORG.name_uk, j.page.locator('main table'));
		await j.expectPath(new RegExp(`^/orgs/${NEW_ORG.code}$`));
		assert((await j.h1()) === NEW_ORG.name_uk, 'wrong organization');
		const facts = await j.page.locator('main dl.facts').innerText();
		for (const v of [NEW_ORG.code, NEW_ORG.name_en, j.T('NGO'), j.T('Ternopil oblast')])
			assert(facts.includes(v), `the page does not show ${v}`);
		assert((await j.page.locator('main .tag').first().innerText()).trim() === j.T('Active'), 'status is not Active');
	});

	await j.step('організації: деактивація з підтвердженням пароля (deactivate with re-authentication)', async () => {
		await j.follow(j.T('Confirm your password'));
		await j.expectH1('Confirm it is you');
		await j.field('Password').fill(admin.password);
		await j.field('Code from your authenticator app').fill(await admin.code());
		await j.press('Confirm');
		await j.expectPath(new RegExp(`^/orgs/${NEW_ORG.code}$`));
		await j.field('New status').selectOption({ label: j.T('Suspended') });
		await j.field('Reason').fill('Призупинено до поновлення меморандуму');
		await j.press('Deactivate');
		await j.expectNotice('The status was changed.');
		assert((await j.page.locator('main .tag').first().innerText()).trim() === j.T('Suspended'), 'status is not Suspended');
		assert(await j.page.getByRole('heading', { name: j.T('Reactivate') }).isVisible(), 'no way to reactivate');
	});

	await j.step('користувачі: новий обліковий запис (users: create an account)', async () => {
		await j.follow(j.T('Users'), j.page.locator('header nav'));
		await j.expectH1('Users');
		await j.follow(j.T('New account'));
		await j.expectH1('New account');
		await j.field('E-mail address').fill(NEW_USER.email);
		await j.field('Name').fill(NEW_USER.name);
		await j.field('Organization').selectOption('nadiya-lviv');
		await j.field('Role').selectOption({ label: j.T('Caseworker') });
		await j.field('Temporary password').fill(NEW_USER.password);
		await j.press('Create account');
		await j.expectPath(/^\/users\/\d+\?done=created$/);
		await j.expectNotice('The account was created. Give the person the temporary password in a safe way.');
		assert((await j.h1()) === NEW_USER.name, `heading ${await j.h1()}`);
	});

	await j.step('користувачі: перегляд зі списку (users: view from the list)', async () => {
		await j.follow(j.T('Users'), j.page.locator('header nav'));
		const row = (await j.rows()).find((r) => r[1] === NEW_USER.email);
		assert(row && row[0] === NEW_USER.name && row[3] === j.T('Caseworker'), `the list shows ${JSON.stringify(row)}`);
		await j.follow(NEW_USER.name, j.page.locator('main table'));
		await j.expectPath(/^\/users\/\d+$/);
		const facts = await j.page.locator('main dl.facts').innerText();
		for (const v of [NEW_USER.email, 'nadiya-lviv', j.T('Caseworker'), j.T('not set up')])
			assert(facts.includes(v), `the account page does not show ${v}`);
	});

	await j.step('мережа: зростання за роками (network growth)', async () => {
		await j.follow(j.T('Network'), j.page.locator('header nav'));
		await j.expectH1('Growth of the network');
		await j.field('Count by').selectOption('year');
		await j.press('Show');
		await j.expectPath(/[?&]by=year/);
		const rows = await j.rows();
		const years = rows.map((r) => r[0]);
		assert(years[0] === '2019' && years.includes('2022'), `years: ${years}`);
		const totalsCol = rows.map((r) => Number(r[2]));
		assert(totalsCol.every((v, i) => i === 0 || v >= totalsCol[i - 1]), `totals do not grow: ${totalsCol}`);
		assert(totalsCol[totalsCol.length - 1] >= 4, `total ${totalsCol[totalsCol.length - 1]}`);
	});

	await j.step('вихід (sign out)', async () => {
		await j.signOut();
		await j.go('/orgs');
		await j.expectPath(/^\/signin/);
	});
}

// An auditor, in English: the audit trail, the account page, a new password.
async function auditorJourney(j) {
	const auditor = accounts.auditor;
	await j.step('sign in with a password and an authenticator code', async () => {
		await j.signIn(auditor);
		await j.secondFactor(auditor);
		await j.expectPath(/^\/$/);
	});

	await j.step('audit trail: filter by action and by person', async () => {
		await j.follow('Audit trail', j.page.locator('header nav'));
		await j.expectH1('Audit trail');
		await j.field('Action begins with').fill('org.');
		await j.press('Show');
		let rows = await j.rows();
		assert(rows.length >= 5, `expected the registry's changes, got ${rows.length} rows`);
		assert(rows.every((r) => r[3].startsWith('org.')), `an action outside org.: ${rows.map((r) => r[3])}`);
		await j.field('Who').fill(accounts.admin.email.split('@')[0]);
		await j.press('Show');
		rows = await j.rows();
		const actions = rows.map((r) => r[3]);
		assert(rows.every((r) => r[2].includes(accounts.admin.email.split('@')[0])), 'a row by someone else');
		for (const a of ['org.create', 'org.edit', 'org.deactivate'])
			assert(actions.some((x) => x.startsWith(a)), `the administrator's ${a} is missing: ${actions}`);
	});

	await j.step('audit trail: a wrong date range is explained next to the field', async () => {
		await j.follow('Clear filters');
		await j.field('From (UTC)').fill('2026-05-10');
		await j.field('To (UTC, inclusive)').fill('2026-05-01');
		await j.press('Show');
		const err = j.page.locator('main .field.invalid').filter({ has: j.page.locator('#f-to') }).locator('.field-error');
		assert((await err.innerText()).trim() === 'The end date is before the start date.', 'no error next to "To"');
		assert((await j.page.locator('main table').count()) === 0, 'rows shown for an invalid filter');
	});

	await j.step('audit trail: the chain is intact', async () => {
		await j.follow('Clear filters');
		await j.follow('Check the chain');
		await j.expectH1('Check of the audit trail');
		const text = await j.page.locator('main .notice.ok').innerText();
		assert(/The audit trail is intact: \d+ entries/.test(text), `check says: ${text}`);
	});

	await j.step('account: switch the interface to Ukrainian and back', async () => {
		await j.follow(auditor.email.split('@')[0], j.page.locator('header .who'));
		await j.expectH1('My account');
		const save = () => j.page.locator('form[action="/account/language"]')
			.getByRole('button', { name: j.T('Save'), exact: true });
		await j.field('Interface language').selectOption('uk');
		let button = save();
		j.lang = 'uk'; // from the next page on, everything is in Ukrainian
		await j.navigate(() => button.click());
		await j.expectNotice('Your language was saved.');
		await j.expectH1('My account');
		assert((await j.h1()) === 'Мій обліковий запис', 'the heading is not in Ukrainian');
		await j.field('Interface language').selectOption({ label: j.T('As my browser prefers') });
		button = save();
		j.lang = 'en'; // "as my browser prefers": the browser asks for English
		await j.navigate(() => button.click());
		await j.expectNotice('Your language was saved.');
		await j.expectH1('My account');
	});

	const newPassword = 'a longer passphrase the auditor chose 2026';
	await j.step('account: a wrong current password is refused, then the password is changed', async () => {
		await j.field('Current password').fill('not my password at all');
		await j.field('New password').fill(newPassword);
		await j.press('Change password');
		const err = await j.page.locator('main .notice.error').innerText();
		assert(err.trim().length > 0, 'no error for a wrong current password');
		await j.field('Current password').fill(auditor.password);
		await j.field('New password').fill(newPassword);
		await j.press('Change password');
		await j.expectNotice('Your password was changed.');
	});

	await j.step('sign out; the old password no longer works, the new one does', async () => {
		await j.signOut();
		await j.signIn(auditor);
		await j.expectPath(/^\/signin$/);
		assert((await j.page.locator('main .notice.error').innerText()).includes('The e-mail or password is not right.'),
			'no message for the old password');
		assert((await j.field('E-mail').inputValue()) === auditor.email, 'the e-mail was not kept');
		await j.signIn(auditor, newPassword);
		await j.secondFactor(auditor);
		await j.expectPath(/^\/$/);
		await j.signOut();
	});
}

// A caseworker whose network requires a second factor of everyone: she sets one up at first sign-in.
async function enrolJourney(j) {
	const cw = accounts.caseworker;
	let codes = [];
	await j.step('перший вхід веде до налаштування другого фактора (first sign-in leads to set-up)', async () => {
		await j.signIn(cw);
		await j.expectPath(/^\/account\/2fa$/);
		await j.expectH1('Set up the second factor');
		await j.expectNotice('Your role requires a second factor. Set it up to continue.', 'warn');
		const qr = j.page.locator('main .qr svg');
		assert((await qr.count()) === 1, 'no QR code');
		// Other pages are closed until the second factor is set up.
		await j.go('/orgs');
		assert(!(await j.path()).startsWith('/orgs'), 'a page opened before the second factor was set up');
		await j.go('/account/2fa');
		await j.expectH1('Set up the second factor');
	});

	await j.step('ключ зі сторінки, код, резервні коди (key from the page, code, recovery codes)', async () => {
		await j.page.locator('main details summary').click();
		const key = (await j.page.locator('main details .mono').innerText()).trim();
		assert(/^[A-Z2-7]{32}$/.test(key), `the key "${key}" is not a 20-byte base32 secret`);
		cw.setSecret(key);
		await j.field('Code').fill(await cw.code());
		await j.press('Turn on');
		await j.expectH1('Second factor is on');
		codes = (await j.page.locator('main ul.mono li').allInnerTexts()).map((c) => c.trim());
		assert(codes.length === 10 && codes.every((c) => /^[a-z2-9]{5}-[a-z2-9]{5}$/.test(c)), `recovery codes: ${codes}`);
		await j.follow(j.T('Continue'));
		await j.expectPath(/^\/$/);
		await j.go('/account');
		const facts = await j.page.locator('main dl.facts').innerText();
		assert(facts.includes(j.T('Enabled')), 'the account page does not say the second factor is on');
	});

	await j.step('новий вхід: код застосунку, потім резервний код (sign in again: app code, then a recovery code)', async () => {
		await j.signOut();
		await j.signIn(cw);
		await j.secondFactor(cw);
		await j.expectPath(/^\/$/);
		await j.signOut();
		await j.signIn(cw);
		await j.field('Code').fill(codes[0]);
		await j.press('Continue');
		await j.expectPath(/^\/$/);
		await j.signOut();
	});
}

// What the turns of one case through the network (runTurns) hand on to each other.
const person = { first: 'Соломія', second: 'Гнатюк', phone: '+380 67 555 01 02' };
const theCase = { url: '', code: '', referral: '', reason: '', outcome: '', plan: '', start: '' };
const RECEIVER_ORG = 'nadiya-kyiv';

// A caseworker, in Ukrainian, through a case: she registers a woman and opens her case
// (after a mistyped phone), screens her with the ILO/EC indicators, records her
// consent (after forgetting the witness of a verbal one), and refers her to another
// organization (after forgetting the reason).
async function caseworkerJourney(j) {
	const cw = accounts.intake;
	let caseUrl = '';
	await j.step('вхід працівниці (caseworker signs in)', async () => {
		await j.signIn(cw);
		await j.secondFactor(cw);
		await j.expectPath(/^\/$/);
	});

	await j.step('нова справа: помилка біля поля, потім виправлення (new case: an error, then corrected)', async () => {
		await j.follow(j.T('Cases'), j.page.locator('header nav'));
		await j.follow(j.T('Register a person and open a case'));
		await j.expectH1('Register a person and open a case');
		await j.field('First name').fill(person.first);
		await j.field('Surname').fill(person.second);
		await j.field('Mobile phone').fill('дзвоніть мамі');
		await j.field('Gender').selectOption({ label: j.T('Feminine') });
		await j.field('Region of residence').selectOption({ label: j.T('Lviv oblast') });
		await j.field('How she was identified').selectOption({ label: j.T('Hotline') });
		await j.press('Register and open the case');
		await j.expectH1('Register a person and open a case');
		const phone = j.page.locator('main .field.invalid').filter({ has: j.page.locator('#f-mobile_phone') });
		assert((await phone.locator('.field-error').innerText()).trim() ===
			j.T('Enter a phone number with digits only, e.g. +380 67 123 4567.'), 'the error is not next to the phone');
		assert((await j.field('Mobile phone').getAttribute('aria-invalid')) === 'true', 'the phone is not marked invalid');
		assert((await j.field('Surname').inputValue()) === person.second, 'what was typed was lost');
		await j.field('Mobile phone').fill(person.phone);
		await j.press('Register and open the case');
		await j.expectPath(/^\/cases\/\d+\?done=created$/);
		await j.expectNotice('The person was registered and the case opened.');
		caseUrl = theCase.url = new URL(j.page.url()).pathname;
		const code = (await j.h1()).match(new RegExp(`^${j.F('Case %s', '(.+)')}$`));
		assert(code, `the heading "${await j.h1()}" does not name the case`);
		theCase.code = code[1];
		assert(!(await j.page.locator('main').innerText()).includes(person.second), 'her surname is shown without a reveal');
		assert((await j.page.locator('main').innerText()).includes(j.T('No screening recorded yet.')), 'no screening section');
	});

	// Recruitment by deception, exploitative conditions, coercion at destination: a possible victim.
	const ticks = {
		DR: ['dr_deceived_about_the_nature_of_the_job_location_or_employer', 'dr_deceived_about_access_to_education_opportunities'],
		EX: ['ex_excessive_working_days_or_hours', 'ex_bad_living_conditions'],
		CD: ['cd_confiscation_of_documents', 'cd_debt_bondage'],
	};
	const dims = { DR: 'Deceptive recruitment', EX: 'Exploitative conditions of work', CD: 'Coercion at destination' };
	await j.step('скринінг за індикаторами МОП/ЄС (screening with the ILO/EC indicators)', async () => {
		await j.follow(j.T('Screen with the ILO/EC indicators'));
		await j.expectPath(/^\/cases\/\d+\/screening$/);
		assert((await j.field('Profile').inputValue()) === 'adult_labour', 'the adult profile is not the first');
		for (const [dim, codes] of Object.entries(ticks)) {
			const group = j.page.getByRole('group', { name: `${j.T(dims[dim])} (${dim})`, exact: true });
			for (const code of codes) {
				const label = ILO_ADULT.get(code).indicator_label_uk;
				assert(label, `no Ukrainian label for ${code} in the data`);
				await group.getByRole('checkbox', { name: label }).check();
			}
		}
		await j.press('Evaluate and record');
		await j.expectPath(/^\/cases\/\d+\/screenings\/\d+\?done=recorded$/);
		await j.expectNotice('The screening was recorded on the case.');
		await j.expectNotice('Possible victim — refer for formal identification. This is not a legal finding.', 'warn');
		const rows = await j.rows();
		const positive = rows.filter((r) => r[4] === j.T('Positive')).map((r) => r[0]);
		assert(JSON.stringify(positive) === JSON.stringify(Object.keys(ticks).map((d) => `${j.T(dims[d])} (${d})`)),
			`positive dimensions: ${JSON.stringify(positive)}`);
		const present = await j.page.locator('main ul').last().innerText();
		assert(present.includes(ILO_ADULT.get('cd_debt_bondage').indicator_label_uk), `indicators present: ${present}`);
		await j.follow(j.T('Back to the case'));
		await j.expectPath(new RegExp(`^${caseUrl}$`));
		const shown = await j.page.locator('h2#screening + .table-wrap').innerText();
		assert(shown.includes(j.T('Possible victim — refer for formal identification')), `the case lists: ${shown}`);
	});

	await j.step('згода: свідок для усної згоди, потім запис (consent: a witness for a verbal one, then recorded)', async () => {
		await j.field('Purpose').selectOption({ label: j.T('Referral to other organizations or services') });
		await j.page.getByRole('checkbox', { name: j.T('Shelter'), exact: true }).check();
		await j.page.getByRole('checkbox', { name: j.T('Psychological counselling'), exact: true }).check();
		await j.field('How consent was given').selectOption({ label: j.T('Verbal, with a witness') });
		await j.press('Record the consent');
		await j.expectPath(/^\/cases\/\d+\/consents$/);
		const witness = j.page.locator('main .field.invalid').filter({ has: j.page.locator('#f-witness') });
		assert((await witness.locator('.field-error').innerText()).trim() === j.T('A verbal consent needs the name of its witness.'),
			'the error is not next to the witness');
		assert(await j.page.getByRole('checkbox', { name: j.T('Shelter'), exact: true }).isChecked(), 'the ticked service was lost');
		await j.field('Witness').fill('Оксана Свідок');
		await j.press('Record the consent');
		await j.expectPath(new RegExp(`^${caseUrl}\\?done=consent$`));
		await j.expectNotice('The consent was recorded.');
		const row = (await j.page.locator('h2#consents ~ .table-wrap').first().locator('tbody tr').first().innerText());
		for (const v of [j.T('Referral to other organizations or services'), j.T('Shelter'), j.T('Psychological counselling'),
			j.T('Verbal, with a witness'), j.T('In force'), j.T('hidden')])
			assert(row.includes(v), `the consent row does not show ${v}: ${row}`);
		assert(!row.includes('Оксана Свідок'), 'the witness is shown without a reveal');
	});

	await j.step('скерування до іншої організації: спершу без причини (referral to another organization: first without a reason)', async () => {
		await j.follow(j.T('Refer her'));
		await j.expectPath(/^\/cases\/\d+\/refer$/);
		assert((await j.h1()) === j.F('Refer her — case %s', theCase.code), `heading "${await j.h1()}"`);
		const consent = await j.page.locator('main h2#consent ~ ul').first().innerText();
		assert(consent.includes(j.T('Psychological counselling')), `her referral consent is not listed: ${consent}`);
		// Only the organizations that offer the service, never her own.
		await j.field('Organizations offering').selectOption({ label: j.T('Psychological counselling') });
		await j.press('Show');
		await j.expectPath(/^\/cases\/\d+\/refer\?service=psychological$/);
		const offered = await j.field('Receiving organization').locator('option').evaluateAll((os) => os.map((o) => o.value));
		assert(offered.includes(RECEIVER_ORG) && offered.includes('secretariat'), `offered: ${offered}`);
		assert(!offered.includes('nadiya-lviv') && !offered.includes('iom-ukraine'), `offered: ${offered}`);
		await j.field('Receiving organization').selectOption(RECEIVER_ORG);
		const services = j.page.getByRole('group', { name: j.T('Services'), exact: true });
		assert(await services.getByRole('checkbox', { name: j.T('Psychological counselling'), exact: true }).isChecked(),
			'the service chosen above is not ticked');
		// The default is the minimum: the case code, her age band, gender, languages, needs and a safe way to contact her.
		const what = j.page.getByRole('group', { name: j.T('What goes with the referral'), exact: true });
		const ticked = await what.locator('input:checked').evaluateAll((is) => is.map((i) => i.value));
		assert(ticked.join() === 'case_code,age_band,gender,languages,needs,safe_contact', `shared by default: ${ticked}`);
		await j.press('Send the referral');
		await j.expectPath(/^\/cases\/\d+\/refer\?service=psychological$/);
		const reason = j.page.locator('main .field.invalid').filter({ has: j.page.locator('#f-reason') });
		assert((await reason.locator('.field-error').innerText()).trim() === j.T('This is required.'), 'the error is not next to the reason');
		assert((await j.field('Why she is referred').getAttribute('aria-invalid')) === 'true', 'the reason is not marked invalid');
		assert((await j.field('Receiving organization').inputValue()) === RECEIVER_ORG, 'the chosen organization was lost');
		assert((await j.field('Organizations offering').inputValue()) === 'psychological', 'the organizations are no longer narrowed');
		assert(await services.getByRole('checkbox', { name: j.T('Psychological counselling'), exact: true }).isChecked(),
			'the ticked service was lost');
	});

	await j.step('скерування надіслано (the referral is sent)', async () => {
		theCase.reason = 'Потребує психологічної підтримки після повернення; у нас зараз немає психолога.';
		await j.field('Why she is referred').fill(theCase.reason);
		await j.press('Send the referral');
		await j.expectPath(/^\/referrals\/\d+\?done=sent$/);
		theCase.referral = new URL(j.page.url()).pathname;
		await j.expectNotice("The referral was sent to the organization's inbox.");
		assert((await j.h1()) === j.F('Referral of case %s', theCase.code), `heading "${await j.h1()}"`);
		const state = (await j.page.locator('main p .tag').first().innerText()).trim();
		assert(state === j.T('Sent'), `the state is "${state}", expected "${j.T('Sent')}"`);
		const facts = await j.facts();
		assert(facts[j.T('To')] === RECEIVER_ORG && facts[j.T('Services')] === j.T('Psychological counselling') &&
			facts[j.T('Consent')] === j.T('Covered by her consent') && facts[j.T('Why she is referred')] === theCase.reason,
			`the referral shows ${JSON.stringify(facts)}`);
	});
}

// A date n months after a YYYY-MM-DD date, the day clamped to the month's end (as the schedule counts).
function addMonths(date, n) {
	const [y, m, d] = date.split('-').map(Number);
	const first = new Date(Date.UTC(y, m - 1 + n, 1));
	const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
	first.setUTCDate(Math.min(d, last));
	return first.toISOString().slice(0, 10);
}
const todayUtc = () => new Date().toISOString().slice(0, 10);

// A caseworker of the receiving organization, in English: she finds the referral in her
// organization's incoming list, sees only what was shared, accepts it with the keyboard
// alone, records the counselling she gave (after forgetting the unit) and completes it.
async function receiverJourney(j) {
	const cw = accounts.receiver;
	await j.step('sign in with a password and an authenticator code', async () => {
		await j.signIn(cw);
		await j.secondFactor(cw);
		await j.expectPath(/^\/$/);
	});

	await j.step('incoming referrals: the new one waits for an answer', async () => {
		await j.follow('Referrals', j.page.locator('header nav'));
		await j.expectH1('Referrals');
		const tab = (await j.page.locator('main nav.pager [aria-current="page"]').innerText()).trim();
		assert(tab === 'Incoming: to my organization', `the current tab is "${tab}"`);
		const row = (await j.rows()).find((r) => r[0] === theCase.code);
		assert(row && row[1] === 'nadiya-lviv' && row[2] === RECEIVER_ORG && row[3] === 'Psychological counselling' &&
			row[5] === 'Sent', `the list shows ${JSON.stringify(row)}`);
		await j.follow(theCase.code, j.page.locator('main table'));
		await j.expectPath(new RegExp(`^${theCase.referral}$`));
	});

	await j.step('the referral shows only what goes with it: never her name or phone', async () => {
		assert((await j.h1()) === `Referral of case ${theCase.code}`, `heading "${await j.h1()}"`);
		const shared = await j.section('shared');
		assert(shared.text.startsWith('Case code, Age band, Gender, Languages, Needs, Safe way to contact her'),
			`what goes with it: ${shared.text.split('\n')[0]}`);
		const values = await j.facts(j.page.locator('main h2#shared ~ dl.facts').first());
		assert(values['Case code'] === theCase.code && values.Gender === 'Feminine', `shared values: ${JSON.stringify(values)}`);
		for (const term of ['First name', 'Surname', 'Mobile phone', 'Date of birth', 'Region of residence'])
			assert(!(term in values), `${term} is shown although it was not shared`);
		const text = await j.page.locator('main').innerText();
		for (const secret of [person.first, person.second, person.phone, person.phone.replace(/\s/g, '')])
			assert(!text.includes(secret), `"${secret}" is on the receiver's page`);
		assert((await j.facts())['Why she is referred'] === theCase.reason, 'the reason for the referral is not shown');
	});

	await j.step('accept the referral with the keyboard only (Tab, Enter)', async () => {
		const { tabTo, activate } = keyboardOf(j);
		await j.page.evaluate(() => document.activeElement?.blur());
		await tabTo((f) => f.tag === 'button' && f.text === 'Accept the referral', 'the "Accept the referral" button');
		await activate('Enter');
		await j.expectPath(new RegExp(`^${theCase.referral}\\?done=accept$`));
		await j.expectNotice('The referral was accepted.');
		assert((await j.page.locator('main p .tag').first().innerText()).trim() === 'Accepted', 'the state is not Accepted');
	});

	await j.step('record the counselling on her case: the unit first forgotten, then given', async () => {
		await j.follow('Open the case (only the shared fields)');
		await j.expectPath(new RegExp(`^${theCase.url}$`));
		const text = await j.page.locator('main').innerText();
		assert(!text.includes(person.second) && !text.includes(person.first), 'her name is on the receiving organization\'s case page');
		for (const h of ['screening', 'consents', 'notes', 'plan'])
			assert((await j.page.locator(`main h2#${h}`).count()) === 0, `the receiver sees the section "${h}"`);
		await j.field('Service delivered').selectOption({ label: 'Psychological counselling' });
		await j.field('Quantity or duration').fill('2');
		await j.field('Funding source').fill('Own funds');
		await j.press('Record the assistance');
		await j.expectH1('Record assistance');
		const unit = j.page.locator('main .field.invalid').filter({ has: j.page.locator('#f-unit') });
		assert((await unit.locator('.field-error').innerText()).trim() === 'Say what the quantity counts.', 'the error is not next to the unit');
		assert((await j.field('Quantity or duration').inputValue()) === '2', 'what was typed was lost');
		await j.field('Unit').selectOption({ label: 'sessions' });
		await j.press('Record the assistance');
		await j.expectPath(new RegExp(`^${theCase.url}\\?done=assistance$`));
		await j.expectNotice('The assistance was recorded.');
		const { rows } = await j.section('assistance');
		const id = theCase.referral.split('/').pop();
		assert(rows.length === 1 && rows[0][0] === todayUtc() && rows[0][1] === `Psychological counselling (referral ${id})` &&
			rows[0][2] === RECEIVER_ORG && rows[0][3] === '2 sessions', `the assistance given: ${JSON.stringify(rows)}`);
	});

	await j.step('start the service, then complete the referral with its outcome', async () => {
		await j.follow(theCase.code, j.page.locator('main h2#referrals + .table-wrap'));
		await j.expectPath(new RegExp(`^${theCase.referral}$`));
		await j.press('Start the service');
		await j.expectNotice('The service has started.');
		assert((await j.page.locator('main p .tag').first().innerText()).trim() === 'In progress', 'the state is not In progress');
		theCase.outcome = 'Two counselling sessions; she sleeps better and wants to go on with a group in Lviv.';
		await j.field('Outcome of the service').fill(theCase.outcome);
		await j.press('Complete');
		await j.expectPath(new RegExp(`^${theCase.referral}\\?done=complete$`));
		await j.expectNotice('The referral was completed.');
		assert((await j.page.locator('main p .tag').first().innerText()).trim() === 'Completed', 'the state is not Completed');
		assert((await j.facts())['Outcome of the service'] === theCase.outcome, 'the outcome is not shown');
		const history = (await j.section('history')).rows.map((r) => r[2]);
		assert(history.join('|') === 'Sent|Sent → Accepted|Accepted → In progress|In progress → Completed', `history: ${history}`);
		assert((await j.page.locator('main h2#answer').count()) === 0, 'a completed referral still offers answers');
	});

	await j.step('sign out', async () => {
		await j.signOut();
	});
}

// The first organization's caseworker again (her browser stayed open): the referral came back
// completed, with the service given; she drafts the reintegration plan with her and submits it.
async function referralBackJourney(j) {
	await j.step('вихідні скерування: завершено, з результатом (outgoing referrals: completed, with the outcome)', async () => {
		await j.follow(j.T('Referrals'), j.page.locator('header nav'));
		await j.expectH1('Referrals');
		assert(await j.page.getByText(j.T('No referrals to your organization match.')).isVisible(), 'an incoming referral for Lviv?');
		await j.follow(j.T('Outgoing: from my organization'));
		await j.expectPath(/^\/referrals\?dir=out$/);
		const row = (await j.rows()).find((r) => r[0] === theCase.code);
		assert(row && row[5] === j.T('Completed'), `the list shows ${JSON.stringify(row)}`);
		await j.follow(theCase.code, j.page.locator('main table'));
		const facts = await j.facts();
		assert(facts[j.T('Outcome of the service')] === theCase.outcome, `the referral shows ${JSON.stringify(facts)}`);
		assert((await j.page.locator('main h2#answer, main form').count()) === 0, 'the sender may still act on a completed referral');
	});

	await j.step('послуга у справі (the service delivered is on the case)', async () => {
		await j.follow(j.T('Open the case'));
		await j.expectPath(new RegExp(`^${theCase.url}$`));
		const refs = (await j.section('referrals')).rows;
		assert(refs.length === 1 && refs[0][2] === RECEIVER_ORG && refs[0][5] === j.T('Completed'), `referrals: ${JSON.stringify(refs)}`);
		const given = (await j.section('assistance')).rows;
		assert(given.length === 1 && given[0][1].startsWith(j.T('Psychological counselling')) && given[0][2] === RECEIVER_ORG &&
			given[0][3] === `2 ${j.T('sessions')}`, `the assistance given: ${JSON.stringify(given)}`);
	});

	const goals = [
		['Economic', 'Пройти курс перукарки і знайти роботу у Львові.', 'Vocational training'],
		['Social', 'Відновити паспорт і оформити житлову субсидію.', 'Legal aid'],
		['Psychosocial', 'Продовжити групу психологічної підтримки.', 'Psychological counselling'],
	];
	await j.step('план реінтеграції: цілі у трьох вимірах, подано на затвердження (plan: goals in three dimensions, submitted)', async () => {
		assert((await j.section('plan')).text.includes(j.T('There is no reintegration plan yet.')), 'a plan already?');
		await j.follow(j.T('Make a plan with her'));
		await j.expectPath(/^\/cases\/\d+\/plan\/new$/);
		await j.expectH1('A reintegration plan');
		const who = await j.field('Responsible caseworker').locator('option:checked').innerText();
		assert(who === accounts.intake.email.split('@')[0], `the responsible caseworker is "${who}"`);
		theCase.review = addMonths(todayUtc(), 6);
		await j.field('Review date').fill(theCase.review);
		for (const [i, [dim, text, service]] of goals.entries()) {
			const goal = j.page.getByRole('group', { name: j.F('Goal %d', i + 1), exact: true });
			await j.field('Dimension', goal).selectOption({ label: j.T(dim) });
			await j.field('Goal', goal).fill(text);
			await goal.getByRole('checkbox', { name: j.T(service), exact: true }).check();
		}
		await j.press('Save the plan');
		await j.expectPath(/^\/plans\/\d+\?done=saved$/);
		theCase.plan = new URL(j.page.url()).pathname;
		await j.expectNotice('Your changes were saved.');
		const shown = await j.page.locator('main').evaluate((m) => [...m.querySelectorAll('h3')].map((h) =>
			[h.innerText.trim(), h.nextElementSibling?.innerText.trim()]));
		assert(JSON.stringify(shown) === JSON.stringify(goals.map(([d, t, s]) => [j.T(d), `${t} (${j.T(s)})`])),
			`the goals shown: ${JSON.stringify(shown)}`);
		await j.press('Submit for approval');
		await j.expectPath(new RegExp(`^${theCase.plan}\\?done=submitted$`));
		await j.expectNotice('The plan was submitted for approval.');
		const facts = await j.facts();
		assert(facts[j.T('State')] === j.T('Waiting for approval'), `the plan is "${facts[j.T('State')]}"`);
		assert(facts[j.T('Review date')] === theCase.review, `review date ${facts[j.T('Review date')]}`);
		assert((await j.page.getByRole('button', { name: j.T('Approve the plan') }).count()) === 0, 'a caseworker may approve');
	});
}

// A manager of the first organization, in Ukrainian: she approves the plan, and the
// follow-ups are scheduled (one, three, six and twelve months after the start).
async function managerJourney(j) {
	const mgr = accounts.manager;
	await j.step('вхід керівниці: пароль і код (manager signs in: password and code)', async () => {
		await j.signIn(mgr);
		await j.secondFactor(mgr);
		await j.expectPath(/^\/$/);
	});

	await j.step('затвердження плану; розклад моніторингу (approving the plan; the follow-up schedule)', async () => {
		await j.follow(j.T('Cases'), j.page.locator('header nav'));
		await j.follow(theCase.code, j.page.locator('main table'));
		await j.expectPath(new RegExp(`^${theCase.url}$`));
		const plans = (await j.section('plan')).rows;
		assert(plans.length === 1 && plans[0][1] === j.T('Waiting for approval'), `plans: ${JSON.stringify(plans)}`);
		await j.follow('1', j.page.locator('main h2#plan + .table-wrap'));
		await j.expectPath(new RegExp(`^${theCase.plan}$`));
		await j.press('Approve the plan');
		await j.expectPath(new RegExp(`^${theCase.plan}\\?done=approved$`));
		await j.expectNotice('The plan was approved and its follow-ups scheduled.');
		const facts = await j.facts();
		assert(facts[j.T('State')] === j.T('Approved') && facts[j.T('Approved by')] === mgr.email.split('@')[0],
			`the plan shows ${JSON.stringify(facts)}`);
		theCase.start = facts[j.T('Start of assistance')];
		assert(theCase.start === todayUtc(), `the start ${theCase.start} is not the day of the first assistance`);
		await j.follow(theCase.code, j.page.locator('main dl.facts'));
		await j.expectPath(new RegExp(`^${theCase.url}$`));
		const due = (await j.section('followups')).rows.map((r) => r[0]);
		const want = [1, 3, 6, 12].map((m) => addMonths(theCase.start, m));
		assert(JSON.stringify(due) === JSON.stringify(want), `follow-ups due ${JSON.stringify(due)}, expected ${JSON.stringify(want)}`);
	});

	await j.step('вихід (sign out)', async () => {
		await j.signOut();
	});
}

// The first organization's caseworker records the first follow-up with the questionnaire.
async function followupJourney(j) {
	// Answers (question -> answer code) and the scores they give with the shipped weights:
	// economic .25×.5 + .25×.5 + .3×.5 + .2×1 = 0.60; social .3×.5 + .25×1 + .2×.5 + .25×1 = 0.75;
	// psychosocial .3×.5 + .3×.5 + .4×.5 = 0.50; composite their mean, 0.62.
	const answers = {
		income_sources: 'one', work_or_study: 'occasional', income_vs_needs: 'partly', debt: 'none',
		housing: 'temporary', services_access: 'good', documents: 'in_progress', legal_matters: 'resolved_or_none',
		family_support: 'some', wellbeing: 'fair', safety: 'mostly',
	};
	const scores = { 'Economic score': '0.60', 'Social score': '0.75', 'Psychosocial score': '0.50', 'Composite score': '0.62' };
	await j.step('перший моніторинг з опитувальником, потім бали (the first follow-up with the questionnaire, then the scores)', async () => {
		await j.follow(j.T('Cases'), j.page.locator('header nav'));
		await j.follow(theCase.code, j.page.locator('main table'));
		const plans = (await j.section('plan')).rows;
		assert(plans[0][1] === j.T('Approved'), `the plan is "${plans[0][1]}"`);
		const first = addMonths(theCase.start, 1);
		await j.follow(first, j.page.locator('main h2#followups + .table-wrap'));
		await j.expectPath(/^\/followups\/\d+$/);
		assert((await j.h1()) === j.F('Follow-up of %s, due on %s', theCase.code, first), `heading "${await j.h1()}"`);
		assert((await j.field('Date of the follow-up').inputValue()) === todayUtc(), 'the date is not today by default');
		await j.field('How').selectOption({ label: j.T('Visit') });
		await j.field('Contact made').selectOption({ label: j.T('Yes') });
		await j.field('Outcome').selectOption({ label: j.T('Reintegrating') });
		for (const [q, a] of Object.entries(answers)) {
			const row = SURVEY.find((r) => r.question === q && r.answer === a);
			assert(row, `no answer ${q}=${a} in data/reintegration_survey.csv`);
			const select = j.field(row.question_uk);
			await select.selectOption({ label: row.answer_uk });
		}
		await j.field('Her situation').fill('Живе з сестрою, працює на пів ставки, ходить до групи підтримки.');
		await j.press('Record the follow-up');
		await j.expectNotice('The follow-up was recorded.');
		const facts = await j.facts();
		assert(facts[j.T('Outcome')] === j.T('Reintegrating') && facts[j.T('How')] === j.T('Visit'), `the follow-up: ${JSON.stringify(facts)}`);
		for (const [label, v] of Object.entries(scores))
			assert(facts[j.T(label)] === v, `${label}: ${facts[j.T(label)]}, expected ${v}`);
		await j.follow(j.T('Back to the case'));
		await j.expectPath(new RegExp(`^${theCase.url}$`));
		const rows = (await j.section('followups')).rows;
		assert(rows.length === 4 && rows[0][1] === todayUtc() && rows[0][3] === j.T('Reintegrating') && rows[0][4] === '0.62' &&
			rows.slice(1).every((r) => r[1] === ''), `follow-ups: ${JSON.stringify(rows)}`);
	});
}

// The keyboard of a journey that uses no mouse: what has the focus, Tab until a control, activate it.
function keyboardOf(j) {
	const kb = j.page.keyboard;

	// What has the focus, and whether a person can see where it is.
	const focused = () => j.page.evaluate(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return null;
		const cs = getComputedStyle(el);
		const r = el.getBoundingClientRect();
		return {
			tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, name: el.getAttribute('name'),
			value: el.value ?? null, checked: el.checked ?? null, href: el.getAttribute('href'),
			text: (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 80),
			label: el.labels?.[0]?.innerText?.trim() ?? '',
			ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none',
			onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
		};
	});
	const describe = (f) => (f ? `<${f.tag}${f.id ? '#' + f.id : ''}> "${f.text || f.label || f.name || ''}"` : 'nothing');
	// One key, and the focus it leaves must be visible.
	const key = async (k) => {
		await kb.press(k);
		const f = await focused();
		if (f) assert(f.ring && f.onScreen, `focus on ${describe(f)} is not visible (ring ${f.ring}, on screen ${f.onScreen})`);
		return f;
	};
	// Tabs forward until pred(focused) holds.
	const tabTo = async (pred, what, max = 60) => {
		for (let i = 0; i < max; i++) {
			const f = await key('Tab');
			if (f && pred(f)) return f;
		}
		throw new Error(`${what} not reached with ${max} presses of Tab`);
	};
	const activate = (k) => j.navigate(() => kb.press(k));
	return { kb, focused, describe, key, tabTo, activate };
}

// A network coordinator who uses only the keyboard: sign in and add an organization.
async function keyboardJourney(j) {
	const coord = accounts.coordinator;
	const { kb, focused, describe, key, tabTo, activate } = keyboardOf(j);

	await j.step('the first Tab stop is a visible "skip to content" link', async () => {
		await j.go('/signin');
		const f = await key('Tab');
		assert(f && f.tag === 'a' && f.href === '#main', `first Tab stop is ${describe(f)}`);
		assert(f.text === j.T('Skip to content'), `skip link says "${f.text}"`);
		await kb.press('Enter');
		await waitFor(async () => new URL(j.page.url()).hash === '#main', 5000, 'the skip link did not go to #main');
		const next = await key('Tab');
		assert(next && next.id === 'f-email', `after skipping, Tab goes to ${describe(next)}`);
	});

	await j.step('sign in with the keyboard: e-mail, password, code', async () => {
		await kb.type(coord.email);
		let f = await key('Tab');
		assert(f.id === 'f-password', `Tab after the e-mail goes to ${describe(f)}`);
		f = await key('Shift+Tab');
		assert(f.id === 'f-email', `Shift+Tab goes back to ${describe(f)}`);
		await key('Tab');
		await kb.type(coord.password);
		f = await key('Tab');
		assert(f.tag === 'button' && f.text === j.T('Sign in'), `then ${describe(f)}`);
		await activate('Enter');
		await j.expectH1('Second factor');
		await tabTo((x) => x.id === 'f-code', 'the code field');
		await kb.type(await coord.code());
		await activate('Enter'); // Enter in a field submits its form
		await j.expectPath(/^\/$/);
	});

	await j.step('menu to Organizations, then "Add an organization"', async () => {
		await tabTo((x) => x.tag === 'a' && x.text === j.T('Organizations'), 'the Organizations menu item');
		await activate('Enter');
		await j.expectH1('Organizations of the network');
		await tabTo((x) => x.tag === 'a' && x.text === j.T('Add an organization'), 'the "Add an organization" button');
		await activate('Enter');
		await j.expectH1('Add an organization');
	});

	const org = { code: 'zhyttia-lviv', name_uk: 'ГО «Життя», Львів', name_en: 'Zhyttia NGO, Lviv' };
	await j.step('fill in the form with the keyboard and submit it with Space', async () => {
		await tabTo((x) => x.id === 'f-code', 'the code field');
		await kb.type(org.code);
		await key('Tab');
		await kb.type(org.name_uk);
		let f = await key('Tab');
		assert(f.id === 'f-name_en', `then ${describe(f)}`);
		await kb.type(org.name_en);
		f = await key('Tab');
		assert(f.id === 'f-kind', `then ${describe(f)}`);
		await kb.type(j.T('NGO')); // a closed <select> picks the option whose label is typed
		f = await key('Tab');
		assert(f.id === 'f-region', `then ${describe(f)}`);
		await kb.type(j.T('Lviv oblast'));
		const picked = await j.page.evaluate(() => [document.querySelector('#f-kind').value, document.querySelector('#f-region').value]);
		assert(picked[0] === 'ngo' && picked[1] === 'UA-46', `the selects hold ${picked}`);
		f = await tabTo((x) => x.tag === 'input' && x.name === 'services' && x.value === 'shelter', 'the "Shelter" box');
		await kb.press('Space');
		assert((await focused()).checked === true, 'Space did not tick the box');
		f = await tabTo((x) => x.tag === 'button' && x.text === j.T('Add the organization'), 'the submit button');
		await activate('Space');
		await j.expectPath(new RegExp(`^/orgs/${org.code}\\?done=created$`));
		await j.expectNotice('The organization was added to the registry.');
		const facts = await j.page.locator('main dl.facts').innerText();
		assert(facts.includes(j.T('Lviv oblast')) && facts.includes(org.name_en), 'the organization is not as typed');
	});

	await j.step('sign out with the keyboard', async () => {
		await j.page.evaluate(() => document.activeElement?.blur());
		await tabTo((x) => x.tag === 'button' && x.text === j.T('Sign out'), 'the "Sign out" button');
		await activate('Enter');
		await j.expectPath(/^\/signin/);
	});
}

// ---- main -----------------------------------------------------------------------

const started = Date.now();
// The whole part must stay well under its budget even if something hangs.
const watchdog = setTimeout(() => {
	console.log('FAILED   journeys: still running after 170 s, stopped');
	console.log(`${totals.passed} passed, ${totals.failed + 1} failed`);
	process.exit(1);
}, 170000);

let browser;
try {
	// Playwright gives the browser a new, empty profile (--user-data-dir) of its own and removes it afterwards.
	browser = await chromium.launch({
		executablePath: ARGS.chromium,
		headless: true,
		args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	console.log(`Chromium ${browser.version()}, playwright-core, axe-core ${JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', 'axe-core', 'package.json'))).version}, against ${BASE}`);
	const timings = [];
	for (const [name, lang, locale, body] of [
		['uk/admin', 'uk', 'uk-UA', adminJourney],
		['en/auditor', 'en', 'en-US', auditorJourney],
		['uk/enrolment', 'uk', 'uk-UA', enrolJourney],
		['network', null, null, networkJourneys],
		['en/keyboard-only', 'en', 'en-GB', keyboardJourney],
	]) {
		const t0 = Date.now();
		if (lang) await run(browser, name, lang, locale, body);
		else await body(browser, timings);
		if (lang) timings.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	}
	console.log(`pages checked with axe: ${[...pagesChecked].sort().join(' ')}`);
	console.log(`time: ${timings.join(', ')}; all ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
	totals.failed++;
	console.log(`FAILED   journeys: the browser could not be started or stopped: ${e.message}`);
} finally {
	await browser?.close().catch(() => {});
	clearTimeout(watchdog);
}
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed ? 1 : 0);
