/**
 * The text harden generates: the env module (its template with the schema of the names filled in)
 * and `.env.example`. Names are identifiers (reads.ts keeps no other); defaults are escaped.
 */
import { judgeName } from '../secret-fallbacks/names.js';
import type { EnvRule } from './reads.js';

/** A single-quoted JavaScript string literal. */
function quoted(value: string): string {
  return `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** The fallback worth showing: none for a secret's name (the code has it; it is not repeated). */
function shownDefault(name: string, rule: EnvRule): string | undefined {
  return rule.default !== undefined && judgeName(name).kind !== 'secret' ? rule.default : undefined;
}

/** `{ type: 'number', required: false, default: '3000' }` */
export function ruleCode(name: string, rule: EnvRule): string {
  const shown = shownDefault(name, rule);
  const fallback = shown !== undefined ? `, default: ${quoted(shown)}` : '';
  return `{ type: ${quoted(rule.type)}, required: ${rule.required}${fallback} }`;
}

/** The template with its empty `ENV_SCHEMA` filled in, and `STRICT` set. */
export function moduleText(template: string, rules: ReadonlyMap<string, EnvRule>, strict: boolean): string {
  const entries = [...rules].map(([name, rule]) => `  ${name}: ${ruleCode(name, rule)},\n`).join('');
  const filled = template.replace(/(const ENV_SCHEMA(?:: [^=]+)? = )\{\};/, (_, head: string) => `${head}{\n${entries}};`);
  return strict ? filled.replace('const STRICT = false;', 'const STRICT = true;') : filled;
}

/**
 * `.env.example`: the required names to fill in, then the optional ones commented out with the
 * fallback the code uses (not shown for a secret's name: a secret does not belong in an example).
 */
export function envExample(rules: ReadonlyMap<string, EnvRule>, modulePath: string): string {
  const lines = [`# The environment variables the server reads (listed by harden's env-schema; checked at start-up by ${modulePath}).`];
  const required = [...rules].filter(([, rule]) => rule.required);
  const optional = [...rules].filter(([, rule]) => !rule.required);
  if (required.length > 0) {
    lines.push('', '# Required:');
    for (const [name, rule] of required) lines.push(...(rule.type === 'string' ? [] : [`# ${name}: ${rule.type === 'number' ? 'a number' : 'true or false'}`]), `${name}=`);
  }
  if (optional.length > 0) {
    lines.push('', '# Optional: unset, the code uses the value shown (or none):');
    for (const [name, rule] of optional) {
      const fallback = shownDefault(name, rule);
      const shown = fallback !== undefined && !/[\r\n]/.test(fallback) ? fallback : '';
      lines.push(`# ${name}=${shown}${rule.type === 'string' ? '' : `  (${rule.type})`}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
