/**
 * The 23-method AccountService fixture behaves the same after the split: the same answers, the
 * same store reads (one cache shared by every part: a template cached by the mail part's
 * renderMailTemplate is a hit for getMailTemplate, a profile cached by getProfile is a hit for
 * getAccountOverview), the same mails, the same errors (AccountError from the facade module is
 * the class the parts throw) and the same cache figures on the facade.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree } from '../support/project-cases.js';

const fixture = join(import.meta.dirname, '..', '..', 'fixtures', 'split-god-service', 'account-service-shared-cache');
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** Transpiles a tree of .ts files to CommonJS in a temporary folder; returns the folder. */
function compile(tree: Map<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'harden-account-'));
  roots.push(root);
  for (const [path, text] of tree) {
    const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const out = join(root, path.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, js);
  }
  return root;
}

async function scenario(root: string): Promise<unknown[]> {
  const require = createRequire(join(root, 'index.js'));
  const { AccountService, AccountError } = require('./src/services/account.service.js');
  const trace: unknown[] = [];
  let now = 1_000;
  const profiles = new Map([['a', { id: 'a', name: 'Ann', email: 'ann@example.com' }]]);
  const plans = new Map<string, unknown>();
  const store = {
    findProfile: async (id: string) => (trace.push(['store.findProfile', id]), profiles.get(id)),
    findProfileByEmail: async (email: string) => (trace.push(['store.findProfileByEmail', email]), [...profiles.values()].find((p) => p.email === email)),
    saveProfile: async (p: { id: string; name: string; email: string }) => (trace.push(['store.saveProfile', p]), void profiles.set(p.id, p)),
    removeProfile: async (id: string) => (trace.push(['store.removeProfile', id]), void profiles.delete(id)),
    findPlan: async (id: string) => (trace.push(['store.findPlan', id]), plans.get(id)),
    savePlan: async (plan: { accountId: string }) => (trace.push(['store.savePlan', plan]), void plans.set(plan.accountId, plan)),
    findInvoices: async (id: string) => (trace.push(['store.findInvoices', id]), [{ id: 'i1', accountId: id, amountCents: 900, paid: false }]),
    findTemplate: async (name: string) => (trace.push(['store.findTemplate', name]), name === 'missing' ? undefined : `Hello {{name}} ({{subject}})`),
    listTemplates: async () => (trace.push(['store.listTemplates']), ['welcome', 'digest']),
  };
  const mailer = { send: async (to: string, subject: string, html: string) => void trace.push(['mail', to, subject, html]) };
  const accounts = new AccountService(store, mailer, () => now);
  const step = async (name: string, run: () => unknown) => {
    try {
      trace.push([name, await run()]);
    } catch (error) {
      trace.push([name, 'threw', error instanceof AccountError, (error as Error).name, (error as Error).message]);
    }
  };
  await step('getProfile', () => accounts.getProfile('a'));
  await step('getProfile again (cached)', () => accounts.getProfile('a'));
  await step('getProfile missing', () => accounts.getProfile('nobody'));
  await step('sendWelcomeMail', () => accounts.sendWelcomeMail(profiles.get('a')));
  await step('getMailTemplate (cached by the mail part)', () => accounts.getMailTemplate('welcome'));
  await step('sendMail missing template', () => accounts.sendMail('x@example.com', 'missing', {}));
  await step('sendMailDigest', () => accounts.sendMailDigest([profiles.get('a')], ['one', 'two']));
  await step('updateProfileName', () => accounts.updateProfileName('a', ' Annie '));
  await step('updateProfileEmail invalid', () => accounts.updateProfileEmail('a', 'nope'));
  await step('getBillingPlan', () => accounts.getBillingPlan('a'));
  await step('cancelBillingSubscription free', () => accounts.cancelBillingSubscription('a'));
  await step('updateBillingPlan', () => accounts.updateBillingPlan('a', 'pro'));
  await step('getAccountOverview', () => accounts.getAccountOverview('a'));
  now += 400_000;
  await step('getAccountOverview after expiry', () => accounts.getAccountOverview('a'));
  await step('cancelBillingSubscription', () => accounts.cancelBillingSubscription('a'));
  await step('listMailTemplates', () => accounts.listMailTemplates());
  await step('findProfileByEmail', () => accounts.findProfileByEmail('ANN@example.com'));
  await step('getCacheStats', () => accounts.getCacheStats());
  await step('clearCache', () => accounts.clearCache());
  await step('getCacheStats after clear', () => accounts.getCacheStats());
  await step('deleteProfile', () => accounts.deleteProfile('a'));
  await step('getProfile deleted', () => accounts.getProfile('a'));
  return trace;
}

describe('split-god-service: AccountService before and after', () => {
  it('answers, reads the store, mails and throws the same', async () => {
    const input = readTree(`${fixture}.input.project`);
    const after = new Map([...input, ...readTree(`${fixture}.output.project`)]);
    expect(after.has('src/services/account/account-shared.ts')).toBe(true);
    const before = await scenario(compile(input));
    expect(before).toContainEqual(['getCacheStats', { entries: 5, hits: 5 }]);
    expect(await scenario(compile(after))).toEqual(before);
  });
});
