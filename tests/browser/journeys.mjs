// journeys.mjs — people's journeys through nadiya in a real browser.
//
// Debian's Chromium, driven by playwright-core (never a browser that a test
// tool downloads), walks what a person does: signs in with a password and an
// authenticator code, sets up a second factor, keeps the partner registry,
// creates an account, reads the audit trail, changes language and password,
// signs out; a caseworker registers a person, opens her case, screens her
// with the ILO/EC indicators and records her consent.  One journey is wholly
// in Ukrainian, one in English, and one uses only the keyboard.  tests/browser/run prepares the server and the
// accounts and calls this script; it is plain node, with no test framework.
//
// On every page a journey visits it checks, besides what the step expects:
//   - axe-core finds no WCAG 2.1 A/AA violation of impact serious or critical;
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

// The ILO/EC indicators as the product ships them (data/ilo_delphi_adult_labour.csv):
// indicator_code -> the row by column name.  The Ukrainian journey ticks them by the
// labels a Ukrainian reader sees (indicator_label_uk).
function readCsv(file) {
	const rows = [];
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		if (!line) continue;
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
	return new Map(rows.map((r) => [r[head.indexOf('indicator_code')], Object.fromEntries(head.map((h, i) => [h, r[i]]))]));
}
const ILO_ADULT = readCsv(path.join(HERE, '..', '..', 'data', 'ilo_delphi_adult_labour.csv'));

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

	async step(label, fn) {
		this.nstep++;
		const title = `${this.name}: ${label}`;
		if (this.broken) {
			totals.skipped++;
			console.log(`skipped  ${title} (an earlier step failed)`);
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
		if (bad.length) {
			const lines = [`axe: ${bad.length} serious or critical violation(s) on ${page.url()}`];
			for (const v of bad) {
				lines.push(`  ${v.id} (${v.impact}): ${v.help}`);
				for (const n of v.nodes.slice(0, 8)) lines.push(`    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`);
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
	field(msgid) {
		const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		return this.page.getByLabel(new RegExp(`^${esc(this.T(msgid))}(\\s*\\(${esc(this.T('optional'))}\\))?$`));
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

// ---- the journeys ------------------------------------------------------------

const accounts = Object.fromEntries(JSON.parse(fs.readFileSync(ARGS.accounts, 'utf8')).map((a) => [a.key, new Account(a)]));
for (const k of ['admin', 'coordinator', 'auditor', 'caseworker', 'intake'])
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
		assert((await j.rows()).length === 4, `expected the 4 organizations, got ${(await j.rows()).length}`);
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
		assert((await j.rows()).length === 4, 'Clear should show every organization again');
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

// A caseworker, in Ukrainian, through a case: she registers a woman and opens her case
// (after a mistyped phone), screens her with the ILO/EC indicators, and records her
// consent (after forgetting the witness of a verbal one).
async function caseworkerJourney(j) {
	const cw = accounts.intake;
	const person = { first: 'Соломія', second: 'Гнатюк', phone: '+380 67 555 01 02' };
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
		caseUrl = new URL(j.page.url()).pathname;
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
		for (const v of [j.T('Referral to other organizations or services'), j.T('Shelter'), j.T('Verbal, with a witness'),
			j.T('In force'), j.T('hidden')])
			assert(row.includes(v), `the consent row does not show ${v}: ${row}`);
		assert(!row.includes('Оксана Свідок'), 'the witness is shown without a reveal');
	});
}

// A network coordinator who uses only the keyboard: sign in and add an organization.
async function keyboardJourney(j) {
	const coord = accounts.coordinator;
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
		['uk/caseworker', 'uk', 'uk-UA', caseworkerJourney],
		['en/keyboard-only', 'en', 'en-GB', keyboardJourney],
	]) {
		const t0 = Date.now();
		await run(browser, name, lang, locale, body);
		timings.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
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
