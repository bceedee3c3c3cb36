/**
 * The statement around a parse, and the guarded statements that replace it:
 *
 *   const message: Message = JSON.parse(data.toString());
 *
 * becomes
 *
 *   let message: Message;
 *   try {
 *     message = JSON.parse(data.toString());
 *   } catch {
 *     return;
 *   }
 *
 * The snippet is written in the file's indentation, quotes and semicolons and parsed; the
 * declared name, its type and the parse itself are the original nodes (printed from the original
 * text), and every other name or message goes in as a node, never as pasted text.
 */
import { unwrapExpression } from '../../src/ast/scope.js';

export type Shape =
  /** `const x = JSON.parse(…)` (one declarator, an identifier): `let x; try { x = … } catch { … }`. */
  | { kind: 'declaration'; statement: any; declarator: any }
  /** `const { a, b } = JSON.parse(…)`: the parse goes into a new `let parsed`, the destructuring reads it after the `try`. */
  | { kind: 'destructured'; statement: any; declarator: any }
  /** `x = JSON.parse(…);` or `JSON.parse(…);`: the statement goes into the `try`. */
  | { kind: 'statement'; statement: any };

export type ShapeRefusal = { refusal: 'complex-statement'; detail: string };

const WRAPPERS = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'ParenthesizedExpression']);

/** How the statement holding the parse at `callPath` can be guarded, or why it cannot. */
export function shapeOf(callPath: any): Shape | ShapeRefusal {
  let top = callPath;
  while (top.parent && WRAPPERS.has(top.parent.node.type)) top = top.parent;
  const parent = top.parent;
  const node = parent?.node;
  if (node?.type === 'VariableDeclarator' && node.init === top.node) {
    const declaration = parent.parent;
    if (declaration.node.declarations.length !== 1) return { refusal: 'complex-statement', detail: 'the declaration declares several variables' };
    if (!inStatementList(declaration)) return { refusal: 'complex-statement', detail: 'the declaration is not a statement of a block' };
    if (node.id.type !== 'Identifier') return { kind: 'destructured', statement: declaration, declarator: parent };
    return { kind: 'declaration', statement: declaration, declarator: parent };
  }
  if (node?.type === 'AssignmentExpression' && node.operator === '=' && node.right === top.node && parent.parent?.node.type === 'ExpressionStatement') {
    if (unwrapExpression(node.left)?.type !== 'Identifier') return { refusal: 'complex-statement', detail: 'the parsed value is assigned to a property, whose setter would run inside the try' };
    return { kind: 'statement', statement: parent.parent };
  }
  if (node?.type === 'ExpressionStatement') return { kind: 'statement', statement: parent };
  return { refusal: 'complex-statement', detail: 'the parse is part of a larger expression' };
}

function inStatementList(path: any): boolean {
  return Array.isArray(path.parent?.node.body) || path.parent?.node.type === 'SwitchCase';
}

/** What the `catch` does before `return`. */
export type Reaction =
  /** `res.status(400).json({ error: message })` */
  | { kind: 'respond'; res: string; message: string }
  /** `socket.send(JSON.stringify({ error: 'invalid JSON' }))` */
  | { kind: 'reply'; socket: string }
  /** `logger.warn(message)` (`console` when the file has no logger) */
  | { kind: 'log'; logger: string; message: string }
  /** nothing: the frame is dropped */
  | { kind: 'drop' };

export interface Style {
  semicolons: boolean;
  indent: string;
  quote: "'" | '"';
}

const VALUE = '__hardenValue';
const PARSE = '__hardenParse';
const TARGET = '__hardenTarget';
const MESSAGE = '__hardenMessage';

