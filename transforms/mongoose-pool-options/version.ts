/**
 * Which generation of connection options a package version takes. Mongoose 6 (MongoDB driver 4)
 * renamed `poolSize` to `maxPoolSize` and made `useNewUrlParser`, `useUnifiedTopology`,
 * `useCreateIndex` and `useFindAndModify` no-ops; before that they still change behaviour.
 */

export type OptionGeneration = 'modern' | 'legacy' | 'ambiguous' | 'unsupported';

/**
 * The first major whose connect options harden writes at all: Mongoose 4 (MongoDB driver 2) takes
 * pool and timeout settings only inside `server`/`replset` sub-objects and ignores them at the top.
 */
export const SUPPORTED_FROM = { mongoose: 5, mongodb: 3 } as const;

/**
 * `range` is the dependency range from package.json; `modernFrom` the first major with the new
 * option names (6 for mongoose, 4 for mongodb). Unknown or unreadable ranges (`latest`, a git URL,
 * no entry) count as modern: harden assumes a current install. A range spanning both generations
 * (`>=5 <7`, `5 || 6`) is ambiguous.
 */
export function optionGeneration(range: string | undefined, modernFrom: number, supportedFrom = 0): OptionGeneration {
  if (range === undefined) return 'modern';
  const cleaned = range.replace(/^npm:[^@]+@/, '');
  if (/^(file:|link:|git|https?:|github:|workspace:)/.test(cleaned)) return 'modern';
  const majors = [...cleaned.matchAll(/(?:^|[\s|^~<>=v])(\d+)(?=[.\sx*]|$)/g)].map((m) => Number(m[1]));
  if (majors.length === 0) return 'modern';
  const legacy = majors.some((major) => major < modernFrom);
  const modern = majors.some((major) => major >= modernFrom) || /(^|\s)>=?\s*v?\d/.test(cleaned) && !/</.test(cleaned);
  if (majors.every((major) => major < supportedFrom) && !/(^|\s)>/.test(cleaned)) return 'unsupported';
  if (legacy && modern) return 'ambiguous';
  return legacy ? 'legacy' : 'modern';
}
