/**
 * Which generation of connection options a package version takes. Mongoose 6 (MongoDB driver 4)
 * renamed `poolSize` to `maxPoolSize` and made `useNewUrlParser`, `useUnifiedTopology`,
 * `useCreateIndex` and `useFindAndModify` no-ops; before that they still change behaviour.
 */

export type OptionGeneration = 'modern' | 'legacy' | 'ambiguous';

/**
 * `range` is the dependency range from package.json; `modernFrom` the first major with the new
 * option names (6 for mongoose, 4 for mongodb). Unknown or unreadable ranges (`latest`, a git URL,
 * no entry) count as modern: harden assumes a current install. A range spanning both generations
 * (`>=5 <7`, `5 || 6`) is ambiguous.
 */
export function optionGeneration(range: string | undefined, modernFrom: number): OptionGeneration {
  if (range === undefined) return 'modern';
  const cleaned = range.replace(/^npm:[^@]+@/, '');
  if (/^(file:|link:|git|https?:|github:|workspace:)/.test(cleaned)) return 'modern';
  const majors = [...cleaned.matchAll(/(?:^|[\s|^~<>=v])(\d+)(?=[.\sx*]|$)/g)].map((m) => Number(m[1]));
  if (majors.length === 0) return 'modern';
  const legacy = majors.some((major) => major < modernFrom);
  const modern = majors.some((major) => major >= modernFrom) || /(^|\s)>=?\s*v?\d/.test(cleaned) && !/</.test(cleaned);
  if (legacy && modern) return 'ambiguous';
  return legacy ? 'legacy' : 'modern';
}
