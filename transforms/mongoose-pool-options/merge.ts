/**
 * The edit to one options object: which keys to add (read from the environment with defaults),
 * rename or remove for the option generation of the installed Mongoose / MongoDB driver.
 */
import type { OptionGeneration } from './version.js';

export interface PoolSetting {
  env: string | null;
  default: number;
}

const MODERN_KEYS = ['maxPoolSize', 'minPoolSize', 'maxIdleTimeMS', 'serverSelectionTimeoutMS', 'socketTimeoutMS', 'connectTimeoutMS'];
/** Mongoose 5 / driver 3 documents only these; minPoolSize and maxIdleTimeMS are left to the user there. */
const LEGACY_KEYS = ['poolSize', 'serverSelectionTimeoutMS', 'socketTimeoutMS', 'connectTimeoutMS'];
const OBSOLETE_FLAGS = ['useNewUrlParser', 'useUnifiedTopology', 'useCreateIndex', 'useFindAndModify'];

export interface MergePlan {
  summary: string;
  /** Edits `object` (or inserts a new options argument into `call` at `insertAt`). */
  apply(call: any, insertAt: number | undefined): void;
}

function keyName(property: any): string | undefined {
  if (property.type !== 'ObjectProperty' && property.type !== 'Property' && property.type !== 'ObjectMethod') return undefined;
  if (property.key.type === 'Identifier') return property.key.name;
  if (typeof property.key.value === 'string') return property.key.value;
  return undefined;
}

export function planMerge(
  j: any,
  object: any | undefined,
  generation: Exclude<OptionGeneration, 'ambiguous' | 'unsupported'>,
  settings: Record<string, PoolSetting>,
  bracketEnv = false,
): MergePlan | undefined {
  const properties: any[] = object?.properties ?? [];
  const present = new Set(properties.map(keyName).filter((k): k is string => k !== undefined));
  const removed: string[] = [];
  let renamed: any;
  if (generation === 'modern') {
    for (const flag of OBSOLETE_FLAGS) if (present.has(flag)) removed.push(flag);
    if (present.has('poolSize')) {
      if (present.has('maxPoolSize')) removed.push('poolSize');
      else renamed = properties.find((p) => keyName(p) === 'poolSize');
    }
  }
  const after = new Set(present);
  if (renamed) after.add('maxPoolSize');
  const wanted = generation === 'modern' ? MODERN_KEYS : LEGACY_KEYS;
  const added = wanted.filter((key) => !after.has(key) && !(key === 'poolSize' && after.has('maxPoolSize')));
  if (added.length === 0 && removed.length === 0 && !renamed) return undefined;

  const parts: string[] = [];
  if (added.length) parts.push(`added ${added.join(', ')}`);
  if (renamed) parts.push('renamed poolSize to maxPoolSize');
  if (removed.length) parts.push(`removed ${removed.join(', ')} (${removed.every((k) => k === 'poolSize') ? 'maxPoolSize is set' : 'no-ops since Mongoose 6'})`);

  return {
    summary: parts.join('; '),
    apply(call, insertAt) {
      const newProperties = added.map((key) => {
        const setting = settings[key === 'poolSize' ? 'maxPoolSize' : key]!;
        return j.objectProperty(j.identifier(key), valueFor(j, setting, bracketEnv));
      });
      if (!object) {
        call.arguments.splice(insertAt ?? call.arguments.length, 0, j.objectExpression(newProperties));
        return;
      }
      if (renamed) {
        if (renamed.key.type === 'Identifier') renamed.key = j.identifier('maxPoolSize');
        else renamed.key = j.stringLiteral('maxPoolSize');
        if (renamed.shorthand) renamed.shorthand = false;
      }
      object.properties = [...properties.filter((p) => !removed.includes(keyName(p) ?? '')), ...newProperties];
    },
  };
}

/**
 * `Number(process.env.NAME || 10)`, or `10` when no variable is configured. `||`, not `??`: a
 * variable set but empty (`MONGO_MAX_POOL_SIZE=`) falls back to the default instead of `0`, and the
 * code runs on every Node version. `process.env['NAME']` where the tsconfig asks for
 * `noPropertyAccessFromIndexSignature`.
 */
function valueFor(j: any, setting: PoolSetting, bracketEnv: boolean): any {
  const number = j.numericLiteral(setting.default);
  if (setting.env === null) return number;
  const processEnv = j.memberExpression(j.identifier('process'), j.identifier('env'));
  const env = bracketEnv ? j.memberExpression(processEnv, j.stringLiteral(setting.env), true) : j.memberExpression(processEnv, j.identifier(setting.env));
  return j.callExpression(j.identifier('Number'), [j.logicalExpression('||', env, number)]);
}
