/**
 * Before/after figures (lines, methods, LCOM4 per class) and the site message explaining each
 * grouping: which stem named it, which fields and calls tied its methods together.
 */
import type { Grouping } from './grouping.js';
import { lcom4 } from './grouping.js';
import type { ClassModel } from './model.js';
import type { Holder, Plan } from './plan.js';

export interface ClassFigures {
  name: string;
  lines: number;
  methods: number;
  lcom4: number;
}

export interface Figures {
  before: ClassFigures;
  facade: ClassFigures;
  holders: Map<Holder, ClassFigures>;
}

export function figures(model: ClassModel, plan: Plan, emitted: { facadeLines: number; holderLines: Map<Holder, number> }): Figures {
  const all = [...model.methods.values()];
  const before = { name: model.name, lines: model.lines, methods: all.length, lcom4: lcom4(all) };
  const holders = new Map<Holder, ClassFigures>();
  const sharedNames = new Set([...(plan.shared?.methods ?? []), ...(plan.shared?.fields ?? [])]);
  for (const holder of plan.holders) {
    const own = new Set([...holder.fields, ...holder.dependencies]);
    const methods = holder.methods.map((name) => {
      const info = model.methods.get(name)!;
      const touchesShared = holder !== plan.shared && [...info.fields, ...info.calls].some((n) => sharedNames.has(n));
      return {
        name,
        fields: [...[...info.fields].filter((f) => own.has(f)), ...(touchesShared ? ['(shared)'] : [])],
        calls: [...info.calls].filter((c) => holder.methods.includes(c)),
      };
    });
    holders.set(holder, { name: holder.className, lines: emitted.holderLines.get(holder)!, methods: methods.length, lcom4: lcom4(methods) });
  }
  const facadeMethods = all.filter((m) => !plan.methodHolder.has(m.name) || plan.delegated.has(m.name));
  const facade = {
    name: model.name,
    lines: emitted.facadeLines,
    methods: facadeMethods.length,
    // Delegations all use their part: one component per part used, plus the facade's own methods.
    lcom4: lcom4(
      facadeMethods.map((m) => {
        const holder = plan.methodHolder.get(m.name);
        return holder ? { name: m.name, fields: [holder.property], calls: [] } : m;
      }),
    ),
  };
  return { before, facade, holders };
}

function describe(f: ClassFigures): string {
  return `${f.lines} lines, ${f.methods} methods, LCOM4 ${f.lcom4}`;
}

function list(names: readonly string[], max = 6): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} +${names.length - max} more`;
}

export function summary(model: ClassModel, grouping: Grouping, plan: Plan, fig: Figures): string {
  const parts = plan.holders
    .filter((h) => h.kind === 'part')
    .map((h) => {
      const ties = [
        `stem "${h.stem.join(' ')}"`,
        ...(h.fields.length ? [`fields ${list(h.fields)}`] : []),
        ...(h.joined.length ? [`joined ${list(h.joined, 3)}`] : []),
      ];
      return `${h.className} [${describe(fig.holders.get(h)!)}] <- ${list(h.methods)} (${ties.join('; ')})`;
    });
  const shared = plan.shared
    ? `; shared by several parts, one ${plan.shared.className} [${describe(fig.holders.get(plan.shared)!)}]: ` +
      `${list([...plan.shared.fields, ...plan.shared.methods], 8)}`
    : '';
  const kept = grouping.facade.methods.length ? `keeps ${list(grouping.facade.methods)}, ` : '';
  return (
    `split ${model.name} [${describe(fig.before)}] into ${parts.join('; ')}${shared}; ` +
    `facade ${model.name} [${describe(fig.facade)}] ${kept}delegates ${plan.delegated.size} methods`
  );
}
