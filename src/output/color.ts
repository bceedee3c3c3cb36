/**
 * The colour policy, decided per stream: --color/--no-color, then a non-empty NO_COLOR (off),
 * then FORCE_COLOR (0/false off, anything else on), then whether the stream is a terminal.
 * Machine output (patch, json, sarif) is never coloured, whatever this says.
 */
import picocolors from 'picocolors';

export type Colors = ReturnType<typeof picocolors.createColors>;

export function colorEnabled(
  flag: boolean | undefined,
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR.toLowerCase());
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function colors(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}
