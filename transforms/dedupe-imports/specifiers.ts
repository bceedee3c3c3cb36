/**
 * What one import declaration binds, and whether another declaration of the same module can
 * absorb it without changing any binding or producing a declaration TypeScript rejects.
 */
import type { ImportDeclaration } from 'jscodeshift';

type Specifier = NonNullable<ImportDeclaration['specifiers']>[number];

/** Declarations that may merge share the module, the import kind and the import attributes. */
export function importGroupKey(declaration: ImportDeclaration): string {
  const node = declaration as ImportDeclaration & { attributes?: unknown[]; assertions?: unknown[]; phase?: string };
  const attributes = (node.attributes ?? node.assertions ?? []).map((attribute: any) => [
    attribute.key.name ?? attribute.key.value,
    attribute.value.value,
  ]);
  const shape = (declaration.specifiers ?? []).some((s) => s.type === 'ImportNamespaceSpecifier') ? 'namespace' : 'plain';
  return JSON.stringify([declaration.source.value, declaration.importKind ?? 'value', node.phase ?? '', attributes, shape]);
}

/** The local name and what it is bound to (`default`, `*`, or `kind:name` of a named export). */
export function specifierBinding(specifier: Specifier): { local: string; imported: string } {
  const local = String((specifier.local as { name?: string } | null | undefined)?.name ?? '');
  if (specifier.type === 'ImportDefaultSpecifier') return { local, imported: 'default' };
  if (specifier.type === 'ImportNamespaceSpecifier') return { local, imported: '*' };
  const imported = specifier.imported as { name?: string; value?: string };
  const kind = (specifier as { importKind?: string }).importKind ?? 'value';
  return { local, imported: `${kind === 'typeof' ? 'typeof' : 'any'}:${imported.name ?? imported.value}` };
}

export function isSameSpecifier(a: Specifier, b: Specifier): boolean {
  if (a.type !== b.type) return false;
  const [x, y] = [specifierBinding(a), specifierBinding(b)];
  const kind = (s: Specifier) => (s as { importKind?: string }).importKind ?? 'value';
  return x.local === y.local && x.imported === y.imported && kind(a) === kind(b);
}

export type HostCheck = { ok: true } | { ok: false; reason?: 'second-default' | 'type-default-and-named' };

/** Can `host` take every specifier of `guest` (duplicates dropped) and stay valid? */
export function canHost(host: ImportDeclaration, guest: ImportDeclaration): HostCheck {
  const hostSpecifiers = host.specifiers ?? [];
  const guestSpecifiers = guest.specifiers ?? [];
  const fresh = guestSpecifiers.filter((s) => !hostSpecifiers.some((h) => isSameSpecifier(h, s)));
  if (guestSpecifiers.length === 0) return hostSpecifiers.length === 0 ? { ok: true } : { ok: false };
  if (hostSpecifiers.length === 0) return { ok: false };
  const namespace = (list: Specifier[]) => list.some((s) => s.type === 'ImportNamespaceSpecifier');
  if (namespace(hostSpecifiers) || namespace(guestSpecifiers)) return fresh.length === 0 ? { ok: true } : { ok: false };
  const defaults = [...hostSpecifiers, ...fresh].filter((s) => s.type === 'ImportDefaultSpecifier');
  if (defaults.length > 1) return { ok: false, reason: 'second-default' };
  const named = [...hostSpecifiers, ...fresh].some((s) => s.type === 'ImportSpecifier');
  if (host.importKind === 'type' && defaults.length === 1 && named) return { ok: false, reason: 'type-default-and-named' };
  return { ok: true };
}
