/**
 * Files whose console output is not backend logging: command-line entry points and scripts (their
 * console output is the program's output), front-end code (runs in a browser, where a Node logger
 * does not exist), and tests.
 */
import type { Collection, JSCodeshift } from 'jscodeshift';

export type FileRefusal = 'cli-or-script' | 'front-end' | 'test-file';

const SCRIPT_DIRECTORY = /(^|\/)(bin|scripts?|cli)\//;
const SCRIPT_NAME = /(^|\/)cli\.[cm]?[jt]sx?$/;
const FRONT_END_DIRECTORY = /(^|\/)(public|client|frontend)\//;
const FRONT_END_MODULES = /^(react|react-dom|react-dom\/client|preact|vue|svelte|@angular\/core|next\/(link|router|navigation|image))$/;
const TEST_NAME = /\.(test|spec)\.[cm]?[jt]sx?$/;
const TEST_DIRECTORY = /(^|\/)(__tests__|__mocks__|tests?|e2e)\//;

/** Why a file's console calls are left alone as a whole, if they are. */
export function fileRefusal(j: JSCodeshift, root: Collection<any>, path: string, source: string): FileRefusal | undefined {
  if (TEST_NAME.test(path) || TEST_DIRECTORY.test(path)) return 'test-file';
  if (source.startsWith('#!') || SCRIPT_DIRECTORY.test(path) || SCRIPT_NAME.test(path)) return 'cli-or-script';
  if (FRONT_END_DIRECTORY.test(path)) return 'front-end';
  const imports = root.find(j.ImportDeclaration).nodes().map((node: any) => String(node.source.value));
  if (imports.some((source) => FRONT_END_MODULES.test(source))) return 'front-end';
  if (/\.[jt]sx$/.test(path) && (root.find(j.JSXElement).size() > 0 || root.find(j.JSXFragment).size() > 0)) return 'front-end';
  return undefined;
}

/**
 * The rule for `console.log` that prints a program's output rather than logging: it sits in a
 * function whose name says it prints (print*, show*, display*, render*, output*, dump*, usage,
 * help*), or it prints `JSON.stringify(...)` (machine-readable output for another program).
 */
export function isProgramOutput(path: any): boolean {
  const args = path.node.arguments;
  const stringify = (node: any) =>
    node?.type === 'CallExpression' &&
    node.callee.type === 'MemberExpression' &&
    node.callee.object.name === 'JSON' &&
    node.callee.property.name === 'stringify';
  if (args.length === 1 && stringify(args[0])) return true;
  for (let current = path.parent; current; current = current.parent) {
    const name = functionName(current);
    if (name) return /^(print|show|display|render|output|dump|usage|help)([A-Z_]|$)/.test(name);
  }
  return false;
}

function functionName(path: any): string | undefined {
  const node = path.node;
  if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') {
    if (node.id?.name) return node.id.name;
    const parent = path.parent?.node;
    if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
    if ((parent?.type === 'ObjectProperty' || parent?.type === 'Property') && parent.key.type === 'Identifier') return parent.key.name;
    return '';
  }
  if (node.type === 'ClassMethod' || node.type === 'ObjectMethod' || node.type === 'ClassPrivateMethod') {
    return node.key.type === 'Identifier' ? node.key.name : '';
  }
  return undefined;
}