/** The statements that replace the shape's statement; `freshName` names the variable a destructured parse goes into. */
export function guarded(j: any, shape: Shape, reaction: Reaction, style: Style, freshName: () => string): any[] {
  const end = style.semicolons ? ';' : '';
  const declares = shape.kind !== 'statement';
  const inner = declares ? `${VALUE} = ${PARSE}${end}` : `${PARSE}${end}`;
  const lines = [
    ...(declares ? [`${shape.statement.node.kind === 'var' ? 'var' : 'let'} ${VALUE}${end}`] : []),
    'try {',
    `${style.indent}${inner}`,
    '} catch {',
    ...reactionLines(reaction, end, style.quote).map((line) => `${style.indent}${line}`),
    `${style.indent}return${end}`,
    '}',
  ];
  // inside a function so that `return` parses; the lines keep their own indentation
  const statements = j(`function ${VALUE}() {\n${lines.join('\n')}\n}\n`).get().node.program.body[0].body.body as any[];
  const tryStatement = statements[statements.length - 1];
  if (shape.kind === 'declaration') {
    const [declaration] = statements;
    const original = shape.statement.node;
    const { id, init } = shape.declarator.node;
    declaration.declarations[0].id = id;
    const assignment = tryStatement.block.body[0].expression;
    assignment.left = j.identifier(id.name);
    assignment.right = init;
    // `const x = JSON.parse(s) as Message` -> `let x: Message;` and `x = JSON.parse(s);`
    const asserted = init.type === 'TSAsExpression' || init.type === 'TSTypeAssertion' ? init : undefined;
    // only a type asserted on the parse itself: `JSON.parse(s) as unknown as T` stays as written
    let inner = asserted?.expression;
    while (inner?.type === 'ParenthesizedExpression') inner = inner.expression;
    const direct = inner?.type === 'CallExpression';
    if (asserted && direct && !id.typeAnnotation && !isConstAssertion(asserted.typeAnnotation)) {
      declaration.declarations[0].id = j.identifier.from({ name: id.name, typeAnnotation: j.tsTypeAnnotation(asserted.typeAnnotation) });
      assignment.right = asserted.expression;
    }
    moveComments(original, declaration, tryStatement.block.body[0]);
  } else if (shape.kind === 'destructured') {
    // let parsed; try { parsed = JSON.parse(…); } catch { … } const { a, b } = parsed;
    const [declaration] = statements;
    const temp = freshName();
    declaration.declarations[0].id = j.identifier(temp);
    const assignment = tryStatement.block.body[0].expression;
    assignment.left = j.identifier(temp);
    assignment.right = shape.declarator.node.init;
    moveComments(shape.statement.node, declaration, shape.statement.node);
    shape.declarator.node.init = j.identifier(temp);
    statements.push(shape.statement.node);
  } else {
    tryStatement.block.body[0] = shape.statement.node;
    moveComments(shape.statement.node, tryStatement, shape.statement.node);
  }
  fill(j, tryStatement.handler.body, reaction);
  return statements;
}

/** The statement's leading comments go to `leading` (the first new statement), its trailing ones to `trailing`. */
function moveComments(from: any, leading: any, trailing: any): void {
  const comments: any[] = from.comments ?? [];
  from.comments = null;
  const before = comments.filter((comment) => comment.leading);
  const after = comments.filter((comment) => !comment.leading);
  if (before.length > 0) leading.comments = [...before, ...(leading.comments ?? [])];
  if (after.length > 0) trailing.comments = [...(trailing.comments ?? []), ...after];
}

function isConstAssertion(type: any): boolean {
  return type?.type === 'TSTypeReference' && type.typeName?.type === 'Identifier' && type.typeName.name === 'const';
}

function reactionLines(reaction: Reaction, end: string, q: string): string[] {
  switch (reaction.kind) {
    case 'respond':
      return [`${TARGET}.status(400).json({ error: ${q}${MESSAGE}${q} })${end}`];
    case 'reply':
      return [`${TARGET}.send(JSON.stringify({ error: ${q}invalid JSON${q} }))${end}`];
    case 'log':
      return [`${TARGET}.warn(${q}${MESSAGE}${q})${end}`];
    case 'drop':
      return [];
  }
}

/** Puts the names and the message into the snippet's placeholders, as nodes. */
function fill(j: any, block: any, reaction: Reaction): void {
  if (reaction.kind === 'drop') return;
  const target = reaction.kind === 'respond' ? reaction.res : reaction.kind === 'reply' ? reaction.socket : reaction.logger;
  j(block)
    .find(j.Identifier, { name: TARGET })
    .forEach((path: any) => path.replace(j.identifier(target)));
  if (reaction.kind === 'reply') return;
  j(block)
    .find(j.Node)
    .filter((path: any) => (path.node.type === 'StringLiteral' || path.node.type === 'Literal') && path.node.value === MESSAGE)
    .forEach((path: any) => path.replace(j.stringLiteral(reaction.message)));
}
